import path from 'node:path';
import type { Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { latestSmsCode } from '../support/mfa-outbox';
import type { KeywayPage } from './support/keyway-page';
import { expect, test, type World } from './support/world';

const PASSWORD = 'correct horse battery staple 42';

/** An independent TOTP implementation (otpauth), not the server's library. */
function totpCode(secret: string, offsetSteps = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

async function typeCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Digit 1 of 6').fill(code);
}

async function deployAndSignIn(
  world: World,
  page: Page,
  keyway: KeywayPage,
  loginId: string,
  phone?: string,
): Promise<void> {
  await world.server.admin.createUser({
    loginId,
    email: `${loginId}@example.com`,
    displayName: 'Mo Factor',
    password: PASSWORD,
    sendWelcomeEmail: false,
  });
  if (phone) await world.server.admin.setPhone(loginId, phone);
  const { code } = await world.server.admin.createDeployment(loginId);
  const harness = await world.launch();
  await page.goto(harness.url);
  await keyway.paste(code);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(PASSWORD);
  await expect(page.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();
}

async function signInAgain(page: Page, keyway: KeywayPage): Promise<void> {
  await keyway.signOut();
  await keyway.enterPassword(PASSWORD);
}

test('enforced MFA: enrol the authenticator (QR + key), next sign-in asks for a code, "remember this device" skips it until forgotten in the profile', async ({
  page,
  world,
  keyway,
}) => {
  await world.server.admin.setMfaPolicy({ channels: 'totp,email', mode: 'enforced', trustDays: 30 });
  await deployAndSignIn(world, page, keyway, 'mo');

  await page.getByRole('button', { name: /Authenticator app/ }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await typeCode(page, totpCode(secret));
  // The first second factor: its recovery codes, once (recovery-codes.spec.ts follows them).
  await page.getByRole('button', { name: 'I saved them, continue' }).click();
  await keyway.expectHome('Mo Factor');

  // Next sign-in: a code from the app (the next time step: the last one was used already).
  await signInAgain(page, keyway);
  await expect(page.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();
  await page.getByRole('button', { name: /Authenticator app/ }).click();
  await expect(page.getByRole('img', { name: /QR code/ })).toHaveCount(0);
  await page.getByLabel(/Remember this device/).check();
  await typeCode(page, totpCode(secret, 1));
  await keyway.expectHome('Mo Factor');

  // Remembered: the password alone signs in.
  await signInAgain(page, keyway);
  await keyway.expectHome('Mo Factor');

  // The profile lists this device; forgetting it brings the code back.
  await page.getByRole('button', { name: 'Sign-in security' }).click();
  await expect(page.getByRole('heading', { name: 'Authenticator apps' })).toBeVisible();
  await expect(page.getByText('(this device)')).toBeVisible();
  await page.getByRole('button', { name: 'Forget' }).click();
  await expect(page.getByText('No device is remembered.')).toBeVisible();
  await page.getByRole('button', { name: 'Back' }).click();
  await signInAgain(page, keyway);
  await expect(page.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();
  // The authenticator's codes for this half-minute are used up (replay protection): use the e-mail code.
  await page.getByRole('button', { name: /Code by e-mail/ }).click();
  const mail = await world.sink.waitForMail((m) => /\b\d{6}\b/.test(m.text ?? ''));
  await typeCode(page, /\b(\d{6})\b/.exec(mail.text ?? '')?.[1] ?? '');
  await keyway.expectHome('Mo Factor');

  // Add a second authenticator (with the password again), then remove the first.
  await page.getByRole('button', { name: 'Sign-in security' }).click();
  await page.getByRole('button', { name: 'Add an authenticator app' }).click();
  await page.getByLabel('Enter your password to continue').fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  const second = ((await page.getByTestId('security-secret').textContent()) ?? '').replace(/\s/g, '');
  await typeCode(page, totpCode(second));
  await expect(page.getByRole('button', { name: 'Remove' })).toHaveCount(2);
  await page.getByRole('button', { name: 'Remove' }).first().click();
  await page.getByLabel('Enter your password to continue').fill('not the password');
  await page.getByRole('button', { name: 'Continue' }).click();
  await keyway.expectError('reauthentication_required');
  await page.getByRole('button', { name: 'Remove' }).first().click();
  // Asked again, the refusal is said under the field and describes it (still one alert on the page).
  await keyway.expectError('reauthentication_required');
  await expect(page.getByLabel('Enter your password to continue')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Enter your password to continue').fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('button', { name: 'Remove' })).toHaveCount(1);
});

test('e-mail code from the SMTP sink, with the resend cooldown shown', async ({ page, world, keyway }) => {
  await world.server.admin.setMfaPolicy({ channels: 'totp,email', mode: 'enforced', trustDays: 30 });
  await deployAndSignIn(world, page, keyway, 'em');
  await page.getByRole('button', { name: /Code by e-mail/ }).click();
  await expect(page.getByTestId('mfa-sent')).toContainText('expires in');
  await expect(page.getByRole('button', { name: /Send a new code \(0:\d\d\)/ })).toBeDisabled();
  const mail = await world.sink.waitForMail(
    (m) => JSON.stringify(m.to ?? '').includes('em@example.com') && /\b\d{6}\b/.test(m.text ?? ''),
  );
  const code = /\b(\d{6})\b/.exec(mail.text ?? '')?.[1] ?? '';
  await typeCode(page, code);
  await keyway.expectHome('Mo Factor');
});

test('SMS code from the outbox, with the risk notice beside the authenticator; five wrong codes end the challenge', async ({
  page,
  world,
  keyway,
}) => {
  await world.server.admin.setMfaPolicy({ channels: 'totp,sms', mode: 'enforced', trustDays: 30 });
  await deployAndSignIn(world, page, keyway, 'sm', '+447700900123');
  await expect(page.getByRole('button', { name: /Authenticator app/ })).toBeVisible();
  await page.getByRole('button', { name: /Code by text message/ }).click();
  await expect(page.getByRole('note')).toContainText('An authenticator app is safer');
  const code = await latestSmsCode(path.join(world.dataDir, 'outbox'), '+447700900123');
  const wrong = code === '000000' ? '111111' : '000000';
  for (let attempt = 1; attempt <= 4; attempt++) {
    await typeCode(page, wrong);
    // Wait for this attempt's own answer (it counts down), not the previous one still on screen: a code
    // typed while the last one is being checked would race it.
    await expect(page.locator('[role="alert"][data-error-code="mfa_code_invalid"]')).toContainText(
      `${String(5 - attempt)} more`,
    );
  }
  await typeCode(page, wrong);
  await expect(page.getByRole('heading', { name: 'Enter your password' })).toBeVisible();
  await keyway.expectError('mfa_too_many_attempts');
});
