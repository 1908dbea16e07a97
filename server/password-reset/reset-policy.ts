import { KeywayError } from '../../protocol/errors';
import type { Storage } from '../storage/storage';

/** Whether users may reset a forgotten password by e-mail, and how long a reset link works. */
export interface PasswordResetPolicy {
  enabled: boolean;
  linkTtlMinutes: number;
}

/** Off until the admin turns it on: self-service reset trusts the mailbox, which not every org wants. */
const DEFAULT_PASSWORD_RESET_POLICY: PasswordResetPolicy = { enabled: false, linkTtlMinutes: 30 };
const MIN_LINK_TTL_MINUTES = 5;
const MAX_LINK_TTL_MINUTES = 24 * 60;

/** The policy's one row (migration 5). Read on every request, so a change applies without a restart. */
export class PasswordResetPolicyStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  async read(): Promise<PasswordResetPolicy> {
    const row = await this.storage
      .q()
      .selectFrom('password_reset_policy')
      .select(['enabled', 'link_ttl_minutes'])
      .where('id', '=', 1)
      .executeTakeFirst();
    return row ? { enabled: row.enabled === 1, linkTtlMinutes: row.link_ttl_minutes } : DEFAULT_PASSWORD_RESET_POLICY;
  }

  /**
   * Changes the given parts and keeps the rest; returns the policy now in force. Read and write are one
   * transaction, so two admins changing different parts at once both keep their change.
   */
  update(change: Partial<PasswordResetPolicy>): Promise<PasswordResetPolicy> {
    return this.storage.transaction(async () => {
      const next = { ...(await this.read()), ...change };
      checkLinkTtl(next.linkTtlMinutes);
      const row = {
        enabled: next.enabled ? (1 as const) : (0 as const),
        link_ttl_minutes: next.linkTtlMinutes,
        updated_at: this.clock(),
      };
      await this.storage
        .q()
        .insertInto('password_reset_policy')
        .values({ id: 1, ...row })
        .onConflict((conflict) => conflict.column('id').doUpdateSet(row))
        .execute();
      return next;
    });
  }
}

export function checkLinkTtl(minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < MIN_LINK_TTL_MINUTES || minutes > MAX_LINK_TTL_MINUTES) {
    throw new KeywayError(
      'invalid_input',
      `A reset link must work for a whole number of minutes from ${MIN_LINK_TTL_MINUTES} to ${MAX_LINK_TTL_MINUTES}.`,
      { detail: { field: 'reset-link-minutes', reason: 'out-of-range' } },
    );
  }
  return minutes;
}
