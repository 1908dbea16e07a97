import { sha256Hex } from '../security/digest';
import type { Storage } from '../storage/storage';

/**
 * How long after a deployment is redeemed its installation's first sign-in may enrol a first
 * authenticator. The deployment code went to the user (the admin's e-mail or the signed-in /account
 * page), so it is something a password thief does not have.
 */
export const FRESH_DEPLOYMENT_MS = 60 * 60 * 1000;

/**
 * Whether a sign-in may enrol the account's FIRST authenticator (server/mfa/README.md, "First
 * enrolment"). A password alone must never be enough, or whoever has the password registers their own
 * authenticator and passes enforced MFA. Allowed only for the first sign-in of an installation that
 * redeemed a deployment of this user within FRESH_DEPLOYMENT_MS: no session of that installation has
 * started since the redemption. The provider's pages have no installation of their own: a unified-login
 * installation names itself with the enrolment ticket its redemption returned (`installationForTicket`).
 * Without one (any other browser, /account) they never enrol a first authenticator on the password
 * alone: the user proves it with an e-mail/SMS code, or asks IT for a new deployment.
 */
export class FirstEnrolment {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  async allowedFor(userId: number, installationId: string | undefined): Promise<boolean> {
    if (installationId === undefined) return false;
    const q = this.storage.q();
    const redeemed = (
      await q
        .selectFrom('deployments')
        .select((eb) => eb.fn.max('redeemed_at').as('redeemed_at'))
        .where('user_id', '=', userId)
        .where('redeemed_by', '=', installationId)
        .where('redeemed_at', '>', this.clock() - FRESH_DEPLOYMENT_MS)
        .executeTakeFirst()
    )?.redeemed_at;
    if (redeemed === null || redeemed === undefined) return false;
    const signedInSince = await q
      .selectFrom('session_families')
      .select('id')
      .where('user_id', '=', userId)
      .where('installation_id', '=', installationId)
      .where('created_at', '>=', redeemed)
      .limit(1)
      .executeTakeFirst();
    return signedInSince === undefined;
  }

  /**
   * The installation whose fresh redemption of this user's deployment handed out `ticket`, if the ticket
   * is that one's and still inside FRESH_DEPLOYMENT_MS; else undefined. Bound to the user, so a ticket
   * never helps with another account. allowedFor then applies the same first-sign-in rule.
   */
  async installationForTicket(userId: number, ticket: unknown): Promise<string | undefined> {
    if (typeof ticket !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(ticket)) return undefined;
    const row = await this.storage
      .q()
      .selectFrom('deployments')
      .select('redeemed_by')
      .where('enrolment_ticket_hash', '=', sha256Hex(ticket))
      .where('user_id', '=', userId)
      .where('redeemed_at', '>', this.clock() - FRESH_DEPLOYMENT_MS)
      .executeTakeFirst();
    return row?.redeemed_by ?? undefined;
  }
}
