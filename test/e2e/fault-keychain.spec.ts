import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { KEYCHAIN_SERVICE, refreshTokenAccount } from '../../electron/core/secrets/accounts';
import type { Harness } from './support/harness';
import type { KeywayPage } from './support/keyway-page';
import { startPrivateBus, type PrivateBus } from './support/private-secret-service';
import { expect, test as base, type World } from './support/world';

/**
 * The keychain missing or locked, for real: the harness runs on a D-Bus session of the test's own,
 * first with no Secret Service on it at all, or with a gnome-keyring that gets locked; then the
 * keychain comes (back). Each case: a specific message, no secret anywhere on disk, and Try again
 * working once the keychain is there.
 */
const test = base.extend<{ bus: PrivateBus }>({
  // Playwright reads fixture dependencies from the destructuring pattern; this fixture has none.
  // eslint-disable-next-line no-empty-pattern
  bus: async ({}, use) => {
    const bus = await startPrivateBus();
    await use(bus);
    await bus.close();
  },
});

const PASSWORD = 'a-password-that-must-never-be-written';

async function signIn(page: Page, keyway: KeywayPage, world: World, env: Record<string, string>) {
  await world.server.admin.createUser({
    loginId: 'kim',
    email: 'kim@example.com',
    displayName: 'Kim Key',
    password: PASSWORD,
    sendWelcomeEmail: false,
  });
  const { code } = await world.server.admin.createDeployment('kim');
  const harness = await world.launch([], env);
  await page.goto(harness.url);
  await keyway.paste(code);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(PASSWORD);
  await keyway.expectHome('Kim Key');
  return { harness, code };
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : statSync(full).isFile() ? [full] : [];
  });
}

/** Nothing Keyway wrote (its profile folder, its output) holds any of `secrets`. */
function expectNowhereOnDisk(world: World, harness: Harness, secrets: string[]): void {
  const files = filesUnder(world.profileDir);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const content = readFileSync(file).toString('utf8');
    for (const secret of secrets) expect(content.includes(secret), `${path.basename(file)} holds a secret`).toBe(false);
  }
  for (const secret of secrets) expect(harness.output().includes(secret)).toBe(false);
}

test('no Secret Service on the session: signed in for now with a specific message and no secret on disk; once gnome-keyring runs, Try again keeps the session', async ({
  page,
  world,
  keyway,
  bus,
}) => {
  const env = { DBUS_SESSION_BUS_ADDRESS: bus.address };
  const { harness, code } = await signIn(page, keyway, world, env);
  const notice = page.locator('[role="alert"][data-error-code="keychain_unavailable"]');
  await expect(notice).toContainText('can’t reach your system keychain (Secret Service)');
  await expect(notice).toContainText('gnome-keyring');
  expectNowhereOnDisk(world, harness, [PASSWORD, code, code.replace(/-/g, '')]);

  // The keychain arrives while Keyway runs (the user started gnome-keyring): Try again keeps the session.
  await bus.startKeyring();
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(notice).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  const installationId = world.settings()?.installationId ?? '';
  const token = await bus.readSecret(KEYCHAIN_SERVICE, refreshTokenAccount(installationId, world.server.origin));
  expect(token).toBeTruthy();
  // It was only in memory while the keychain was away: never in a file, never in the output.
  expectNowhereOnDisk(world, harness, [token ?? 'no token']);

  // And it outlives the run: the next start signs in silently.
  const again = await world.launch([], env);
  await page.goto(again.url);
  await keyway.expectHome('Kim Key');
});

test('a locked keychain at start: a specific message and Try again; once unlocked, Try again signs in silently', async ({
  page,
  world,
  keyway,
  bus,
}) => {
  const env = { DBUS_SESSION_BUS_ADDRESS: bus.address };
  const keyring = await bus.startKeyring();
  const { code } = await signIn(page, keyway, world, env);
  await expect(page.locator('#home-notice')).toHaveCount(0);

  await keyring.lock();
  const harness = await world.launch([], env);
  await page.goto(harness.url);
  await expect(page.getByRole('heading', { name: 'Could not sign you in' })).toBeVisible();
  const message = page.locator('[role="alert"][data-error-code="keychain_locked"]');
  await expect(message).toContainText('Your system keychain is locked');
  await expect(message).toContainText('Try again');

  // Still locked: Try again says so again, and nothing is lost (the profile is still there). The answer
  // must be the retry's own: the message already on screen would pass any wait for "an alert". A
  // MutationObserver notes when this screen's message leaves the page (Try again shows progress while
  // the keychain is asked again); only after that does a keychain_locked message count as the answer.
  await page.evaluate(() => {
    const flags = window as unknown as { keywayMessageLeft?: boolean };
    flags.keywayMessageLeft = false;
    const observer = new MutationObserver(() => {
      if (document.querySelector('#resume-error[role="alert"]') === null) {
        flags.keywayMessageLeft = true;
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.waitForFunction(() => (window as unknown as { keywayMessageLeft?: boolean }).keywayMessageLeft);
  await expect(message).toContainText('Your system keychain is locked');
  expect(world.settings()?.profiles.map((p) => p.origin)).toEqual([world.server.origin]);

  await keyring.unlock();
  // That retry has answered (above), so nothing is pending: this Try again is what signs in.
  await page.getByRole('button', { name: 'Try again' }).click();
  await keyway.expectHome('Kim Key');
  const token = await bus.readSecret(
    KEYCHAIN_SERVICE,
    refreshTokenAccount(world.settings()?.installationId ?? '', world.server.origin),
  );
  expectNowhereOnDisk(world, harness, [PASSWORD, code, token ?? 'no token']);
});
