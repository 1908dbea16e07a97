import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { test as base } from '@playwright/test';
import { startPostgresCluster } from '../support/postgres-cluster';
import { createDatabaseOn } from '../support/postgres-database';
import { startCluster, type InstanceCluster } from '../support/instance-cluster';
import { startHarness, stopHarness, type Harness } from './support/harness';
import { KeywayPage } from './support/keyway-page';
import { expect } from './support/world';

/**
 * Issue 16: Keyway's whole deployment journey against two server instances on one PostgreSQL, behind a
 * round-robin balancer (test/support/server-instances.ts), so consecutive requests of the journey land on
 * different processes; then one instance dies and the next start still signs in silently.
 */
const cli = path.resolve('dist/server/cli.mjs');
const run = async (args: string[]): Promise<string> =>
  (await promisify(execFile)(process.execPath, [cli, ...args])).stdout;

const test = base.extend<{ keyway: KeywayPage }>({
  keyway: async ({ page }, use) => {
    await use(new KeywayPage(page));
  },
});

test('deployment journey through a round-robin balancer over two instances on PostgreSQL; one instance dies and the next start still reaches Home', async ({
  page,
  keyway,
}) => {
  const postgres = await startPostgresCluster();
  const profile = mkdtempSync(path.join(os.tmpdir(), 'keyway-e2e-profile-'));
  const admin = mkdtempSync(path.join(os.tmpdir(), 'keyway-e2e-admin-'));
  let cluster: InstanceCluster | undefined;
  let harness: Harness | undefined;
  try {
    const database = await createDatabaseOn(postgres.adminUrl);
    await run(['migrate', '--database', database.url]);
    cluster = await startCluster(2, { databaseUrl: database.url });
    const onDatabase = ['--database', database.url, '--data-dir', admin];
    const password = 'scale-out-journey-2026';
    await run([
      'create-user',
      '--login-id',
      'sol',
      '--email',
      'sol@example.com',
      '--display-name',
      'Sol Scale',
      '--password',
      password,
      ...onDatabase,
    ]);
    const printed = await run(['send-deployment', '--user', 'sol', ...onDatabase]);
    const code = /Authentication code: (\S+)/.exec(printed)?.[1] ?? '';
    expect(code).not.toBe('');

    const from = cluster.served().length;
    harness = await startHarness(['--profile', profile]);
    await page.goto(harness.url);
    await keyway.paste(code);
    await keyway.expectConfirmServer(new URL(cluster.origin).host);
    await keyway.confirmServer();
    await keyway.acceptLicense();
    await keyway.enterPassword(password);
    await keyway.expectHome('Sol Scale');
    // Both instances served the journey, alternately.
    expect(new Set(cluster.served().slice(from))).toEqual(new Set([0, 1]));

    // Instance 0 dies; Keyway starts again and signs in silently through the survivor.
    await cluster.instances[0]?.stop('SIGKILL');
    await stopHarness(harness);
    harness = await startHarness(['--profile', profile]);
    await page.goto(harness.url);
    await keyway.expectHome('Sol Scale');
  } finally {
    if (harness) await stopHarness(harness);
    await cluster?.close();
    postgres.stop();
    rmSync(profile, { recursive: true, force: true });
    rmSync(admin, { recursive: true, force: true });
  }
});
