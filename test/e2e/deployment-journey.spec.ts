import type { Page } from '@playwright/test';
import { expect, test, type World } from './support/world';

const LANDING = /(http:\/\/127\.0\.0\.1:\d+\/deploy\?code=[0-9A-Za-z-]+)/;

/** The admin's side: create the user and send the deployment; the user's side starts from the e-mails. */
async function adminDeploys(world: World, loginId = 'bo', displayName = 'Bo Berg') {
  const email = `${loginId}@example.com`;
  await world.server.admin.createUser({ loginId, email, displayName });
  await world.server.admin.sendDeployment(loginId);
  const to = (m: { to?: unknown }): boolean => JSON.stringify(m.to ?? '').includes(email);
  const welcome = await world.sink.waitForMail((m) => to(m) && m.subject?.includes('your Keyway password') === true);
  const deployment = await world.sink.waitForMail((m) => to(m) && m.subject?.startsWith('Set up Keyway') === true);
  const password = /Password: (\S+)/.exec(welcome.text ?? '')?.[1];
  const landing = LANDING.exec(deployment.text ?? '')?.[1];
  const code = /code=([0-9A-Za-z-]+)/.exec(landing ?? '')?.[1];
  if (!password || !landing || !code) throw new Error('the e-mails do not carry a password, a landing link and a code');
  return { password, landing, code };
}

async function openApp(page: Page, world: World, args: string[] = []): Promise<void> {
  const harness = await world.launch(args);
  await page.goto(harness.url);
}

test('deep link from the e-mail → confirm server → license → password → home; restart signs in silently; sign out wipes the keychain', async ({
  page,
  world,
  keyway,
}) => {
  const { password, landing } = await adminDeploys(world);
  await openApp(page, world);
  await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();

  // The user clicks the landing link in the e-mail; the page's "Open Keyway" hands the keyway:// link to the OS.
  const browserTab = await page.context().newPage();
  await browserTab.goto(landing);
  const deepLink = await browserTab.getByRole('link', { name: 'Open Keyway' }).getAttribute('href');
  expect(deepLink).toMatch(/^keyway:\/\/deploy\?code=/);
  await world.openLink(deepLink ?? '');

  await keyway.expectConfirmServer(new URL(world.server.origin).host);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(password);
  await keyway.expectHome('Bo Berg');
  await expect.poll(() => world.storedRefreshToken()).not.toBeNull();

  // Restart: no password, straight home from the refresh token in the keychain.
  await openApp(page, world);
  await keyway.expectHome('Bo Berg');

  await keyway.signOut();
  await expect(page.getByRole('heading', { name: 'Enter your password' })).toBeVisible();
  await expect(page.getByText('as bo.')).toBeVisible();
  await expect.poll(() => world.storedRefreshToken()).toBeNull();
});

test('the pasted authentication code leads to the same sign-in', async ({ page, world, keyway }) => {
  const { password, code } = await adminDeploys(world);
  await openApp(page, world);
  await keyway.paste(code.toLowerCase().replace(/-/g, ' '));
  await keyway.expectConfirmServer(new URL(world.server.origin).host);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(password);
  await keyway.expectHome('Bo Berg');
});

test('the pasted landing link signs in; a later cold-start deep link offers Import before the license', async ({
  page,
  world,
  keyway,
}) => {
  const { password, landing } = await adminDeploys(world);
  await openApp(page, world);
  await keyway.paste(`  ${landing}  `);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(password);
  await keyway.expectHome('Bo Berg');
  await keyway.signOut();

  // Another deployment on this machine: the OS starts Keyway with the link as its argument.
  const second = await adminDeploys(world, 'cy', 'Cy Chen');
  await openApp(page, world, ['--open-url', `keyway://deploy?code=${second.code}`]);
  // The server is already trusted here, so no Confirm screen; the existing profile is offered for import.
  await expect(page.getByRole('heading', { name: 'Bring your settings along?' })).toBeVisible();
  await page.getByRole('button', { name: /Import from/ }).click();
  await keyway.acceptLicense();
  await keyway.enterPassword(second.password);
  await keyway.expectHome('Cy Chen');
});

test('a typo, a wrong password and Decline each say what happened and leave no profile behind', async ({
  page,
  world,
  keyway,
}) => {
  const { password, code } = await adminDeploys(world);
  await openApp(page, world);

  const typo = code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A');
  await keyway.paste(typo);
  await keyway.expectError('code_checksum');

  await keyway.paste(code);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword('not-the-password');
  await keyway.expectError('invalid_credentials');
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  expect(world.settings()?.profiles ?? []).toEqual([]);

  // Back to the license, Decline: nothing is saved.
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByRole('button', { name: 'Decline' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();
  expect(world.settings()?.profiles ?? []).toEqual([]);
  expect(await world.storedRefreshToken()).toBeNull();

  // The same installation within the grace period gets its configuration again; the password still works.
  await keyway.paste(code);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(password);
  await keyway.expectHome('Bo Berg');
});
