import { createRequire } from 'node:module';

/**
 * The small slice of SQLite the server uses, behind one interface with two drivers:
 * - `node:sqlite` (built into Node ≥ 22.13 / 23.4) wherever it exists, and
 * - better-sqlite3 on Node 20, which has no built-in SQLite.
 * Why two: better-sqlite3 12 is the last line that installs on Node 20, and on Node 24 its Statement
 * destructor can abort the process when the garbage collector runs it (`Assertion failed: (env) !=
 * nullptr`, a known upstream issue), which killed vitest workers. The built-in driver has no such
 * native add-on. Both speak the same SQL to the same file format, so a data dir moves freely between them.
 */

/** Values SQLite stores; both drivers bind and return exactly these (the server uses no BLOBs). */
export type SqlValue = string | number | bigint | null;

interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/**
 * Values for `@name` parameters; keys the SQL does not name are ignored. `object` rather than a record
 * so the stores can pass their own interfaces (which have no index signature).
 */
type NamedParams = object;

/** Positional `?` values, or one object for `@name` parameters. */
type Params = SqlValue[] | [NamedParams];

/** A prepared statement with parameters `P` and result rows `R`. */
interface Statement<P extends Params = SqlValue[], R = unknown> {
  /** Whether the statement returns rows (a SELECT, or a write with RETURNING): Kysely's driver asks. */
  readonly reader: boolean;
  run(...params: P): RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

/**
 * `fn` wrapped in a transaction. Calling it runs a DEFERRED transaction; `.immediate()` takes the write
 * lock first. Nested calls become savepoints, so a store method can be called inside a service's
 * transaction. A thrown error rolls back and is re-thrown.
 */
interface Transaction<A extends unknown[], T> {
  (...args: A): T;
  immediate(...args: A): T;
}

export interface Db {
  readonly driver: SqliteDriverName;
  prepare<P extends Params = SqlValue[], R = unknown>(sql: string): Statement<P, R>;
  exec(sql: string): void;
  transaction<A extends unknown[], T>(fn: (...args: A) => T): Transaction<A, T>;
  close(): void;
}

type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';

export interface OpenOptions {
  readonly?: boolean;
  /** For tests and troubleshooting: force a driver (`KEYWAY_SQLITE_DRIVER` does the same). */
  driver?: SqliteDriverName;
}

/** Opens `file` with the best driver this Node has. Every statement is prepared once per connection. */
export function openSqlite(file: string, options: OpenOptions = {}): Db {
  const driver = options.driver ?? driverFromEnvironment() ?? (builtinSqlite() ? 'node:sqlite' : 'better-sqlite3');
  return driver === 'node:sqlite'
    ? openBuiltin(file, options.readonly ?? false)
    : openBetterSqlite(file, options.readonly ?? false);
}

function driverFromEnvironment(): SqliteDriverName | undefined {
  const wanted = process.env.KEYWAY_SQLITE_DRIVER;
  if (wanted === undefined || wanted === '') return undefined;
  if (wanted === 'node:sqlite' || wanted === 'better-sqlite3') return wanted;
  throw new Error(`KEYWAY_SQLITE_DRIVER must be "node:sqlite" or "better-sqlite3", not "${wanted}".`);
}

// ---- node:sqlite -------------------------------------------------------------------------------------

interface BuiltinStatement {
  /** node:sqlite ≥ 22.16 / 23.11 only (https://nodejs.org/api/sqlite.html#statementcolumns). */
  columns?: () => unknown[];
  run(...params: Params): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: Params): unknown;
  all(...params: Params): unknown[];
}
interface BuiltinDatabase {
  prepare(sql: string): BuiltinStatement;
  exec(sql: string): void;
  close(): void;
}
interface BuiltinModule {
  DatabaseSync: new (file: string, options?: { readOnly?: boolean }) => BuiltinDatabase;
}

let builtin: BuiltinModule | null | undefined;

/**
 * `node:sqlite` when this Node has it unflagged (22.13+, 23.4+), else null. (Node 22 prints one
 * ExperimentalWarning when it loads; Node 24 does not.)
 */
export function builtinSqlite(): BuiltinModule | null {
  builtin ??= (process.getBuiltinModule('node:sqlite') as BuiltinModule | undefined) ?? null;
  return builtin;
}

function openBuiltin(file: string, readonly: boolean): Db {
  const sqlite = builtinSqlite();
  if (!sqlite) throw new Error(`node:sqlite is not available in Node ${process.versions.node}.`);
  const connection = new sqlite.DatabaseSync(file, { readOnly: readonly });
  let depth = 0;

  const statements = cache((sql) => {
    const statement = connection.prepare(sql);
    const bind = namedParameterBinder(sql);
    return {
      reader: statement.columns ? statement.columns().length > 0 : returnsRows(sql),
      run: (...params) => {
        const result = statement.run(...bind(params));
        return { changes: Number(result.changes), lastInsertRowid: result.lastInsertRowid };
      },
      get: (...params) => statement.get(...bind(params)),
      all: (...params) => statement.all(...bind(params)),
    };
  });

  const transactionOf =
    <A extends unknown[], T>(fn: (...args: A) => T, mode: 'DEFERRED' | 'IMMEDIATE') =>
    (...args: A): T => {
      // Nested: a savepoint inside the outer transaction, like better-sqlite3 does.
      const savepoint = depth > 0 ? `keyway_${depth}` : undefined;
      connection.exec(savepoint ? `SAVEPOINT ${savepoint}` : `BEGIN ${mode}`);
      depth += 1;
      try {
        const result = fn(...args);
        connection.exec(savepoint ? `RELEASE ${savepoint}` : 'COMMIT');
        return result;
      } catch (error) {
        connection.exec(savepoint ? `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}` : 'ROLLBACK');
        throw error;
      } finally {
        depth -= 1;
      }
    };

  return {
    driver: 'node:sqlite',
    prepare: <P extends Params, R>(sql: string) => statements(sql) as unknown as Statement<P, R>,
    exec: (sql) => connection.exec(sql),
    transaction: <A extends unknown[], T>(fn: (...args: A) => T) =>
      Object.assign(transactionOf(fn, 'DEFERRED'), { immediate: transactionOf(fn, 'IMMEDIATE') }),
    close: () => connection.close(),
  };
}

// ---- better-sqlite3 (Node 20) ------------------------------------------------------------------------

interface BetterStatement extends BuiltinStatement {
  readonly reader: boolean;
  run(...params: Params): { changes: number; lastInsertRowid: number | bigint };
}
interface BetterDatabase {
  prepare(sql: string): BetterStatement;
  exec(sql: string): void;
  close(): void;
  transaction<A extends unknown[], T>(fn: (...args: A) => T): Transaction<A, T>;
}
type BetterConstructor = new (file: string, options?: { readonly?: boolean }) => BetterDatabase;

function openBetterSqlite(file: string, readonly: boolean): Db {
  // Loaded only when chosen: on Node 24 the add-on is never touched.
  const Database = createRequire(import.meta.url)('better-sqlite3') as BetterConstructor;
  const connection = new Database(file, { readonly });
  // Statements are kept for the life of the connection: cheaper, and never left to the collector.
  const statements = cache((sql) => connection.prepare(sql));
  return {
    driver: 'better-sqlite3',
    prepare: <P extends Params, R>(sql: string) => statements(sql) as unknown as Statement<P, R>,
    exec: (sql) => connection.exec(sql),
    transaction: (fn) => connection.transaction(fn),
    close: () => connection.close(),
  };
}

/**
 * node:sqlite binds a missing `@name` as NULL and refuses keys the SQL does not name; better-sqlite3
 * refuses the first and ignores the second. Binding exactly the named keys, and refusing a missing one,
 * gives both drivers better-sqlite3's stricter behaviour: a forgotten field is an error, never a NULL.
 */
function namedParameterBinder(sql: string): (params: Params) => Params {
  const names = [...new Set([...sql.matchAll(/[@:$]([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1] ?? ''))];
  return (params) => {
    const [first] = params;
    if (params.length !== 1 || first === null || typeof first !== 'object') return params;
    const named: Record<string, unknown> = {};
    for (const name of names) {
      const value = (first as Record<string, unknown>)[name];
      if (value === undefined) throw new RangeError(`Missing named parameter "${name}"`);
      named[name] = value;
    }
    return [named];
  };
}

/**
 * For node:sqlite without StatementSync#columns (22.13–22.15): whether SQL returns rows, from its text.
 * Only used there; every other driver asks SQLite itself.
 */
export function returnsRows(sql: string): boolean {
  return /^\s*(select|with|pragma|values|explain)\b/i.test(sql) || /\breturning\b/i.test(sql);
}

function cache(prepare: (sql: string) => Statement): (sql: string) => Statement {
  const statements = new Map<string, Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}
