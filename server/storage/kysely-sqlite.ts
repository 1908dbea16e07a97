import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Dialect,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import type { Db, SqlValue } from './sqlite';

/**
 * Kysely's SqliteDialect over our own `Db`, so Kysely runs on whichever driver sqlite.ts chose
 * (node:sqlite on Node ≥ 22, better-sqlite3 on Node 20). Kysely's dialect is written against
 * better-sqlite3's interface (kysely/dist/esm/dialect/sqlite/sqlite-dialect-config.d.ts: prepare(sql)
 * returning { reader, all(params[]), run(params[]), iterate(params[]) }); `Db` already offers the same
 * slice, with parameters spread instead of passed as one array. Sharing the connection also means a
 * Kysely query and a `Db` statement run on the same SQLite connection, inside the same transaction.
 */
export function sqliteDialect(db: Db): Dialect {
  const database = sqliteDatabaseOver(db);
  const dialect = new SqliteDialect({ database });
  return {
    createDriver: () => new ImmediateSqliteDriver({ database }),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (kysely) => dialect.createIntrospector(kysely),
  };
}

/**
 * Every transaction takes SQLite's write lock first (BEGIN IMMEDIATE). Kysely's driver begins DEFERRED
 * (sqlite-driver.js: `begin`), where a transaction that reads and then writes fails at once with
 * SQLITE_BUSY, without waiting for busy_timeout, if the admin CLI (another connection to the same file)
 * wrote in between (https://www.sqlite.org/lang_transaction.html, "deferred"). IMMEDIATE waits for the
 * lock instead, and makes every read inside the transaction see what it then writes over: the
 * guarantees the stores state (atomic claims, refresh rotation, lock-out re-checks) rest on this.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

function sqliteDatabaseOver(db: Db): SqliteDatabase {
  return {
    // The Db belongs to whoever opened it (database.ts closes it); Kysely's destroy() must not.
    close: () => undefined,
    prepare: (sql): SqliteStatement => {
      const statement = db.prepare(sql);
      const values = (parameters: readonly unknown[]) => parameters.map(sqlValue);
      return {
        reader: statement.reader,
        all: (parameters) => statement.all(...values(parameters)),
        run: (parameters) => statement.run(...values(parameters)),
        // Streaming is never used by the stores (every result set is small and bounded).
        iterate: (parameters) => statement.all(...values(parameters))[Symbol.iterator](),
      };
    },
  };
}

/** SQLite binds numbers, strings, bigints and NULL; booleans are stored as 0/1 like every flag column. */
function sqlValue(value: unknown): SqlValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    return value;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new TypeError(`SQLite cannot bind a ${typeof value} parameter.`);
}
