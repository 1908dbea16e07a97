import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../server/storage/database';
import { MIGRATIONS, pendingMigrations, runMigrations, schemaVersion } from '../../../server/storage/migrations';
import type { KeywayTables } from '../../../server/storage/schema';
import { openSqlite } from '../../../server/storage/sqlite';
import { StorageError } from '../../../server/storage/storage-error';
import { ENGINES } from '../../support/engines';

/** Every table name schema.ts types, as a runtime list (the record makes a missing or extra name a type error). */
const TYPED_TABLES = Object.keys({
  schema_migrations: 1,
  settings: 1,
  users: 1,
  user_identifiers: 1,
  sign_in_failures: 1,
  deployments: 1,
  session_families: 1,
  refresh_tokens: 1,
  access_tokens: 1,
  sign_in_domains: 1,
  oidc_payloads: 1,
  oidc_keys: 1,
  mfa_policy: 1,
  mfa_authenticators: 1,
  mfa_challenges: 1,
  mfa_devices: 1,
  mfa_device_nonces: 1,
  identity_providers: 1,
  identity_provider_domains: 1,
  federated_identities: 1,
  federation_attempts: 1,
  saml_seen_assertions: 1,
  saml_sp_keys: 1,
  password_reset_policy: 1,
  password_reset_links: 1,
  account_sessions: 1,
  service_otps: 1,
  otp_clients: 1,
  mfa_failures: 1,
  known_browsers: 1,
  rate_limits: 1,
  server_secrets: 1,
  mfa_recovery_codes: 1,
  passkeys: 1,
  passkey_ceremonies: 1,
  passkey_steps: 1,
  admin_roles: 1,
  admin_sessions: 1,
  audit_events: 1,
  audit_outbox: 1,
  licenses: 1,
  deployment_profiles: 1,
  profile_user_assignments: 1,
  profile_domain_assignments: 1,
  profile_pushes: 1,
  admin_pending_sign_ins: 1,
} satisfies Record<keyof KeywayTables, 1>).sort();

/**
 * Column name → "type null|not null|key" per table, types reduced to what both engines share. Primary
 * key columns read "key": SQLite's table_info calls a TEXT PRIMARY KEY nullable where PostgreSQL says
 * NOT NULL, and what matters is that both engines key the table on the same columns.
 */
async function shape(engine: (typeof ENGINES)[number]): Promise<Record<string, Record<string, string>>> {
  const storage = await engine.open(await engine.fresh());
  const tables = await storage.q().introspection.getTables();
  const keys =
    engine.engine === 'sqlite'
      ? await sql<{ table_name: string; column_name: string }>`
          SELECT m.name AS table_name, p.name AS column_name
          FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.pk > 0`.execute(storage.q())
      : await sql<{ table_name: string; column_name: string }>`
          SELECT tc.table_name, kcu.column_name
          FROM information_schema.table_constraints tc
          JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name)
          WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = 'public'`.execute(storage.q());
  const isKey = new Set(keys.rows.map((row) => `${row.table_name}.${row.column_name}`));
  const integer = new Set(['integer', 'int8', 'bigint', 'int4']);
  return Object.fromEntries(
    tables.map((table) => [
      table.name,
      Object.fromEntries(
        table.columns.map((column) => {
          const type = integer.has(column.dataType.toLowerCase()) ? 'integer' : column.dataType.toLowerCase();
          const nullability = isKey.has(`${table.name}.${column.name}`)
            ? 'key'
            : column.isNullable
              ? 'null'
              : 'not null';
          return [column.name, `${type} ${nullability}`];
        }),
      ),
    ]),
  );
}

describe('one schema on both engines', () => {
  afterEach(async () => {
    for (const engine of ENGINES) await engine.cleanUp();
  });

  it('both engines end the migration history with the same tables, columns, types and nullability, as schema.ts types them', async () => {
    const [sqlite, postgres] = await Promise.all(ENGINES.map((engine) => shape(engine)));
    expect(Object.keys(sqlite ?? {}).sort()).toEqual(TYPED_TABLES);
    expect(postgres).toEqual(sqlite);
  });
});

describe.each(ENGINES)('storage on $engine', (engine) => {
  afterEach(() => engine.cleanUp());

  /**
   * Two users of one database, as two server instances would be. PostgreSQL: two Storage objects, each
   * with its own pool. SQLite: one Storage used twice. Its deployment is one server process per file
   * (the admin CLI is another process): two connections in ONE process deadlock, since a synchronous
   * driver waiting out busy_timeout blocks the very thread the other connection's transaction needs.
   */
  async function twoConnections(location: Awaited<ReturnType<typeof engine.fresh>>, migrations?: 'apply') {
    const open = () => (migrations === 'apply' ? engine.open(location) : engine.openUnmigrated(location));
    const a = await open();
    return [a, engine.engine === 'sqlite' ? a : await open()] as const;
  }

  it('applies the whole history once, records every version, and finds nothing pending afterwards', async () => {
    const location = await engine.fresh();
    const storage = await engine.open(location);
    expect(await schemaVersion(storage)).toBe(MIGRATIONS.at(-1)?.version);
    expect(await pendingMigrations(storage)).toEqual([]);
    expect(await runMigrations(storage)).toEqual([]);
    const rows = await storage.q().selectFrom('schema_migrations').select('version').orderBy('version').execute();
    expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
    // The seeded single-row policies exist on both engines.
    expect(await storage.q().selectFrom('mfa_policy').selectAll().execute()).toEqual([
      { id: 1, channels: 'totp', mode: 'optional', trust_days: 30, updated_at: 0 },
    ]);
  });

  it('two migrators racing on one new database apply each step exactly once', async () => {
    const location = await engine.fresh();
    const [a, b] = await twoConnections(location);
    const applied = await Promise.all([runMigrations(a), runMigrations(b)]);
    // One of them applied the whole history, the other found it done.
    expect(applied.map((versions) => versions.length).sort()).toEqual([0, MIGRATIONS.length]);
    const rows = await a.q().selectFrom('schema_migrations').select('version').execute();
    expect(rows).toHaveLength(MIGRATIONS.length);
  });

  it('refuses a database written by a newer server, with database_newer_schema', async () => {
    const location = await engine.fresh();
    const storage = await engine.open(location);
    await storage
      .q()
      .insertInto('schema_migrations')
      .values({ version: 999, name: 'future', applied_at: '' })
      .execute();
    const refused = await engine.open(location).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StorageError);
    expect(refused).toMatchObject({ code: 'database_newer_schema' });
  });

  it('rolls a failed transaction back whole, and a failed nested one back to its savepoint only', async () => {
    const storage = await engine.open(await engine.fresh());
    const put = (key: string) => storage.q().insertInto('settings').values({ key, value: key }).execute();
    await expect(
      storage.transaction(async () => {
        await put('outer-lost');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await storage.transaction(async () => {
      await put('outer-kept');
      await storage
        .transaction(async () => {
          await put('inner-lost');
          throw new Error('inner');
        })
        .catch(() => undefined);
      await put('after-kept');
    });
    const keys = await storage.q().selectFrom('settings').select('key').orderBy('key').execute();
    expect(keys.map((row) => row.key)).toEqual(['after-kept', 'outer-kept']);
  });

  it('concurrent read-then-write transactions lose no update (serialised on SQLite, SERIALIZABLE with retry on PostgreSQL)', async () => {
    const location = await engine.fresh();
    const [a, b] = await twoConnections(location, 'apply');
    await a.q().insertInto('settings').values({ key: 'counter', value: '0' }).execute();
    const increment = (storage: typeof a) =>
      storage.transaction(async () => {
        const row = await storage
          .q()
          .selectFrom('settings')
          .select('value')
          .where('key', '=', 'counter')
          .executeTakeFirstOrThrow();
        // A gap between the read and the write, so other transactions interleave here.
        await new Promise((resolve) => setTimeout(resolve, 5));
        await storage
          .q()
          .updateTable('settings')
          .set({ value: String(Number(row.value) + 1) })
          .where('key', '=', 'counter')
          .execute();
      });
    await Promise.all(Array.from({ length: 12 }, (_, index) => increment(index % 2 === 0 ? a : b)));
    const counter = await a
      .q()
      .selectFrom('settings')
      .select('value')
      .where('key', '=', 'counter')
      .executeTakeFirstOrThrow();
    expect(counter.value).toBe('12');
  });

  it('reads BIGINT times back as numbers, beyond 32 bits', async () => {
    const storage = await engine.open(await engine.fresh());
    const at = 1_900_000_000_123;
    await storage
      .q()
      .insertInto('sign_in_failures')
      .values({ subject: 'user:1', failures: 3, locked_until: at })
      .execute();
    expect(await storage.q().selectFrom('sign_in_failures').selectAll().executeTakeFirst()).toEqual({
      subject: 'user:1',
      failures: 3,
      locked_until: at,
    });
    const { count } = await storage
      .q()
      .selectFrom('sign_in_failures')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    expect(count).toBe(1);
    expect(await sql<{ one: number }>`SELECT 1 AS one`.execute(storage.q())).toMatchObject({ rows: [{ one: 1 }] });
  });
});

describe('PostgreSQL migrations are applied on purpose only', () => {
  const postgres = ENGINES.find((engine) => engine.engine === 'postgres');
  if (!postgres) throw new Error('ENGINES has no postgres');
  afterEach(() => postgres.cleanUp());

  it('refuses a database with pending migrations (database_migrations_pending) until they are applied', async () => {
    const location = await postgres.fresh();
    const refused = await postgres.open(location, { migrations: 'refuse' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'database_migrations_pending' });
    expect((refused as Error).message).toMatch(/migrate/);
    await postgres.open(location, { migrations: 'apply' });
    const storage = await postgres.open(location, { migrations: 'refuse' });
    expect(await schemaVersion(storage)).toBe(MIGRATIONS.at(-1)?.version);
  });
});

describe('an SQLite data dir from before PostgreSQL support', () => {
  const sqlite = ENGINES.find((engine) => engine.engine === 'sqlite');
  if (!sqlite) throw new Error('ENGINES has no sqlite');
  afterEach(() => sqlite.cleanUp());

  it('opens with its data, and only the steps it lacks are applied', async () => {
    const location = await sqlite.fresh();
    if (location.engine !== 'sqlite') throw new Error('expected sqlite');
    // What the synchronous runner of earlier releases left: schema_migrations and steps 1–5.
    const old = openSqlite(path.join(location.dataDir, DATABASE_FILE));
    old.exec(
      `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`,
    );
    for (const migration of MIGRATIONS.slice(0, 5)) {
      old.exec(migration.sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, 'then');
    }
    old.exec(`INSERT INTO users (login_id, email, display_name, password_hash, created_at, password_changed_at)
      VALUES ('ana', 'ana@example.com', 'Ana', 'hash', 1, 1)`);
    old.exec(`INSERT INTO oidc_payloads (model, id, payload) VALUES ('Session', 's1', '{"accountId":"1"}')`);
    old.close();

    const storage = await sqlite.open(location);
    const versions = await storage.q().selectFrom('schema_migrations').select(['version', 'applied_at']).execute();
    expect(versions.filter((row) => row.applied_at !== 'then').map((row) => row.version)).toEqual(
      MIGRATIONS.slice(5).map((migration) => migration.version),
    );
    expect(await storage.q().selectFrom('users').select('login_id').execute()).toEqual([{ login_id: 'ana' }]);
    // Step 6's backfill ran on the old rows.
    expect(await storage.q().selectFrom('oidc_payloads').select('account_id').execute()).toEqual([{ account_id: '1' }]);
  });
});
