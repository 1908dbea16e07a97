import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runMigrations } from './migrations';

export type Db = Database.Database;

export const DATABASE_FILE = 'keyway.sqlite';

/**
 * Opens (and on first start creates) the data dir's database and brings its schema up to date.
 * WAL lets the admin CLI write while a server reads; synchronous=FULL makes every committed transaction
 * durable, so a crash or power cut mid-request loses nothing that was acknowledged.
 */
export function openDatabase(dataDir: string): Db {
  // Owner-only: the database holds password hashes and the outbox holds codes.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(path.join(dataDir, DATABASE_FILE));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // The CLI and the server share the file; wait for the other's write lock instead of failing.
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    runMigrations(db);
    cachePreparedStatements(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Prepares each SQL text once and keeps the statement for the life of the connection. Reusing
 * statements is cheaper, and it keeps them from being garbage-collected mid-run: on Node 24,
 * better-sqlite3 12's Statement destructor can abort the process when the collector runs it
 * (`Assertion failed: (env) != nullptr` in RemoveEnvironmentCleanupHook). Safe because the server
 * only uses run/get/all, which never leave a statement busy, and never changes a statement's mode.
 */
function cachePreparedStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const statements = new Map<string, ReturnType<typeof prepare>>();
  const cached = (source: string): ReturnType<typeof prepare> => {
    let statement = statements.get(source);
    if (!statement) {
      statement = prepare(source);
      statements.set(source, statement);
    }
    return statement;
  };
  db.prepare = cached as typeof db.prepare;
}
