import { AsyncLocalStorage } from 'node:async_hooks';
import { Kysely, sql, type KyselyConfig } from 'kysely';
import { sqliteGroupCommit, type TransactionState } from './group-commit';
import { sqliteDialect } from './kysely-sqlite';
import type { KeywayTables } from './schema';
import type { Db } from './sqlite';

export type Engine = 'sqlite' | 'postgres';
export type Executor = Kysely<KeywayTables>;

/**
 * The server's database, whichever engine it is, for asynchronous, dialect-neutral stores.
 *
 * Stores ask `q()` for the executor of every query. Inside `transaction(work)` that is the open
 * transaction (carried by AsyncLocalStorage across every await of `work`), so a store method joins its
 * caller's transaction without each signature threading a `trx` through, exactly as the synchronous
 * stores did with nested better-sqlite3 transactions.
 */
export interface Storage {
  readonly engine: Engine;
  /** The executor for the current async context: the open transaction, else the database. */
  q(): Executor;
  /**
   * Runs `work` in one transaction; a nested call becomes a savepoint inside the caller's.
   * SQLite: BEGIN IMMEDIATE (kysely-sqlite.ts), so writers run one after another; outermost transactions
   * that are ready at once share one COMMIT (group-commit.ts), each settling only after it.
   * PostgreSQL: SERIALIZABLE, retried on a serialization failure or deadlock: PostgreSQL guarantees the
   * outcome of committed SERIALIZABLE transactions equals some one-at-a-time order
   * (https://www.postgresql.org/docs/15/transaction-iso.html#XACT-SERIALIZABLE), the same guarantee
   * SQLite's single writer gives, so every read-then-write a store makes inside a transaction (the
   * claim of a deployment code, a refresh rotation, a lock-out re-check) holds on both engines.
   * SERIALIZABLE rather than row locks (SELECT … FOR UPDATE) because it also covers the reads that
   * find no row yet (a first failure counter, an absent nonce), which FOR UPDATE cannot lock.
   * Because of the retry, `work` must do nothing outside the database (no mail, no HTTP).
   */
  transaction<T>(work: () => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** SQLite only: the synchronous connection the same Kysely instance runs on. */
  readonly sqlite: Db | undefined;
  close(): Promise<void>;
}

export interface TransactionOptions {
  /**
   * PostgreSQL only, for work that serialises itself with a lock (so needs no SERIALIZABLE retry):
   * - a lock it takes first (migrations, under an advisory lock): READ COMMITTED gives each statement a
   *   fresh snapshot, so what it reads after the lock includes what the previous holder committed. Under
   *   SERIALIZABLE the snapshot is taken by the first statement (the lock itself), before the wait, and
   *   the work would not see the other's commit;
   * - a conditional UPDATE whose row lock and re-check on the committed row decide (refresh rotation,
   *   sessions/session-store.ts): of racing contenders exactly one updates the row, the others see it
   *   changed; the transaction's other reads must not decide anything the UPDATE does not re-check.
   */
  isolation?: 'serializable' | 'read committed';
}

/**
 * How many times a SERIALIZABLE transaction is tried before its serialization failure is thrown. Each
 * round of a conflict commits at least one contender, so N transactions racing on one row finish within
 * N tries; conflicts on one account's rows beyond a handful at once are an attack the rate limits stop.
 */
const SERIALIZABLE_ATTEMPTS = 16;

/** SQLSTATEs PostgreSQL answers when a transaction lost a race and may simply be run again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

/**
 * Options every engine takes. `onQuery` sees each statement Kysely runs (its SQL and parameters) once it
 * succeeded: test/integration/server/query-plans.test.ts collects the hot paths' statements with it to
 * EXPLAIN them. Kysely's `log` hook runs in its runtime driver for every dialect, so it also sees the
 * statements of our own SQLite dialect (https://kysely.dev/docs/recipes/logging). It does not see the
 * migration scripts (SQLite runs them with exec(), kept out of Kysely on purpose). Unset in production.
 */
export interface StorageOptions {
  onQuery?: ((sql: string, parameters: readonly unknown[]) => void) | undefined;
}

function queryLog(options: StorageOptions): Pick<KyselyConfig, 'log'> {
  const { onQuery } = options;
  if (onQuery === undefined) return {};
  return {
    log: (event) => {
      if (event.level === 'query') onQuery(event.query.sql, event.query.parameters);
    },
  };
}

/** Storage over an open SQLite connection, which it then owns (close() closes it). */
export function sqliteStorage(db: Db, options: StorageOptions = {}): Storage {
  const kysely = new Kysely<KeywayTables>({ dialect: sqliteDialect(db), ...queryLog(options) });
  return contextStorage('sqlite', kysely, db, async () => {
    // Closed at once, synchronously: both SQLite drivers run each statement to completion before
    // returning, so no query is ever half-way at this point, and a caller that cannot await (the
    // admin service's close()) still leaves the file closed. The dialect's own close() is a no-op.
    db.close();
    await kysely.destroy();
  });
}

/** PostgreSQL through a pg pool; `pg` is loaded only when a postgres:// URL is given. */
export async function postgresStorage(url: string, options: { max?: number } & StorageOptions = {}): Promise<Storage> {
  const [{ default: pg }, { PostgresDialect }] = await Promise.all([import('pg'), import('kysely')]);
  // int8 (OID 20) arrives as a string by default, since it can exceed 2^53. Every BIGINT here is a
  // millisecond time, an id or a count, all far below 2^53: read them as numbers, like SQLite does.
  // Per pool (TypeOverrides), not pg's global parser table, so no other pg user in the process changes.
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const kysely = new Kysely<KeywayTables>({ dialect: new PostgresDialect({ pool }), ...queryLog(options) });
  return contextStorage('postgres', kysely, undefined, () => kysely.destroy());
}

function contextStorage(
  engine: Engine,
  kysely: Kysely<KeywayTables>,
  sqlite: Db | undefined,
  destroy: () => Promise<void>,
): Storage {
  let closing: Promise<void> | undefined;
  const current = new AsyncLocalStorage<TransactionState>();
  // SQLite: one fsync for every transaction ready at once (group-commit.ts says why and what holds).
  const grouped = engine === 'sqlite' ? sqliteGroupCommit(kysely, current) : undefined;

  const outermost = async <T>(work: () => Promise<T>, options: TransactionOptions): Promise<T> => {
    if (grouped) return grouped(work);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const builder = kysely.transaction();
        const isolation = options.isolation ?? 'serializable';
        return await (engine === 'postgres' ? builder.setIsolationLevel(isolation) : builder).execute((trx) =>
          current.run({ trx, savepoints: 0 }, work),
        );
      } catch (error) {
        if (engine !== 'postgres' || !isRetryable(error) || attempt >= SERIALIZABLE_ATTEMPTS) throw error;
        // Random, growing back-off, so the losers of one conflict do not meet again in lockstep.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
      }
    }
  };

  const nested = async <T>(state: TransactionState, work: () => Promise<T>) => {
    state.savepoints += 1;
    const name = sql.raw(`keyway_sp_${state.savepoints}`);
    await sql`savepoint ${name}`.execute(state.trx);
    try {
      const result = await work();
      await sql`release savepoint ${name}`.execute(state.trx);
      return result;
    } catch (error) {
      await sql`rollback to savepoint ${name}`.execute(state.trx);
      await sql`release savepoint ${name}`.execute(state.trx);
      throw error;
    } finally {
      state.savepoints -= 1;
    }
  };

  return {
    engine,
    sqlite,
    q: () => current.getStore()?.trx ?? kysely,
    transaction: (work, options = {}) => {
      const state = current.getStore();
      return state ? nested(state, work) : outermost(work, options);
    },
    close: () => (closing ??= destroy()),
  };
}
