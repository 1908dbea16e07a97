import type { Page } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { expect, test, type World } from './support/world';

const PASSWORD = 'one time passphrase 31';
/** Short, so the test sees an OTP expire; the server's default is 90 seconds. */
const OTP_SECONDS = 8;

test.use({ serverOptions: { otpTtlSeconds: OTP_SECONDS } });

/** What a VPN/RADIUS front end does with what the user typed. */
async function frontEndCheck(world: World, apiKey: string, otp: string): Promise<unknown> {
  const response = await fetch(`${world.server.origin}/api/v1/otp/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ loginId: 'di@example.com', otp }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { result: unknown }).result;
}

async function askForOtp(page: Page): Promise<string> {
  await page.getByLabel('Enter your password to get a one-time password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Show a one-time password' }).click();
  const shown = page.getByTestId('one-time-password');
  await expect(shown).toHaveText(/^\d{4} \d{4}$/);
  return ((await shown.textContent()) ?? '').replace(/\s/g, '');
}

test('Home → One-time password → the VPN front end accepts it once → it expires → a new one asks again', async ({
  page,
  world,
  keyway,
}) => {
  await world.server.admin.createUser({
    loginId: 'di',
    email: 'di@example.com',
    displayName: 'Di Tunnel',
    password: PASSWORD,
    sendWelcomeEmail: false,
  });
  const { apiKey } = await world.server.admin.createOtpClient('vpn-gateway');
  const { code } = await world.server.admin.createDeployment('di');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const harness = await world.launch();
  await page.goto(harness.url);
  await keyway.paste(code);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(PASSWORD);
  await keyway.expectHome('Di Tunnel');

  await page.getByRole('button', { name: 'One-time password' }).click();
  await expect(page.getByRole('heading', { name: 'One-time password' })).toBeVisible();
  // A wrong password is refused and asked again.
  await page.getByLabel('Enter your password to get a one-time password').fill('not my password');
  await page.getByRole('button', { name: 'Show a one-time password' }).click();
  await keyway.expectError('reauthentication_required');

  const otp = await askForOtp(page);
  await expect(page.getByRole('progressbar')).toBeVisible();
  await expectAccessible(page, 'the one-time password');
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(otp);

  // The VPN's front end checks it: accepted once, refused when replayed.
  expect(await frontEndCheck(world, apiKey, otp)).toBe('accept');
  expect(await frontEndCheck(world, apiKey, otp)).toBe('reject');

  // At expiry the OTP leaves the screen and a button offers a new one, which asks for the password again.
  await expect(page.getByTestId('otp-expired')).toBeVisible({ timeout: (OTP_SECONDS + 5) * 1000 });
  await expect(page.getByTestId('one-time-password')).toHaveCount(0);
  await page.getByRole('button', { name: 'Make a new one' }).click();
  const next = await askForOtp(page);
  expect(await frontEndCheck(world, apiKey, next)).toBe('accept');

  await page.getByRole('button', { name: 'Back' }).click();
  await keyway.expectHome('Di Tunnel');
});
