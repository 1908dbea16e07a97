import { existsSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS } from '../../../server/storage/migrations';
import { openSqlite } from '../../../server/storage/sqlite';
import { describe, expect, it } from 'vitest';
import { startReferenceServer } from '../../../server/index';
import { ANA, tempDir } from './server-fixture';

describe('storage', () => {
  it('creates a fresh data dir with the schema on first start', async () => {
    const dataDir = path.join(tempDir(), 'nested', 'data');
    const server = await startReferenceServer({ dataDir });
    await server.close();
    expect(existsSync(path.join(dataDir, 'keyway.sqlite'))).toBe(true);

    const db = openSqlite(path.join(dataDir, 'keyway.sqlite'), { readonly: true });
    const versions = db
      .prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version')
      .all();
    const journal = db.prepare<[], { journal_mode: string }>('PRAGMA journal_mode').get();
    const origin = db.prepare<[], { value: string }>("SELECT value FROM settings WHERE key = 'public_origin'").get();
    db.close();
    expect(versions.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(versions.length).toBeGreaterThanOrEqual(3);
    expect(journal?.journal_mode).toBe('wal');
    expect(origin?.value).toBe(server.origin);
  });

  it('keeps users and deployments across restarts', async () => {
    const dataDir = tempDir();
    const first = await startReferenceServer({ dataDir });
    await first.admin.createUser({ ...ANA, sendWelcomeEmail: false });
    const { code } = await first.admin.createDeployment(ANA.loginId);
    await first.close();

    // Same port, so the same origin: the code names it.
    const second = await startReferenceServer({ dataDir, port: Number(new URL(first.origin).port) });
    try {
      expect(second.origin).toBe(first.origin);
      expect((await second.admin.listUsers()).map((user) => user.loginId)).toEqual([ANA.loginId]);
      const response = await fetch(`${second.origin}/api/v1/deployments/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, installationId: 'installation-aaaaaaaa' }),
      });
      expect(response.status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('refuses a data dir written by a newer server', async () => {
    const dataDir = tempDir();
    await (await startReferenceServer({ dataDir })).close();
    const db = openSqlite(path.join(dataDir, 'keyway.sqlite'));
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', '')").run();
    db.close();
    await expect(startReferenceServer({ dataDir })).rejects.toThrow(/newer Keyway server/);
  });
});
