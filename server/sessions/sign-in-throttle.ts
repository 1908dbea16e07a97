import type { Limits } from '../config';
import type { Db } from '../storage/database';

/**
 * Per-account throttling after NIST SP 800-63B §5.2.2: after `maxConsecutiveFailures` wrong passwords
 * in a row the subject is locked for `lockoutSeconds`; a successful sign-in clears the count.
 * Stored in the database so a restart does not hand an attacker a fresh budget.
 */
export class SignInThrottle {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
    private readonly limits: Pick<Limits, 'maxConsecutiveFailures' | 'lockoutSeconds'>,
  ) {}

  /** Seconds until the subject may try again, or undefined when it is not locked. */
  lockedFor(subject: string): number | undefined {
    const row = this.db
      .prepare<[string], { locked_until: number | null }>('SELECT locked_until FROM sign_in_failures WHERE subject = ?')
      .get(subject);
    const remaining = (row?.locked_until ?? 0) - this.clock();
    return remaining > 0 ? Math.ceil(remaining / 1000) : undefined;
  }

  /** Counts a failure; returns the lock's length in seconds when this failure locked the subject. */
  recordFailure(subject: string): number | undefined {
    return this.db
      .transaction(() => {
        const now = this.clock();
        const row = this.db
          .prepare<[{ subject: string; now: number }], { failures: number }>(
            // A lock that has run out starts a fresh count.
            `INSERT INTO sign_in_failures (subject, failures, locked_until) VALUES (@subject, 1, NULL)
             ON CONFLICT (subject) DO UPDATE SET
               failures = CASE WHEN locked_until <= @now THEN 1 ELSE failures + 1 END,
               locked_until = CASE WHEN locked_until <= @now THEN NULL ELSE locked_until END
             RETURNING failures`,
          )
          .get({ subject, now });
        if ((row?.failures ?? 0) < this.limits.maxConsecutiveFailures) return undefined;
        this.db
          .prepare<[number, string]>('UPDATE sign_in_failures SET failures = 0, locked_until = ? WHERE subject = ?')
          .run(now + this.limits.lockoutSeconds * 1000, subject);
        return this.limits.lockoutSeconds;
      })
      .immediate();
  }

  reset(subject: string): void {
    this.db.prepare<[string]>('DELETE FROM sign_in_failures WHERE subject = ?').run(subject);
  }
}
