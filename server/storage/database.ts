import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { pendingMigrations, runMigrations } from './migrations';
import { openSqlite, type Db } from './sqlite';
import { StorageError } from './storage-error';
import { postgresStorage, sqliteStorage, type Storage } from './storage';

export type { Db } from './sqlite';

export const DATABASE_FILE = 'keyway.sqlite';

/** Where the server's data lives: SQLite in the data dir (the default), or a PostgreSQL database. */
export type DatabaseLocation = { engine: 'sqlite'; dataDir: string } | { engine: 'postgres'; url: string };

const postgresUrl = z
  .string()
  .trim()
  .superRefine((value, context) => {
    const url = URL.parse(value);
    const problem =
      url === null
        ? 'is not a URL'
        : !/^postgres(ql)?:$/.test(url.protocol)
          ? 'must start with postgres:// or postgresql://'
          : url.hostname === ''
            ? 'must name a host'
            : undefined;
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  });

/**
 * The database `--database` (or else KEYWAY_DATABASE_URL) names; without either, SQLite in the data dir
 * exactly as before PostgreSQL support. The error never repeats the URL: it may hold a password.
 */
export function databaseLocation(
  dataDir: string,
  url: string | undefined,
  environment: NodeJS.ProcessEnv = process.env,
): DatabaseLocation {
  const given = url ?? environment.KEYWAY_DATABASE_URL;
  if (given === undefined || given.trim() === '') return { engine: 'sqlite', dataDir };
  const parsed = postgresUrl.safeParse(given);
  if (!parsed.success) {
    const from = url === undefined ? 'KEYWAY_DATABASE_URL' : '--database';
    throw new StorageError(
      'database_url_invalid',
      `${from} ${parsed.error.issues[0]?.message ?? 'is invalid'} (for example postgres://keyway@postgres.internal/keyway).`,
    );
  }
  return { engine: 'postgres', url: parsed.data };
}

export interface OpenStorageOptions {
  /**
   * What to do with pending migrations. 'apply' brings the schema up to date; 'refuse' throws
   * `database_migrations_pending`. SQLite in a data dir always applies them: the file belongs to one
   * server, and `npm start` must work with zero set-up. On PostgreSQL several instances share the
   * database, so only `migrate` or `serve --migrate` changes its schema.
   */
  migrations: 'apply' | 'refuse';
}

export async function openStorage(location: DatabaseLocation, options: OpenStorageOptions): Promise<Storage> {
  const storage =
    location.engine === 'sqlite'
      ? sqliteStorage(openDataDirDatabase(location.dataDir))
      : await postgresStorage(location.url);
  try {
    if (location.engine === 'postgres' && options.migrations === 'refuse') {
      const pending = await pendingMigrations(storage);
      if (pending.length > 0) {
        throw new StorageError(
          'database_migrations_pending',
          `The database needs ${pending.length} migration(s) (up to schema ${pending.at(-1)?.version}). ` +
            'Apply them once with "keyway-server migrate --database …", or start one server with --migrate.',
        );
      }
      return storage;
    }
    await runMigrations(storage);
    return storage;
  } catch (error) {
    await storage.close();
    throw error;
  }
}

/**
 * Opens (and on first start creates) the data dir's SQLite file, without migrating it.
 * WAL lets the admin CLI write while a server reads; synchronous=FULL makes every committed transaction
 * durable, so a crash or power cut mid-request loses nothing that was acknowledged.
 */
export function openDataDirDatabase(dataDir: string): Db {
  // Owner-only: the database holds password hashes and the outbox holds codes.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = openSqlite(path.join(dataDir, DATABASE_FILE));
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    // The CLI and the server share the file; wait for the other's write lock instead of failing.
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The data dir's SQLite database, migrated: what the server and admin CLI open without --database. */
async function openDatabase(dataDir: string): Promise<Storage> {
  return openStorage({ engine: 'sqlite', dataDir }, { migrations: 'apply' });
}

/**
 * The data dir's SQLite connection, migrated, for code still on the synchronous `Db`. Closing the
 * returned Db is all the clean-up it needs (the Kysely instance over it holds nothing else).
 */
export async function openSqliteDataDir(dataDir: string): Promise<Db> {
  const { sqlite } = await openDatabase(dataDir);
  if (sqlite === undefined) throw new Error('A data dir database is always SQLite.');
  return sqlite;
}
