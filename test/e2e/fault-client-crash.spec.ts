import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHarness, stopHarness } from './support/harness';
import { expect, test } from './support/world';

/**
 * Keyway killed (SIGKILL, no chance to save anything) right after the server redeemed its deployment
 * link, before the configuration was saved: on restart the same link completes for the same
 * installation (the server repeats a redemption for the installation that made it, for a short grace
 * period), and is refused for any other installation.
 */
test('killed right after the redemption: the same link completes on restart, and is refused to another installation', async ({
  page,
  world,
  keyway,
}) => {
  const password = 'crash-resilient-2026';
  await world.server.admin.createUser({
    loginId: 'cal',
    email: 'cal@example.com',
    displayName: 'Cal Crash',
    password,
    sendWelcomeEmail: false,
  });
  const { code } = await world.server.admin.createDeployment('cal');
  const link = `keyway://deploy?code=${code}`;
  const host = new URL(world.server.origin).host;

  // The installation ID is saved at start, before any redemption can use it.
  const first = await world.launch(['--open-url', link]);
  await page.goto(first.url);
  await keyway.expectConfirmServer(host);
  const installationId = world.settings()?.installationId;
  expect(installationId).toBeTruthy();
  await keyway.confirmServer();
  await keyway.expectLicense(); // the server has redeemed the code and sent the configuration

  const killed = new Promise((resolve) => first.process.once('exit', resolve));
  first.process.kill('SIGKILL');
  await killed;
  // Nothing of the configuration was saved, and the installation ID survived the crash.
  expect(world.settings()).toMatchObject({ installationId, profiles: [] });
  // The killed harness left its socket behind; the next start must cope with it.
  expect(existsSync(path.join(world.profileDir, 'harness.sock'))).toBe(true);

  const restarted = await world.launch(['--open-url', link]);
  await page.goto(restarted.url);
  await keyway.expectConfirmServer(host);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(password);
  await keyway.expectHome('Cal Crash');
  expect(world.settings()?.installationId).toBe(installationId);

  // Another installation (another profile on this or any computer) holding the same link is refused.
  const otherProfile = mkdtempSync(path.join(os.tmpdir(), 'keyway-e2e-profile-'));
  const other = await startHarness(['--profile', otherProfile, '--open-url', link]);
  try {
    const otherPage = await page.context().newPage();
    await otherPage.goto(other.url);
    await otherPage.getByRole('button', { name: 'Continue' }).click();
    await expect(otherPage.locator('[role="alert"][data-error-code="deployment_used"]')).toBeVisible();
    await expect(otherPage.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();
  } finally {
    await stopHarness(other);
    rmSync(otherProfile, { recursive: true, force: true });
  }
});
