import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens for the interaction pages' forms (and the Cancel link): an HMAC of the interaction's uid
 * under a server secret. Only someone who loaded the page (which needs the interaction cookie) has it,
 * it cannot be reused for another interaction, and it needs no storage, so a page rendered before a
 * restart still submits after it.
 */
export class InteractionCsrf {
  constructor(private readonly key: Buffer) {}

  tokenFor(uid: string): string {
    return createHmac('sha256', this.key).update(`keyway-interaction-csrf:${uid}`).digest('base64url');
  }

  check(uid: string, token: unknown): boolean {
    if (typeof token !== 'string') return false;
    const expected = Buffer.from(this.tokenFor(uid));
    const actual = Buffer.from(token);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
