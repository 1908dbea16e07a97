import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stopHarness } from './support/harness';
import { expect, test } from './support/world';

/**
 * A settings file damaged between two runs (a disk error, a crash of another tool, a hand edit gone
 * wrong), as the user sees it: Keyway restores the last good copy, says so once, keeps the damaged
 * file for support, and carries on signed in. With no good copy, it says so and starts fresh.
 */
test('a truncated settings file: the last good copy is restored, the user told once on Home, the damaged file kept', async ({
  page,
  world,
  keyway,
}) => {
  const password = 'settings-survive-2026';
  await world.server.admin.createUser({
    loginId: 'dee',
    email: 'dee@example.com',
    displayName: 'Dee Disk',
    password,
    sendWelcomeEmail: false,
  });
  const { code } = await world.server.admin.createDeployment('dee');
  const first = await world.launch();
  await page.goto(first.url);
  await keyway.paste(code);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(password);
  await keyway.expectHome('Dee Disk');
  const good = readFileSync(path.join(world.profileDir, 'settings.json'), 'utf8');

  // Between runs (no harness running) the file loses its second half.
  await stopHarness(first);
  const truncated = good.slice(0, Math.floor(good.length / 2));
  writeFileSync(path.join(world.profileDir, 'settings.json'), truncated);
  const restart = async (): Promise<void> => {
    await page.goto((await world.launch()).url);
  };
  await restart();

  // Nothing lost: the same profile and installation, so the session in the keychain signs in silently.
  await keyway.expectHome('Dee Disk');
  const notice = page.locator('[role="alert"][data-error-code="settings_restored"]');
  await expect(notice).toContainText('settings file was damaged; the last good copy from');
  const kept = readdirSync(world.profileDir).filter((name) => name.startsWith('settings.json.corrupt-'));
  expect(kept).toHaveLength(1);
  await expect(notice).toContainText(kept[0] ?? '');
  expect(readFileSync(path.join(world.profileDir, kept[0] ?? ''), 'utf8')).toBe(truncated);
  expect(readFileSync(path.join(world.profileDir, 'settings.json'), 'utf8')).toBe(good);

  // Told once: the next start is quiet.
  await restart();
  await keyway.expectHome('Dee Disk');
  await expect(page.locator('#home-notice')).toHaveCount(0);
});

test('a damaged settings file with no good copy: a clear message on Welcome, a fresh start, the damaged file kept', async ({
  page,
  world,
}) => {
  writeFileSync(path.join(world.profileDir, 'settings.json'), '{"version":1,"installationId":"trunc');
  rmSync(path.join(world.profileDir, 'settings.json.bak'), { force: true });
  const harness = await world.launch();
  await page.goto(harness.url);
  await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();
  await expect(page.locator('[role="alert"][data-error-code="settings_corrupt"]')).toContainText(
    'no good copy was found, so Keyway started fresh',
  );
  expect(readdirSync(world.profileDir).filter((name) => name.startsWith('settings.json.corrupt-'))).toHaveLength(1);
});
