import { expectAccessible } from './support/a11y';
import { expect, test } from './support/world';
import { VirtualAuthenticator } from '../support/virtual-authenticator';

/**
 * Issue 17 in the harness: the passkey browser step driven in a second page of the test (the harness's
 * "system browser" is a new tab), with a Chrome DevTools Protocol virtual authenticator (ctap2,
 * internal transport, resident keys, user verification). The server listens on `localhost`: a WebAuthn
 * RP ID must be a domain, never an IP address.
 */

const PASSWORD = 'correct horse battery staple 42';

test.use({ serverOptions: { host: 'localhost' } });

test('passkeys: add one from Sign-in security in the browser, then sign in with password + passkey to Home; axe on every new screen', async ({
  page,
  world,
  keyway,
}) => {
  await world.server.admin.setMfaPolicy({ channels: 'totp,passkey', mode: 'optional' });
  await world.server.admin.createUser({
    loginId: 'pia',
    email: 'pia@example.com',
    displayName: 'Pia Passkey',
    password: PASSWORD,
    sendWelcomeEmail: false,
  });
  const { code } = await world.server.admin.createDeployment('pia');
  const harness = await world.launch();
  await page.goto(harness.url);
  await keyway.paste(code);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(PASSWORD);
  await keyway.expectHome('Pia Passkey');

  await page.getByRole('button', { name: 'Sign-in security' }).click();
  await expect(page.getByRole('heading', { name: 'Passkeys' })).toBeVisible();
  await expect(page.getByText('No passkey yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.getByLabel('Enter your password to continue').fill(PASSWORD);
  const [addTab] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('button', { name: 'Continue' }).click(),
  ]);
  await expect(page.getByRole('heading', { name: 'Continue in your browser' })).toBeVisible();
  await expect(page.getByText(/so you can add a passkey for pia/)).toBeVisible();
  await expectAccessible(page, 'passkey step (add)');
  const first = await VirtualAuthenticator.attach(addTab);
  await addTab.locator('#passkey-button').click();
  // Pia's first second factor: the browser shows her new recovery codes once, then she returns to Keyway.
  await expect(addTab.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  await expect(addTab.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await addTab.getByRole('link', { name: 'I saved them, continue' }).click();
  await expect(page.getByTestId('passkeys').getByRole('listitem')).toHaveCount(1);
  await expect(page.getByTestId('passkeys')).toContainText('not used yet');
  await expectAccessible(page, 'Sign-in security with a passkey');
  const credentials = await first.credentials();
  expect(credentials).toHaveLength(1);
  await addTab.close();

  // The next sign-in asks for the passkey (the only factor Pia has): "Use a passkey" opens the browser.
  await page.getByRole('button', { name: 'Back' }).click();
  await keyway.signOut();
  await keyway.enterPassword(PASSWORD);
  await expect(page.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Use a passkey' })).toBeVisible();
  await expectAccessible(page, 'MFA with a passkey');
  const [signInTab] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('button', { name: 'Use a passkey' }).click(),
  ]);
  await expect(page.getByText(/confirm it is you with your passkey, as pia/)).toBeVisible();
  // The same passkey, in the browser's authenticator of the new tab.
  const second = await VirtualAuthenticator.attach(signInTab);
  for (const credential of credentials) await second.add(credential);
  await signInTab.locator('#passkey-button').click();
  await keyway.expectHome('Pia Passkey');
});
