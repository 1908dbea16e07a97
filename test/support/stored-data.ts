import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { onTestFinished } from 'vitest';
import { DATABASE_FILE, openSqliteDataDir } from '../../server/storage/database';
import { postgresStorage, sqliteStorage, type Storage } from '../../server/storage/storage';
import { databaseUrlOf } from '../integration/server/server-fixture';

/**
 * Everything a test server has stored, as bytes, for secrets-at-rest checks that hold on both engines:
 * - SQLite: the raw keyway.sqlite* files of the data dir (main file, WAL and shared memory), so a secret
 *   in any page, free or live, is found;
 * - PostgreSQL (KEYWAY_TEST_ENGINE=postgres): every row of every table of the server's database, each as
 *   its `row_to_json` text, so a secret in any column of any table is found, whatever its type.
 * A check is `expect(bytes.includes(secret)).toBe(false)`, after asserting the bytes hold something known
 * (so an empty answer cannot pass it).
 */
export async function storedBytes(test: { dataDir: string }): Promise<Buffer> {
  const url = await databaseUrlOf(test.dataDir);
  if (url === undefined) {
    const files = readdirSync(test.dataDir)
      .filter((name) => name.startsWith(DATABASE_FILE))
      .map((name) => path.join(test.dataDir, name))
      .filter((file) => existsSync(file));
    if (!files.some((file) => path.basename(file) === DATABASE_FILE)) {
      throw new Error(`No ${DATABASE_FILE} in ${test.dataDir}: nothing to check.`);
    }
    return Buffer.concat(files.map((file) => readFileSync(file)));
  }
  const storage = await postgresStorage(url, { max: 1 });
  try {
    const tables = await sql<{ name: string }>`
      SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name
      FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 1`.execute(storage.q());
    if (tables.rows.length === 0) throw new Error('The test database has no tables: nothing to check.');
    const lines: string[] = [];
    for (const { name } of tables.rows) {
      // The names come from the catalogue, quoted by quote_ident: no outside input reaches this SQL.
      const rows = await sql<{ row: string }>`SELECT row_to_json(t)::text AS row FROM ${sql.raw(name)} t`.execute(
        storage.q(),
      );
      for (const { row } of rows.rows) lines.push(`${name} ${row}`);
    }
    return Buffer.from(lines.join('\n'));
  } finally {
    await storage.close();
  }
}

/**
 * A second Storage on the test server's own database (the data dir's SQLite file, beside the server
 * thanks to WAL, or its PostgreSQL database), migrated, closed when the test ends: for SQL checks on
 * what the server stored.
 */
export async function openTestStorage(test: { dataDir: string }): Promise<Storage> {
  const url = await databaseUrlOf(test.dataDir);
  const storage = url === undefined ? sqliteStorage(await openSqliteDataDir(test.dataDir)) : await postgresStorage(url);
  onTestFinished(() => storage.close());
  return storage;
}
