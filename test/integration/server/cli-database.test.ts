import { afterEach, describe, expect, it } from 'vitest';
// Exactly the environment each test gives: these tests choose the database themselves.
import { bareCli as cli } from './cli-run';
import { MIGRATIONS } from '../../../server/storage/migrations';
import { createPostgresDatabase } from '../../support/postgres';
import { tempDir } from './server-fixture';

const drops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const drop of drops.splice(0)) await drop();
});

async function postgresUrl(): Promise<string> {
  const database = await createPostgresDatabase();
  drops.push(database.drop);
  return database.url;
}

const LATEST = MIGRATIONS.at(-1)?.version;

describe('choosing the database: --database, KEYWAY_DATABASE_URL, migrate', () => {
  it('migrate applies the whole history to a new PostgreSQL database once, then finds it up to date', async () => {
    const dataDir = tempDir();
    const url = await postgresUrl();
    const first = await cli(dataDir, {}, 'migrate', '--database', url);
    expect(first).toMatchObject({ code: 0, err: [] });
    expect(first.out.join('\n')).toMatch(
      new RegExp(`^PostgreSQL: applied ${MIGRATIONS.length} migration\\(s\\), 1, .* \\(schema ${LATEST}\\)\\.$`),
    );
    const again = await cli(dataDir, {}, 'migrate', '--database', url);
    expect(again.out).toEqual([`PostgreSQL: up to date (schema ${LATEST}).`]);
  });

  it('KEYWAY_DATABASE_URL does what --database does', async () => {
    const dataDir = tempDir();
    const url = await postgresUrl();
    expect((await cli(dataDir, { KEYWAY_DATABASE_URL: url }, 'migrate')).out[0]).toMatch(/^PostgreSQL: applied /);
    expect((await cli(dataDir, {}, 'migrate', '--database', url)).out[0]).toMatch(/^PostgreSQL: up to date/);
  });

  it('without either, migrate works on SQLite in the data dir, as every command always did', async () => {
    const dataDir = tempDir();
    const run = await cli(dataDir, {}, 'migrate');
    expect(run.out).toEqual([
      `SQLite in ${dataDir}: applied ${MIGRATIONS.length} migration(s), ${MIGRATIONS.map((m) => m.version).join(', ')} (schema ${LATEST}).`,
    ]);
    // And an admin command on the same data dir then finds the schema in place.
    expect(await cli(dataDir, {}, 'list-users')).toMatchObject({ code: 0, err: [] });
  });

  it('serve refuses a PostgreSQL database with pending migrations, naming the way out', async () => {
    const dataDir = tempDir();
    const url = await postgresUrl();
    const run = await cli(dataDir, {}, 'serve', '--port', '0', '--database', url);
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toMatch(/needs \d+ migration\(s\).*migrate/);
    // Nothing was applied behind the operator's back.
    expect((await cli(dataDir, {}, 'migrate', '--database', url)).out[0]).toMatch(
      new RegExp(`applied ${MIGRATIONS.length} migration`),
    );
  });

  it('admin commands never migrate a PostgreSQL database either', async () => {
    const dataDir = tempDir();
    const url = await postgresUrl();
    const run = await cli(dataDir, {}, 'list-users', '--database', url);
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toMatch(/migrate/);
  });

  it.each([
    ['--database', 'mysql://root:hunter2@db.internal/keyway', /--database must start with postgres:\/\//],
    ['KEYWAY_DATABASE_URL', 'not a url with hunter2', /KEYWAY_DATABASE_URL is not a URL/],
  ])('a bad %s is refused with a clear error that never repeats the URL', async (from, url, message) => {
    const dataDir = tempDir();
    const run =
      from === '--database'
        ? await cli(dataDir, {}, 'list-users', '--database', url)
        : await cli(dataDir, { KEYWAY_DATABASE_URL: url }, 'list-users');
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toMatch(message);
    expect(run.err.join('\n')).not.toContain('hunter2');
  });
});
