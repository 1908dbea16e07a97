import { KeywayError } from '../../protocol/errors';
import { sql } from 'kysely';
import type { Storage } from '../storage/storage';

/**
 * How many wrong second-factor codes an account may see. NIST SP 800-63B §5.2.2 asks for at most 100
 * consecutive failures per account; here every `perLock` consecutive wrong codes lock the second step for
 * `lockSeconds`, and `maxConsecutive` lock it until an admin runs reset-mfa. With 10 per 15 minutes a
 * six-digit TOTP (three codes accepted at ±1 step) gives a guesser about 0.3 % a day, and the 100 cap
 * ends that after under three hours of guessing.
 */
export interface SecondFactorLimits {
  perLock: number;
  lockSeconds: number;
  maxConsecutive: number;
}

const DEFAULT_SECOND_FACTOR_LIMITS: SecondFactorLimits = {
  perLock: 10,
  lockSeconds: 15 * 60,
  maxConsecutive: 100,
};

/** What a wrong code did to the account's second step. */
export type FailureOutcome = { locked: false } | { locked: true; minutes: number | undefined };

/**
 * Wrong second-factor codes counted per account, across challenges, channels (authenticator, e-mail,
 * SMS), the provider's pages, /account and OTP issuance. A correct password never clears the count:
 * only a correct second factor (or the admin's reset-mfa) does, so opening new challenges buys nothing.
 */
export class SecondFactorLock {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    private readonly limits: SecondFactorLimits = DEFAULT_SECOND_FACTOR_LIMITS,
  ) {}

  /** The error to answer while the account's second step is locked; undefined when it is not. */
  async lockError(userId: number): Promise<KeywayError | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('mfa_failures')
      .select(['failures', 'locked_until'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.failures >= this.limits.maxConsecutive) {
      return new KeywayError(
        'account_locked',
        'Too many wrong codes: the second sign-in step of this account is locked. Ask your IT department to reset it.',
      );
    }
    const remaining = (row.locked_until ?? 0) - this.clock();
    if (remaining <= 0) return undefined;
    const seconds = Math.ceil(remaining / 1000);
    const minutes = Math.ceil(seconds / 60);
    return new KeywayError(
      'account_locked',
      `Too many wrong codes. Codes for this account are refused for ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      { retryAfter: seconds },
    );
  }

  /**
   * Counts one wrong code. Call it inside the transaction that judged the code (after `lockError` in the
   * same transaction): SQLite's IMMEDIATE and PostgreSQL's SERIALIZABLE (storage.ts) make the re-check,
   * the count and the lock one step, so wrong codes arriving at once, at one instance or several, are
   * each counted and none is judged after the lock that an earlier one set.
   */
  recordFailure(userId: number): Promise<FailureOutcome> {
    return this.storage.transaction(async () => {
      const q = this.storage.q();
      // The column is qualified: in an upsert's SET both engines read the table name as the existing row.
      const row = await q
        .insertInto('mfa_failures')
        .values({ user_id: userId, failures: 1, locked_until: null })
        .onConflict((conflict) =>
          conflict.column('user_id').doUpdateSet({ failures: sql<number>`mfa_failures.failures + 1` }),
        )
        .returning('failures')
        .executeTakeFirst();
      const failures = row?.failures ?? 0;
      if (failures >= this.limits.maxConsecutive) return { locked: true, minutes: undefined };
      if (failures % this.limits.perLock !== 0) return { locked: false };
      await q
        .updateTable('mfa_failures')
        .set({ locked_until: this.clock() + this.limits.lockSeconds * 1000 })
        .where('user_id', '=', userId)
        .execute();
      return { locked: true, minutes: Math.round(this.limits.lockSeconds / 60) };
    });
  }

  /** A correct second factor, or the admin's reset-mfa: the count starts over. */
  async clear(userId: number): Promise<void> {
    await this.storage.q().deleteFrom('mfa_failures').where('user_id', '=', userId).execute();
  }
}
