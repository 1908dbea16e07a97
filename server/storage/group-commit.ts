import type { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { KeywayTables } from './schema';

/** What storage.ts keeps in its AsyncLocalStorage while a transaction's work runs. */
export interface TransactionState {
  trx: Transaction<KeywayTables>;
  savepoints: number;
}

/**
 * Most transactions one group commit takes. A bound on how long the first of a group waits for the
 * last: each transaction here is a few synchronous statements (microseconds), the commit's fsync is
 * milliseconds, so even a full group answers in about one fsync.
 */
const MAX_GROUP = 64;

interface Waiting {
  work: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite: the outermost transactions that become ready while the connection is busy
 * run one after another inside ONE `BEGIN IMMEDIATE … COMMIT`, each in its own savepoint, so one fsync
 * makes all of them durable.
 *
 * Why: the SQLite driver is synchronous, so every commit's fsync (WAL, synchronous=FULL) blocks the one
 * event loop; a sign-in or a refresh that commits twice (its per-source rate-limit counter, then its
 * own work) paid two fsyncs each and kept the loop blocked most of each second under load
 * (test/bench/gap-causes.ts). Durability is unchanged: no caller's promise settles before the COMMIT
 * that contains its work has returned (the fsync is done), and synchronous=FULL stays as it is.
 *
 * What each caller sees is what its own transaction gave:
 * - the transactions of a group run serially on the one connection under SQLite's write lock, so each
 *   sees every write of those before it, exactly as if each had committed alone in that order;
 * - a transaction that throws is rolled back to its savepoint and its caller gets the error (after the
 *   group's COMMIT, like everyone else); the others still commit;
 * - if the group cannot commit (disk full, I/O error), or SQLite itself aborted the whole transaction
 *   (the savepoint is then gone), nothing of the group is kept and every caller in it gets the error,
 *   as each would have had its own failed commit.
 * A group is gathered by scheduling its run with setImmediate: the transactions asked for during one
 * turn of the event loop (the requests that arrived while the previous commit blocked it) go together.
 * A lone transaction waits one loop turn longer than before and commits alone.
 */
export function sqliteGroupCommit(
  kysely: Kysely<KeywayTables>,
  current: AsyncLocalStorage<TransactionState>,
): <T>(work: () => Promise<T>) => Promise<T> {
  const waiting: Waiting[] = [];
  let scheduled = false;

  const runGroup = async (): Promise<void> => {
    const group = waiting.splice(0, MAX_GROUP);
    const settle: (() => void)[] = [];
    try {
      await kysely.transaction().execute(async (trx) => {
        for (const item of group) {
          await sql`savepoint keyway_group`.execute(trx);
          try {
            const value = await current.run({ trx, savepoints: 0 }, item.work);
            await sql`release savepoint keyway_group`.execute(trx);
            settle.push(() => item.resolve(value));
          } catch (error) {
            // If SQLite already rolled the whole transaction back, this throws ("no such savepoint")
            // and the group fails as a whole, below.
            await sql`rollback to savepoint keyway_group`.execute(trx);
            await sql`release savepoint keyway_group`.execute(trx);
            settle.push(() => item.reject(error));
          }
        }
      });
    } catch (error) {
      // Kysely rolled the transaction back: no work of this group was kept.
      for (const item of group) item.reject(error);
      return;
    }
    for (const answer of settle) answer();
  };

  // True from the moment a group is scheduled until it has settled: one group at a time, so what is
  // asked for while a group runs waits for the next one instead of queueing on the connection.
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      void runGroup().finally(() => {
        scheduled = false;
        if (waiting.length > 0) schedule();
      });
    });
  };

  return <T>(work: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      schedule();
    });
}
