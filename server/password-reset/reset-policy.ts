import { KeywayError } from '../../protocol/errors';
import type { Db } from '../storage/database';

/** Whether users may reset a forgotten password by e-mail, and how long a reset link works. */
export interface PasswordResetPolicy {
  enabled: boolean;
  linkTtlMinutes: number;
}

/** Off until the admin turns it on: self-service reset trusts the mailbox, which not every org wants. */
const DEFAULT_PASSWORD_RESET_POLICY: PasswordResetPolicy = { enabled: false, linkTtlMinutes: 30 };
const MIN_LINK_TTL_MINUTES = 5;
const MAX_LINK_TTL_MINUTES = 24 * 60;

interface Row {
  enabled: number;
  link_ttl_minutes: number;
}

/** The policy's one row (migration 5). Read on every request, so a change applies without a restart. */
export class PasswordResetPolicyStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  read(): PasswordResetPolicy {
    const row = this.db
      .prepare<[], Row>('SELECT enabled, link_ttl_minutes FROM password_reset_policy WHERE id = 1')
      .get();
    return row ? { enabled: row.enabled === 1, linkTtlMinutes: row.link_ttl_minutes } : DEFAULT_PASSWORD_RESET_POLICY;
  }

  /** Changes the given parts and keeps the rest; returns the policy now in force. */
  update(change: Partial<PasswordResetPolicy>): PasswordResetPolicy {
    const next = { ...this.read(), ...change };
    checkLinkTtl(next.linkTtlMinutes);
    this.db
      .prepare<[number, number, number]>(
        `INSERT INTO password_reset_policy (id, enabled, link_ttl_minutes, updated_at) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, link_ttl_minutes = excluded.link_ttl_minutes,
           updated_at = excluded.updated_at`,
      )
      .run(next.enabled ? 1 : 0, next.linkTtlMinutes, this.clock());
    return next;
  }
}

export function checkLinkTtl(minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < MIN_LINK_TTL_MINUTES || minutes > MAX_LINK_TTL_MINUTES) {
    throw new KeywayError(
      'invalid_input',
      `A reset link must work for a whole number of minutes from ${MIN_LINK_TTL_MINUTES} to ${MAX_LINK_TTL_MINUTES}.`,
    );
  }
  return minutes;
}
