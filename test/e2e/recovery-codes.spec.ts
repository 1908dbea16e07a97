import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { expectAccessible } from './support/a11y';
import { expect, test } from './support/world';

const PASSWORD = 'correct horse battery staple 42';

/** An independent TOTP implementation (otpauth), not the server's library. */
function totpCode(secret: string, offsetSteps = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

async function typeCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Digit 1 of 6').fill(code);
}

test('lost phone: codes saved once at enrolment → password → "Use a recovery code" → Home → Sign-in security → a new authenticator', async ({
  page,
  world,
  keyway,
}) => {
  await world.server.admin.setMfaPolicy({ channels: 'totp', mode: 'enforced', trustDays: 30 });
  await keyway.deployAndSignIn({ loginId: 'lu', displayName: 'Lu Lost', password: PASSWORD }, { home: false });

  // The only channel, enforced: enrolment starts by itself.
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  await typeCode(page, totpCode(secret));

  // Save your recovery codes: ten, shown once, accessible.
  await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  const list = page.getByRole('list', { name: 'Your recovery codes' });
  await expect(list.getByRole('listitem')).toHaveCount(10);
  const codes = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim());
  for (const c of codes) expect(c).toMatch(/^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$/);
  await expect(page.getByRole('button', { name: 'I saved them, continue' })).toBeFocused();
  await expectAccessible(page, 'Save your recovery codes');

  // Save as text file: in the harness, the page downloads the file core built.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Save as text file' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^keyway-recovery-codes-127\.0\.0\.1-\d+\.txt$/);
  const text = readFileSync(await download.path(), 'utf8');
  for (const c of codes) expect(text).toContain(c);
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

  // Continue: Home, and the codes are gone from the page (and from core: getView has none).
  await page.getByRole('button', { name: 'I saved them, continue' }).click();
  await keyway.expectHome('Lu Lost');
  for (const c of codes) await expect(page.getByText(c)).toHaveCount(0);

  // The phone is lost. Password, then a recovery code instead of the authenticator.
  await keyway.signOut();
  await keyway.enterPassword(PASSWORD);
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  const field = page.getByLabel('Recovery code');
  await expect(field).toBeFocused();
  await expectAccessible(page, 'the recovery-code field');
  // Not a code: said on the field, no request.
  await field.fill('not-a-code');
  await page.getByRole('button', { name: 'Sign in with this code' }).click();
  await keyway.expectError('mfa_code_invalid');
  await field.fill((codes[0] ?? '').toUpperCase().replace(/-/g, ' '));
  await page.getByRole('button', { name: 'Sign in with this code' }).click();
  await keyway.expectHome('Lu Lost');

  // Sign-in security: nine codes left; a new authenticator (the password first).
  await page.getByRole('button', { name: 'Sign-in security' }).click();
  await expect(page.getByTestId('security-recovery-status')).toHaveText('Unused recovery codes: 9.');
  await page.getByRole('button', { name: 'Add an authenticator app' }).click();
  await page.getByLabel('Enter your password to continue').fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  const second = ((await page.getByTestId('security-secret').textContent()) ?? '').replace(/\s/g, '');
  await typeCode(page, totpCode(second));
  await expect(page.getByRole('button', { name: 'Remove' })).toHaveCount(2);
  await expectAccessible(page, 'Sign-in security with recovery codes');
});

test('Get new codes on Sign-in security: the new set once, Home warns when few are left', async ({
  page,
  world,
  keyway,
}) => {
  await world.server.admin.setMfaPolicy({ channels: 'totp', mode: 'enforced', trustDays: 30 });
  // The only channel, enforced: the password leads to the authenticator's enrolment, not Home.
  await keyway.deployAndSignIn({ loginId: 'gi', displayName: 'Gi New', password: PASSWORD }, { home: false });
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  await typeCode(page, totpCode(secret));
  const list = page.getByRole('list', { name: 'Your recovery codes' });
  await expect(list.getByRole('listitem')).toHaveCount(10);
  const old = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim());
  await page.getByRole('button', { name: 'I saved them, continue' }).click();

  // Use seven codes: Home then says three are left, with a way to Sign-in security.
  for (const c of old.slice(0, 7)) {
    await keyway.signOut();
    await keyway.enterPassword(PASSWORD);
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(c);
    await page.getByRole('button', { name: 'Sign in with this code' }).click();
    await keyway.expectHome('Gi New');
  }
  await expect(page.getByTestId('home-recovery-codes-left')).toContainText('Recovery codes left: 3.');
  await expectAccessible(page, 'Home with few recovery codes');
  await page.getByTestId('home-recovery-codes-left').getByRole('button', { name: 'Sign-in security' }).click();

  await page.getByRole('button', { name: 'Get new codes' }).click();
  // The password question has the focus, and Enter in it sends (as the "Get new codes" that replaced the button).
  await expect(page.getByLabel('Enter your password to continue')).toBeFocused();
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  const fresh = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim());
  expect(fresh.filter((c) => old.includes(c))).toEqual([]);
  await page.getByRole('button', { name: 'I saved them, continue' }).click();
  await expect(page.getByTestId('security-recovery-status')).toHaveText('Unused recovery codes: 10.');

  // The old set stopped working.
  await page.getByRole('button', { name: 'Back' }).click();
  await keyway.signOut();
  await keyway.enterPassword(PASSWORD);
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(old[9] ?? '');
  await page.getByRole('button', { name: 'Sign in with this code' }).click();
  await keyway.expectError('mfa_code_invalid');
});
