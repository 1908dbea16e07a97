import type { Page } from '@playwright/test';
import { startSamlIdp, type TestSamlIdp } from '../support/saml-idp';
import { startUpstreamOidc } from '../support/upstream-oidc';
import { expect, test, type World } from './support/world';

const IDP_PASSWORD = 'idp password for sam';

/** A real SAML IdP in the test process, configured on the world's server as "Corp SSO", with Sam in it. */
async function corpIdp(world: World, domains: string[] = []): Promise<TestSamlIdp> {
  const idp = await startSamlIdp({ spMetadataUrl: () => `${world.server.origin}/sso/saml/corp/metadata` });
  idp.users.set('sam', {
    nameId: 'sam@corp.example',
    email: 'sam@corp.example',
    displayName: 'Sam Saml',
    password: IDP_PASSWORD,
  });
  await world.server.admin.identityProviders.addSaml({
    id: 'corp',
    displayName: 'Corp SSO',
    metadataXml: idp.metadataXml,
    domains,
  });
  await world.server.admin.createUser({
    loginId: 'sam',
    email: 'sam@corp.example',
    displayName: 'Sam Saml',
    sendWelcomeEmail: false,
  });
  return idp;
}

/** Manual Login (the keyboard shortcut), the server and the e-mail, Next, then the license. */
async function startSignIn(page: Page, world: World, loginId: string): Promise<Page> {
  await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();
  await page.keyboard.press('ControlOrMeta+Shift+M');
  await page.getByLabel('Server').fill(new URL(world.server.origin).host);
  await page.getByLabel('E-mail or login ID').fill(loginId);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { name: 'License agreement' })).toBeVisible();
  // Discovery said "oidc": accepting opens the system browser (the harness's new tab).
  const [browser] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('button', { name: 'Accept' }).click(),
  ]);
  await expect(page.getByRole('heading', { name: 'Continue in your browser' })).toBeVisible();
  return browser;
}

/** At the test IdP's own sign-in page: its credentials, then the POST back to Keyway's server. */
async function signInAtIdp(browser: Page): Promise<void> {
  await expect(browser.getByRole('heading', { name: 'Test IdP' })).toBeVisible();
  await browser.getByLabel('Username').fill('sam');
  await browser.getByLabel('IdP password').fill(IDP_PASSWORD);
  await browser.getByRole('button', { name: 'Continue' }).click();
  // The IdP's auto-submitting form posts the assertion to the ACS, which sends the browser to Keyway.
  await expect(browser.getByText('return to Keyway')).toBeVisible();
}

test('SSO: Keyway → browser → "Login with Corp SSO" on the provider page → SAML IdP → back → Home', async ({
  page,
  world,
  keyway,
}) => {
  const idp = await corpIdp(world);
  try {
    await world.server.admin.setSignInMethod('sam', 'oidc');
    const harness = await world.launch();
    await page.goto(harness.url);
    const browser = await startSignIn(page, world, 'sam@corp.example');

    await expect(browser.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(browser.getByLabel('E-mail or login ID', { exact: true })).toHaveValue('sam@corp.example');
    await browser.getByRole('button', { name: 'Login with Corp SSO' }).click();
    await signInAtIdp(browser);

    await keyway.expectHome('Sam Saml');
    await expect.poll(() => world.storedRefreshToken()).not.toBeNull();
    expect(idp.received).not.toHaveLength(0);
  } finally {
    await idp.close();
  }
});

test('SSO: a domain routed to its IdP goes straight there, without the provider page', async ({
  page,
  world,
  keyway,
}) => {
  const idp = await corpIdp(world, ['corp.example']);
  try {
    const harness = await world.launch();
    await page.goto(harness.url);
    const browser = await startSignIn(page, world, 'sam@corp.example');

    await signInAtIdp(browser);
    await keyway.expectHome('Sam Saml');
  } finally {
    await idp.close();
  }
});

test('SSO: Keyway → browser → "Login with Okta" → an upstream OpenID provider → back → Home', async ({
  page,
  world,
  keyway,
}) => {
  // A second, real oidc-provider as the enterprise's IdP; it signs Olga in as if she had a session there.
  const upstream = await startUpstreamOidc({ redirectUri: `${world.server.origin}/sso/oidc/okta/callback` });
  try {
    upstream.accounts.set('okta-olga', {
      sub: 'okta-olga',
      email: 'olga@corp.example',
      email_verified: true,
      name: 'Olga Upstream',
    });
    upstream.signInAs = 'okta-olga';
    await world.server.admin.identityProviders.addOidc({
      id: 'okta',
      displayName: 'Okta',
      issuer: upstream.issuer,
      clientId: upstream.clientId,
      clientSecret: upstream.clientSecret,
    });
    await world.server.admin.createUser({
      loginId: 'olga',
      email: 'olga@corp.example',
      displayName: 'Olga Upstream',
      sendWelcomeEmail: false,
    });
    await world.server.admin.setSignInMethod('olga', 'oidc');
    const harness = await world.launch();
    await page.goto(harness.url);
    const browser = await startSignIn(page, world, 'olga@corp.example');

    await expect(browser.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await browser.getByRole('button', { name: 'Login with Okta' }).click();

    await keyway.expectHome('Olga Upstream');
    await expect.poll(() => world.storedRefreshToken()).not.toBeNull();
  } finally {
    await upstream.close();
  }
});
