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
  await keyway.deployAndSignIn({ loginId: 'pia', displayName: 'Pia Passkey', password: PASSWORD });

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

test('the server’s passkey pages in French and German (the browser’s language) pass axe', async ({
  browser,
  world,
}) => {
  await world.server.admin.setMfaPolicy({ channels: 'totp,passkey', mode: 'optional' });
  await world.server.admin.createUser({
    loginId: 'pia',
    email: 'pia@example.com',
    displayName: 'Pia Passkey',
    password: PASSWORD,
    sendWelcomeEmail: false,
  });
  // Playwright's `locale` sets the browser's Accept-Language, as a French or German system browser sends it.
  for (const { locale, lang, signIn, heading, add, addHeading } of [
    {
      locale: 'fr-FR',
      lang: 'fr',
      signIn: 'Connexion',
      heading: 'Installer Keyway',
      add: 'Ajouter une clé d’accès',
      addHeading: 'Ajouter une clé d’accès',
    },
    {
      locale: 'de-DE',
      lang: 'de',
      signIn: 'Anmelden',
      heading: 'Keyway einrichten',
      add: 'Passkey hinzufügen',
      addHeading: 'Passkey hinzufügen',
    },
  ]) {
    const context = await browser.newContext({ locale });
    const web = await context.newPage();
    await web.goto(`${world.server.origin}/account`);
    await expect(web.getByRole('heading', { level: 1, name: signIn })).toBeVisible();
    await expect(web.locator('html')).toHaveAttribute('lang', lang);
    await expectAccessible(web, `/account sign-in (${lang})`);
    await web.locator('#login').fill('pia');
    await web.locator('#password').fill(PASSWORD);
    await web.locator('#password').press('Enter');
    await expect(web.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expectAccessible(web, `/account with its passkeys (${lang})`);
    await web.locator('#passkey-password').fill(PASSWORD);
    await web.getByRole('button', { name: add }).click();
    await expect(web.getByRole('heading', { level: 1, name: addHeading })).toBeVisible();
    await expect(web.locator('html')).toHaveAttribute('lang', lang);
    await expectAccessible(web, `add a passkey (${lang})`);
    await context.close();
  }
});
