import { KeywayError } from '../../protocol/errors';
import type { Db } from '../storage/database';

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
    private readonly db: Db,
    private readonly clock: () => number,
    private readonly limits: SecondFactorLimits = DEFAULT_SECOND_FACTOR_LIMITS,
  ) {}

  /** The error to answer while the account's second step is locked; undefined when it is not. */
  lockError(userId: number): KeywayError | undefined {
    const row = this.row(userId);
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

  /** Counts one wrong code (call inside the transaction that judged it). */
  recordFailure(userId: number): FailureOutcome {
    const now = this.clock();
    const row = this.db
      .prepare<[number], { failures: number }>(
        `INSERT INTO mfa_failures (user_id, failures, locked_until) VALUES (?, 1, NULL)
         ON CONFLICT (user_id) DO UPDATE SET failures = failures + 1 RETURNING failures`,
      )
      .get(userId);
    const failures = row?.failures ?? 0;
    if (failures >= this.limits.maxConsecutive) return { locked: true, minutes: undefined };
    if (failures % this.limits.perLock !== 0) return { locked: false };
    this.db
      .prepare<[number, number]>('UPDATE mfa_failures SET locked_until = ? WHERE user_id = ?')
      .run(now + this.limits.lockSeconds * 1000, userId);
    return { locked: true, minutes: Math.round(this.limits.lockSeconds / 60) };
  }

  /** A correct second factor, or the admin's reset-mfa: the count starts over. */
  clear(userId: number): void {
    this.db.prepare<[number]>('DELETE FROM mfa_failures WHERE user_id = ?').run(userId);
  }

  private row(userId: number): { failures: number; locked_until: number | null } | undefined {
    return this.db
      .prepare<[number], { failures: number; locked_until: number | null }>(
        'SELECT failures, locked_until FROM mfa_failures WHERE user_id = ?',
      )
      .get(userId);
  }
}
