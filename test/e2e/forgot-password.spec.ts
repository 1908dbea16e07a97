import type { Page } from '@playwright/test';
import { expect, test, type World } from './support/world';
import type { KeywayPage } from './support/keyway-page';

const OLD_PASSWORD = 'the old passphrase 2026';
const NEW_PASSWORD = 'a fresh passphrase 2026';
const RESET_LINK = /(http:\/\/127\.0\.0\.1:\d+\/password-reset\?token=[A-Za-z0-9_-]+)/;

/** Bo gets a deployment and opens it in Keyway, up to the Password page. */
async function toPasswordPage(world: World, page: Page, keyway: KeywayPage): Promise<void> {
  await world.server.admin.createUser({
    loginId: 'bo',
    email: 'bo@example.com',
    displayName: 'Bo Berg',
    password: OLD_PASSWORD,
    sendWelcomeEmail: false,
  });
  const { code } = await world.server.admin.createDeployment('bo');
  const harness = await world.launch();
  await page.goto(harness.url);
  await keyway.paste(code);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await expect(page.getByRole('heading', { name: 'Enter your password' })).toBeVisible();
}

test('Forgot your password? → e-mail in the SMTP sink → reset page in the browser → sign in with the new password', async ({
  page,
  world,
  keyway,
}) => {
  await world.server.admin.setPasswordResetPolicy({ enabled: true });
  await toPasswordPage(world, page, keyway);

  await page.getByRole('button', { name: 'Forgot your password?' }).click();
  await expect(page.getByTestId('reset-sent')).toContainText('If bo has an account on this server');
  await expect(page.getByTestId('reset-sent')).toContainText('30 minutes');

  const mail = await world.sink.waitForMail((m) => m.subject?.startsWith('Reset your password') === true);
  expect(JSON.stringify(mail.to)).toContain('bo@example.com');
  const link = RESET_LINK.exec(mail.text ?? '')?.[1];
  expect(link).toBeDefined();

  // The user opens the e-mail's link in their browser.
  const browser = await page.context().newPage();
  await browser.goto(link ?? '');
  await expect(browser.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await expect(browser.getByText('For bo.')).toBeVisible();
  await browser.getByLabel('New password', { exact: true }).fill('password123');
  await browser.getByLabel('New password again').fill('password123');
  await browser.getByRole('button', { name: 'Change password' }).click();
  await expect(browser.getByRole('alert')).toContainText('commonly used passwords');
  await browser.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await browser.getByLabel('New password again').fill(NEW_PASSWORD);
  await browser.getByRole('button', { name: 'Change password' }).click();
  await expect(browser.getByRole('heading', { name: 'Your password was changed' })).toBeVisible();

  // The link worked once.
  await browser.goto(link ?? '');
  await expect(browser.getByRole('heading', { name: 'This link was already used' })).toBeVisible();
  await browser.close();

  // Back in Keyway: the old password is refused, the new one signs in.
  await keyway.enterPassword(OLD_PASSWORD);
  await keyway.expectError('invalid_credentials');
  await keyway.enterPassword(NEW_PASSWORD);
  await keyway.expectHome('Bo Berg');
});

test('the Password page offers no reset when the server does not', async ({ page, world, keyway }) => {
  await toPasswordPage(world, page, keyway);
  await expect(page.getByLabel('Password', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Forgot your password?' })).toHaveCount(0);
});
