import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeploymentStore } from '../../../server/deployments/deployment-store';
import { openSqliteDataDir, type Db } from '../../../server/storage/database';

let dir: string;
const open: Db[] = [];

afterEach(() => {
  for (const db of open.splice(0)) db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function database(): Promise<Db> {
  const db = await openSqliteDataDir(dir);
  open.push(db);
  return db;
}

describe('DeploymentStore.claim', () => {
  it('lets one claim win across two connections to the same file', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-unit-'));
    let now = 1_000_000;
    const clock = () => now;
    const first = await database();
    const second = await database();
    first
      .prepare(
        "INSERT INTO users (id, login_id, email, display_name, password_hash, created_at, password_changed_at) VALUES (1, 'ana', 'ana@example.com', 'Ana', 'x', 0, 0)",
      )
      .run();
    new DeploymentStore(first, clock).insert(1, 'hash', now + 60_000);

    const a = new DeploymentStore(first, clock).claim('hash', 'installation-a');
    const b = new DeploymentStore(second, clock).claim('hash', 'installation-b');
    expect(a).toEqual({ outcome: 'claimed', userId: 1, deploymentId: 1 });
    expect(b).toEqual({ outcome: 'used' });

    expect(new DeploymentStore(second, clock).claim('hash', 'installation-a')).toEqual({
      outcome: 'repeated',
      userId: 1,
      deploymentId: 1,
    });
    now += 10 * 60 * 1000;
    expect(new DeploymentStore(second, clock).claim('hash', 'installation-a')).toEqual({ outcome: 'used' });
    expect(new DeploymentStore(second, clock).claim('other', 'installation-a')).toEqual({ outcome: 'unknown' });
  });
});
