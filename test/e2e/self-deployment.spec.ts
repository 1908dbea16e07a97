import { expectAccessible } from './support/a11y';
import { expect, test } from './support/world';

const PASSWORD = 'self service passphrase 9';

test('the account page in Chromium: sign in, QR code, "Open Keyway" → Keyway onboards without any e-mail', async ({
  page,
  world,
  keyway,
}) => {
  await world.server.admin.createUser({
    loginId: 'cy',
    email: 'cy@example.com',
    displayName: 'Cy Self',
    password: PASSWORD,
    sendWelcomeEmail: false,
  });
  const harness = await world.launch();
  await page.goto(harness.url);
  await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();

  // The user's web profile page on the server, in a real browser.
  const web = await page.context().newPage();
  await web.goto(`${world.server.origin}/account`);
  await expect(web.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await web.getByLabel('E-mail or login ID').fill('cy@example.com');
  await web.getByLabel('Password', { exact: true }).fill('not my password');
  await web.getByRole('button', { name: 'Sign in' }).click();
  await expect(web.getByRole('alert')).toHaveText('The login ID or password is not correct.');
  await web.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await web.getByRole('button', { name: 'Sign in' }).click();

  await expect(web.getByRole('heading', { name: 'Set up Keyway' })).toBeVisible();
  await expect(web.getByText('Signed in as Cy Self (cy).')).toBeVisible();
  const qr = web.getByRole('img', { name: 'QR code of your Keyway link' });
  await expect(qr).toBeVisible();
  expect((await qr.boundingBox())?.width ?? 0).toBeGreaterThan(100);
  await expect(qr.locator('svg path').first()).toBeAttached();
  await expectAccessible(web, 'the account page');

  // "Make a new link" replaces the one shown; only the newest works.
  const first = await web.getByTestId('authentication-code').textContent();
  await web.getByRole('button', { name: 'Make a new link' }).click();
  await expect(web.getByTestId('authentication-code')).not.toHaveText(first ?? '');
  const deepLink = await web.getByRole('link', { name: 'Open Keyway' }).getAttribute('href');
  expect(deepLink).toMatch(/^keyway:\/\/deploy\?code=/);

  // "Open Keyway" hands the keyway:// link to the OS, which hands it to the running Keyway.
  await world.openLink(deepLink ?? '');
  await keyway.expectConfirmServer(new URL(world.server.origin).host);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(PASSWORD);
  await keyway.expectHome('Cy Self');
  expect(world.sink.messages).toHaveLength(0);

  // The link worked once, for this installation only; the link it replaced had already stopped working.
  const redeemElsewhere = async (code: string): Promise<unknown> => {
    const response = await fetch(`${world.server.origin}/api/v1/deployments/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, installationId: 'another-installation-1' }),
    });
    return ((await response.json()) as { code?: unknown }).code;
  };
  expect(await redeemElsewhere(new URL(deepLink ?? '').searchParams.get('code') ?? '')).toBe('deployment_used');
  expect(await redeemElsewhere(first ?? '')).toBe('deployment_expired');
});
