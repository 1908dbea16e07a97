import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { startHarness, stopHarness, type Harness } from './support/harness';
import { KeywayPage } from './support/keyway-page';
import { deployUser, startServerProcess, type ServerProcess } from './support/server-process';
import { expect } from './support/world';

/**
 * The server dies in the middle of a journey (after the redemption, before the password) and comes
 * back: the reference server runs as its own process here, so it can be killed for real (SIGKILL, no
 * clean shutdown) and started again on the same port and data directory.
 */
const test = base.extend<{ dirs: { data: string; profile: string }; keyway: KeywayPage }>({
  // Playwright reads fixture dependencies from the destructuring pattern; this fixture has none.
  // eslint-disable-next-line no-empty-pattern
  dirs: async ({}, use) => {
    const dirs = {
      data: mkdtempSync(path.join(os.tmpdir(), 'keyway-e2e-server-')),
      profile: mkdtempSync(path.join(os.tmpdir(), 'keyway-e2e-profile-')),
    };
    await use(dirs);
    rmSync(dirs.data, { recursive: true, force: true });
    rmSync(dirs.profile, { recursive: true, force: true });
  },
  keyway: async ({ page }, use) => {
    await use(new KeywayPage(page));
  },
});

test('server killed after the redemption, before the password: a clear "can’t reach" message, nothing lost, and the journey resumes once it is back', async ({
  page,
  dirs,
  keyway,
}) => {
  const password = 'restart-resilient-2026';
  const running: { server: ServerProcess | null; harness: Harness | null } = { server: null, harness: null };
  try {
    running.server = await startServerProcess({ dataDir: dirs.data });
    const { origin, port } = running.server;
    const host = new URL(origin).host;
    const code = await deployUser(dirs.data, { loginId: 'rae', displayName: 'Rae Restart', password });

    running.harness = await startHarness(['--profile', dirs.profile]);
    await page.goto(running.harness.url);
    await keyway.paste(code);
    await keyway.confirmServer();
    await keyway.acceptLicense();
    await expect(page.getByRole('heading', { name: 'Enter your password' })).toBeVisible();
    const settingsBefore = readFileSync(path.join(dirs.profile, 'settings.json'), 'utf8');

    await running.server.kill('SIGKILL');
    await keyway.enterPassword(password);
    await keyway.expectError('server_unreachable');
    await expect(page.getByRole('alert')).toContainText(`can’t reach ${host}`);
    // Nothing lost: still on the password page of this journey, the profile folder as it was.
    await expect(page.getByRole('heading', { name: 'Enter your password' })).toBeVisible();
    await expect(page.getByText('rae', { exact: false }).first()).toBeVisible();
    expect(readFileSync(path.join(dirs.profile, 'settings.json'), 'utf8')).toBe(settingsBefore);

    running.server = await startServerProcess({ dataDir: dirs.data, port });
    expect(running.server.origin).toBe(origin);
    await keyway.enterPassword(password);
    await keyway.expectHome('Rae Restart');
  } finally {
    if (running.harness) await stopHarness(running.harness);
    await running.server?.kill('SIGTERM');
  }
});
