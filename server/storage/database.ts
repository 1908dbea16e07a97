import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { runMigrations } from './migrations';
import { openSqlite, type Db } from './sqlite';

export type { Db } from './sqlite';

export const DATABASE_FILE = 'keyway.sqlite';

/**
 * Opens (and on first start creates) the data dir's database and brings its schema up to date.
 * WAL lets the admin CLI write while a server reads; synchronous=FULL makes every committed transaction
 * durable, so a crash or power cut mid-request loses nothing that was acknowledged.
 */
export function openDatabase(dataDir: string): Db {
  // Owner-only: the database holds password hashes and the outbox holds codes.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = openSqlite(path.join(dataDir, DATABASE_FILE));
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    // The CLI and the server share the file; wait for the other's write lock instead of failing.
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA foreign_keys = ON');
    runMigrations(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
