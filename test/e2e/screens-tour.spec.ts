import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { encodeDeploymentCode } from '../../protocol/deployment-code';
import { TOUR_VIEWPORT, tourStop } from './support/a11y';
import { startHarness, stopHarness } from './support/harness';
import type { KeywayPage } from './support/keyway-page';
import { expect, test, type World } from './support/world';

/**
 * The screen tour: every screen of the client (and its error states) reached the way a user reaches
 * it, against the real reference server. At each stop axe-core must find no serious or critical
 * violation, in the light and in the dark theme, and a picture is saved (to test-results/screenshots/,
 * or with `npm run screenshots` to docs/screenshots/ for the README; a few in the dark theme too). Motion is reduced throughout, so no picture catches a spinner
 * mid-turn.
 */

const PASSWORD = 'correct horse battery staple 42';

test.use({ viewport: TOUR_VIEWPORT });
// Each stop is two full axe-core scans (light and dark) plus a picture: seconds of CPU apiece on a loaded
// 2-core machine. The tour is split so no test has more than three stops, and has its own budget.
test.describe.configure({ timeout: 90_000 });
test.beforeEach(async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
});

async function createUser(world: World, loginId: string, displayName: string): Promise<void> {
  await world.server.admin.createUser({
    loginId,
    email: `${loginId}@example.com`,
    displayName,
    password: PASSWORD,
    sendWelcomeEmail: false,
  });
}

/** Welcome → … → Home for a password user, stopping nowhere. */
async function signIn(page: Page, world: World, keyway: KeywayPage, loginId: string, name: string): Promise<void> {
  await createUser(world, loginId, name);
  const { code } = await world.server.admin.createDeployment(loginId);
  const harness = await world.launch();
  await page.goto(harness.url);
  await keyway.paste(code);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(PASSWORD);
  await keyway.expectHome(name);
}

// The deployment journey, one test per stretch of screens (each reached from scratch the way a user
// reaches it), so no test carries more than a few stops of two axe scans each: the whole journey in one
// test did not fit the default 30 s on a loaded 2-core machine.

/** A fresh harness on Welcome, with Ana's deployment code ready to paste. */
async function atWelcome(page: Page, world: World): Promise<string> {
  await createUser(world, 'ana', 'Ana Example');
  const { code } = await world.server.admin.createDeployment('ana');
  const harness = await world.launch();
  await page.goto(harness.url);
  await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();
  return code;
}

/** Welcome → Confirm server → License accepted → the password page. */
async function atPassword(page: Page, world: World, keyway: KeywayPage): Promise<void> {
  await keyway.paste(await atWelcome(page, world));
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await expect(page.getByRole('heading', { name: 'Enter your password' })).toBeVisible();
}

test('deployment journey: Welcome and a mistyped code', async ({ page, world, keyway }) => {
  const code = await atWelcome(page, world);
  await tourStop(page, 'welcome', { darkPicture: true });

  await keyway.paste(code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A'));
  await keyway.expectError('code_checksum');
  await tourStop(page, 'welcome-error');
});

test('deployment journey: Confirm server and License', async ({ page, world, keyway }) => {
  await keyway.paste(await atWelcome(page, world));
  await keyway.expectConfirmServer(new URL(world.server.origin).host);
  await tourStop(page, 'confirm-server', { darkPicture: true });

  await keyway.confirmServer();
  await keyway.expectLicense();
  await tourStop(page, 'license', { darkPicture: true });
});

test('deployment journey: Password, a wrong one, and Forgot your password', async ({ page, world, keyway }) => {
  await world.server.admin.setPasswordResetPolicy({ enabled: true });
  await atPassword(page, world, keyway);
  await tourStop(page, 'password');

  await keyway.enterPassword('not the password');
  await keyway.expectError('invalid_credentials');
  await tourStop(page, 'password-error', { darkPicture: true });

  await page.getByRole('button', { name: 'Forgot your password?' }).click();
  await expect(page.getByTestId('reset-sent')).toBeVisible();
  await tourStop(page, 'password-reset-sent');
});

test('deployment journey: Home and Forget this server', async ({ page, world, keyway }) => {
  await atPassword(page, world, keyway);
  await keyway.enterPassword(PASSWORD);
  await keyway.expectHome('Ana Example');
  await tourStop(page, 'home', { darkPicture: true });

  await page.getByRole('button', { name: 'Forget this server' }).click();
  await expect(page.getByRole('button', { name: /Yes, remove/ })).toBeVisible();
  await tourStop(page, 'home-forget');
});

test('deployment journey: Sign-in security, its password step and enrolment', async ({ page, world, keyway }) => {
  await signIn(page, world, keyway, 'ana', 'Ana Example');
  await page.getByRole('button', { name: 'Sign-in security' }).click();
  await expect(page.getByText('No authenticator app yet.')).toBeVisible();
  await tourStop(page, 'security');

  await page.getByRole('button', { name: 'Add an authenticator app' }).click();
  await expect(page.getByLabel('Enter your password to continue')).toBeFocused();
  await tourStop(page, 'security-password');

  await page.getByLabel('Enter your password to continue').fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await tourStop(page, 'security-enrol');
});

test('Import: a second deployment while a profile exists offers its settings', async ({ page, world, keyway }) => {
  await signIn(page, world, keyway, 'ana', 'Ana Example');
  await createUser(world, 'ben', 'Ben Second');
  // A server Keyway already trusts needs no confirmation: Import comes first.
  await world.openLink((await world.server.admin.createDeployment('ben')).deepLink);
  await expect(page.getByRole('heading', { name: 'Bring your settings along?' })).toBeVisible();
  await expect(page.getByText('Lost the connection to Keyway')).toHaveCount(0);
  await tourStop(page, 'import');
});

test('unified login: Manual login, the browser sign-in, the device code', async ({ page, world }) => {
  await createUser(world, 'una', 'Una Unified');
  await world.server.admin.setSignInMethod('una', 'oidc');
  const harness = await world.launch();
  await page.goto(harness.url);
  await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();

  await page.keyboard.press('ControlOrMeta+Shift+M');
  await expect(page.getByRole('heading', { name: 'Manual login' })).toBeVisible();
  await tourStop(page, 'manual-login');

  await page.getByLabel('Server').fill('keyway example');
  await page.getByLabel('E-mail or login ID').fill('una@example.com');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await tourStop(page, 'manual-login-error');

  await page.getByLabel('Server').fill(new URL(world.server.origin).host);
  await page.getByRole('button', { name: 'Next' }).click();
  const [provider] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('button', { name: 'Accept' }).click(),
  ]);
  await provider.close();
  await expect(page.getByRole('heading', { name: 'Continue in your browser' })).toBeVisible();
  await tourStop(page, 'browser-sign-in', { darkPicture: true });

  await page.getByRole('button', { name: 'Sign in on another device' }).click();
  await expect(page.getByTestId('device-user-code')).not.toBeEmpty();
  await tourStop(page, 'browser-sign-in-device');
});

test('the login-ID page, when IT presets the server', async ({ page, world }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-tour-'));
  const policy = path.join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ presetServer: world.server.origin, disableImport: true }));
  const harness = await startHarness(['--profile', path.join(dir, 'profile')], {
    env: { KEYWAY_POLICY_FILE: policy },
  });
  try {
    await page.goto(harness.url);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(page.getByLabel('E-mail or login ID')).toBeFocused();
    await tourStop(page, 'login-id');
  } finally {
    await stopHarness(harness);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Mo, with MFA enforced and every channel allowed, signed in with his password: "Confirm it is you". */
async function atMfaChoice(page: Page, world: World, keyway: KeywayPage): Promise<void> {
  await world.server.admin.setMfaPolicy({ channels: 'totp,email,sms', mode: 'enforced', trustDays: 30 });
  await createUser(world, 'mo', 'Mo Factor');
  await world.server.admin.setPhone('mo', '+447700900123');
  const { code } = await world.server.admin.createDeployment('mo');
  const harness = await world.launch();
  await page.goto(harness.url);
  await keyway.paste(code);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(PASSWORD);
  await expect(page.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();
}

test('MFA: choose a way, a code by e-mail and a wrong one', async ({ page, world, keyway }) => {
  await atMfaChoice(page, world, keyway);
  await tourStop(page, 'mfa-choose');

  await page.getByRole('button', { name: /Code by e-mail/ }).click();
  await expect(page.getByTestId('mfa-sent')).toContainText('expires in');
  await expect(page.getByLabel('Digit 1 of 6')).toBeFocused();
  await tourStop(page, 'mfa-code');

  await page.getByLabel('Digit 1 of 6').fill('000000');
  await keyway.expectError('mfa_code_invalid');
  await tourStop(page, 'mfa-code-error', { darkPicture: true });
});

test('MFA: SMS with its notice, and enrolment of an authenticator app', async ({ page, world, keyway }) => {
  await atMfaChoice(page, world, keyway);
  await page.getByRole('button', { name: /Code by text message/ }).click();
  await expect(page.getByRole('note')).toBeVisible();
  await tourStop(page, 'mfa-sms');

  await page.getByRole('button', { name: /Authenticator app/ }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await tourStop(page, 'mfa-enrol');
});

test('Progress: a server that accepts the connection and never answers', async ({ page, keyway }) => {
  // A real socket that holds every connection open: Keyway waits on "Fetching your configuration…".
  const held: Socket[] = [];
  const silent = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const address = silent.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const profile = mkdtempSync(path.join(os.tmpdir(), 'keyway-tour-'));
  const harness = await startHarness(['--profile', profile]);
  try {
    await page.goto(harness.url);
    await keyway.paste(encodeDeploymentCode(`http://127.0.0.1:${address.port}`, new Uint8Array(16).fill(7)));
    await keyway.confirmServer();
    await expect(page.getByRole('status')).toHaveText(/Fetching your configuration from 127\.0\.0\.1/);
    await tourStop(page, 'progress');
  } finally {
    await stopHarness(harness);
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    rmSync(profile, { recursive: true, force: true });
  }
});

test('Resume failed: the server is down at the next start', async ({ page, world, keyway }) => {
  await signIn(page, world, keyway, 'ana', 'Ana Example');
  await world.server.close();
  const restarted = await world.launch();
  await page.goto(restarted.url);
  await expect(page.getByRole('heading', { name: 'Could not sign you in' })).toBeVisible({ timeout: 20_000 });
  await keyway.expectError('server_unreachable');
  await tourStop(page, 'resume-failed');
});

test('the connection to core is lost: the banner says so', async ({ page, world }) => {
  const harness = await world.launch();
  await page.goto(harness.url);
  await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();
  await stopHarness(harness);
  await expect(page.getByText('Lost the connection to Keyway. Reconnecting…')).toBeVisible();
  await tourStop(page, 'disconnected');
});

test.describe('one-time password for another service', () => {
  test.use({ serverOptions: { otpTtlSeconds: 5 } });

  test('ask for the password, show the OTP with its countdown, then expired', async ({ page, world, keyway }) => {
    await signIn(page, world, keyway, 'di', 'Di Tunnel');
    await page.getByRole('button', { name: 'One-time password' }).click();
    await expect(page.getByLabel('Enter your password to get a one-time password')).toBeFocused();
    await tourStop(page, 'one-time-password-ask');

    await page.getByLabel('Enter your password to get a one-time password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Show a one-time password' }).click();
    await expect(page.getByTestId('one-time-password')).toHaveText(/^\d{4} \d{4}$/);
    await tourStop(page, 'one-time-password', { darkPicture: true });

    await expect(page.getByTestId('otp-expired')).toBeVisible({ timeout: 15_000 });
    await tourStop(page, 'one-time-password-expired');
  });
});
