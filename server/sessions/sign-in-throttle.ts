import { sql } from 'kysely';
import type { Limits } from '../config';
import type { Storage } from '../storage/storage';

/**
 * Per-account throttling after NIST SP 800-63B §5.2.2: after `maxConsecutiveFailures` wrong passwords
 * in a row the subject is locked for `lockoutSeconds`; a successful sign-in clears the count.
 * Stored in the database so a restart does not hand an attacker a fresh budget, and so every server
 * instance on one PostgreSQL counts the same failures.
 */
export class SignInThrottle {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    private readonly limits: Pick<Limits, 'maxConsecutiveFailures' | 'lockoutSeconds'>,
  ) {}

  /** Seconds until the subject may try again, or undefined when it is not locked. */
  async lockedFor(subject: string): Promise<number | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('sign_in_failures')
      .select('locked_until')
      .where('subject', '=', subject)
      .executeTakeFirst();
    return this.remainingOf(row?.locked_until);
  }

  /** lockedFor() from a `locked_until` read already (user-store.ts findByNameWithLock). */
  remainingOf(lockedUntil: number | null | undefined): number | undefined {
    const remaining = (lockedUntil ?? 0) - this.clock();
    return remaining > 0 ? Math.ceil(remaining / 1000) : undefined;
  }

  /**
   * Counts a failure; returns the lock's length in seconds when this failure locked the subject.
   * One transaction (SQLite: IMMEDIATE; PostgreSQL: SERIALIZABLE with retry, storage.ts): failures
   * arriving at once, at one instance or several, are each counted, and exactly one of them locks.
   */
  recordFailure(subject: string): Promise<number | undefined> {
    return this.storage.transaction(async () => {
      const q = this.storage.q();
      const now = this.clock();
      // A lock that has run out starts a fresh count. Columns are qualified: in an upsert's SET both
      // engines read the table name as the existing row (`excluded` being the proposed one).
      const expired = sql<boolean>`sign_in_failures.locked_until <= ${now}`;
      const row = await q
        .insertInto('sign_in_failures')
        .values({ subject, failures: 1, locked_until: null })
        .onConflict((conflict) =>
          conflict.column('subject').doUpdateSet({
            failures: sql<number>`CASE WHEN ${expired} THEN 1 ELSE sign_in_failures.failures + 1 END`,
            locked_until: sql<number | null>`CASE WHEN ${expired} THEN NULL ELSE sign_in_failures.locked_until END`,
          }),
        )
        .returning('failures')
        .executeTakeFirst();
      if ((row?.failures ?? 0) < this.limits.maxConsecutiveFailures) return undefined;
      await q
        .updateTable('sign_in_failures')
        .set({ failures: 0, locked_until: now + this.limits.lockoutSeconds * 1000 })
        .where('subject', '=', subject)
        .execute();
      return this.limits.lockoutSeconds;
    });
  }

  /**
   * After a correct password: clears the count, unless failures from a parallel attempt locked the
   * subject while this one was verifying (argon2 takes a while); then returns the lock's remaining
   * seconds and clears nothing. No transaction, one round trip in the usual case (no failures counted):
   * - no row: nothing to clear, not locked. A failure that inserts a row right after this read is
   *   ordered after this success, exactly as if it had arrived a moment later, so it is not cleared;
   * - a row that is not locked: one DELETE that re-checks "not locked" on the row it deletes (SQLite:
   *   one statement under the write lock; PostgreSQL, READ COMMITTED: a concurrent UPDATE that locked it
   *   is waited for and the WHERE re-evaluated on the committed row, "the second updater … will
   *   re-evaluate its search condition", https://www.postgresql.org/docs/15/transaction-iso.html). If it
   *   deleted nothing, a parallel failure locked the subject in between: that lock is reported.
   * This replaced a SERIALIZABLE transaction (BEGIN, SELECT, DELETE, COMMIT: four round trips on
   * PostgreSQL for every sign-in) that gave the same outcomes.
   */
  async resetUnlessLocked(subject: string): Promise<number | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('sign_in_failures')
      .select('locked_until')
      .where('subject', '=', subject)
      .executeTakeFirst();
    if (!row) return undefined;
    const now = this.clock();
    const remaining = (row.locked_until ?? 0) - now;
    if (remaining > 0) return Math.ceil(remaining / 1000);
    const deleted = await this.storage
      .q()
      .deleteFrom('sign_in_failures')
      .where('subject', '=', subject)
      .where((where) => where.or([where('locked_until', 'is', null), where('locked_until', '<=', now)]))
      .executeTakeFirst();
    return deleted.numDeletedRows === 0n ? this.lockedFor(subject) : undefined;
  }

  async reset(subject: string): Promise<void> {
    await this.storage.q().deleteFrom('sign_in_failures').where('subject', '=', subject).execute();
  }
}
