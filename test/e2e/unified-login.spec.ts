import type { Page } from '@playwright/test';
import { signInAtProvider } from '../support/oidc-login';
import { expect, test, type World } from './support/world';

const PASSWORD = 'correct horse battery staple 42';

async function unifiedUser(world: World, loginId = 'una', email = 'una@example.com'): Promise<void> {
  await world.server.admin.createUser({
    loginId,
    email,
    displayName: 'Una Unified',
    password: PASSWORD,
    sendWelcomeEmail: false,
  });
  await world.server.admin.setSignInMethod(loginId, 'oidc');
}

async function passwordUser(world: World): Promise<void> {
  await world.server.admin.createUser({
    loginId: 'pat',
    email: 'pat@example.com',
    displayName: 'Pat Password',
    password: PASSWORD,
    sendWelcomeEmail: false,
  });
}

async function manualLogin(page: Page, world: World, how: 'taps' | 'shortcut', loginId: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();
  if (how === 'taps') {
    const logo = page.getByRole('img', { name: 'Keyway' });
    for (let i = 0; i < 3; i++) await logo.click();
  } else {
    await page.keyboard.press('ControlOrMeta+Shift+M');
  }
  await expect(page.getByRole('heading', { name: 'Manual login' })).toBeVisible();
  await page.getByLabel('Server').fill(new URL(world.server.origin).host);
  await page.getByLabel('E-mail or login ID').fill(loginId);
  await page.getByRole('button', { name: 'Next' }).click();
}

test('unified login: login ID → system browser with the e-mail pre-filled → password at the IdP → home; restart signs in silently', async ({
  page,
  world,
  keyway,
}) => {
  await unifiedUser(world);
  const harness = await world.launch();
  await page.goto(harness.url);
  await manualLogin(page, world, 'shortcut', 'una@example.com');
  await keyway.expectLicense();

  // Accepting starts the OIDC flow; the harness's "system browser" is a new tab.
  const [provider] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('button', { name: 'Accept' }).click(),
  ]);
  await expect(page.getByRole('heading', { name: 'Continue in your browser' })).toBeVisible();
  await expect(provider.getByLabel('E-mail or login ID', { exact: true })).toHaveValue('una@example.com');
  await signInAtProvider(provider, PASSWORD);
  await expect(provider.getByText('return to Keyway')).toBeVisible();

  await keyway.expectHome('Una Unified');
  await expect.poll(() => world.storedRefreshToken()).not.toBeNull();

  const restarted = await world.launch();
  await page.goto(restarted.url);
  await keyway.expectHome('Una Unified');
});

test('manual login through three taps on the logo, for a password user; Back returns to the login-ID page', async ({
  page,
  world,
  keyway,
}) => {
  await passwordUser(world);
  const harness = await world.launch();
  await page.goto(harness.url);
  await manualLogin(page, world, 'taps', 'PAT@example.com');
  await keyway.acceptLicense();
  await expect(page.getByRole('heading', { name: 'Enter your password' })).toBeVisible();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByRole('heading', { name: 'Manual login' })).toBeVisible();
  await expect(page.getByLabel('E-mail or login ID')).toHaveValue('PAT@example.com');
  await page.getByRole('button', { name: 'Next' }).click();
  await keyway.acceptLicense();
  await keyway.enterPassword(PASSWORD);
  await keyway.expectHome('Pat Password');
});

test('manual login through the shortcut for a password user, and three taps for a unified-login user', async ({
  page,
  world,
  keyway,
}) => {
  await passwordUser(world);
  await unifiedUser(world);
  const harness = await world.launch();
  await page.goto(harness.url);
  await manualLogin(page, world, 'shortcut', 'pat');
  await keyway.acceptLicense();
  await keyway.enterPassword(PASSWORD);
  await keyway.expectHome('Pat Password');
  await page.getByRole('button', { name: 'Forget this server' }).click();
  await page.getByRole('button', { name: /Yes, remove/ }).click();

  await manualLogin(page, world, 'taps', 'una');
  const [provider] = await Promise.all([page.context().waitForEvent('page'), keyway.acceptLicense()]);
  await signInAtProvider(provider, PASSWORD);
  await keyway.expectHome('Una Unified');
});

test('closing the browser: Cancel returns to the login-ID page and nothing is stored', async ({ page, world }) => {
  await unifiedUser(world);
  const harness = await world.launch();
  await page.goto(harness.url);
  await manualLogin(page, world, 'shortcut', 'una');
  const [provider] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('button', { name: 'Accept' }).click(),
  ]);
  await provider.close();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { name: 'Manual login' })).toBeVisible();
  expect(await world.storedRefreshToken()).toBeNull();
  expect(world.settings()?.profiles ?? []).toEqual([]);
});

test('the device code fallback: the code shown in Keyway, entered on another browser, signs in', async ({
  page,
  world,
  keyway,
}) => {
  await unifiedUser(world);
  const harness = await world.launch();
  await page.goto(harness.url);
  await manualLogin(page, world, 'shortcut', 'una');
  const [firstTab] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('button', { name: 'Accept' }).click(),
  ]);
  await firstTab.close();
  await page.getByRole('button', { name: 'Sign in on another device' }).click();
  const userCode = (await page.getByTestId('device-user-code').textContent()) ?? '';
  expect(userCode).not.toBe('');
  const lead = (await page.getByText('On any device, open').textContent()) ?? '';
  const verificationUri = /open (\S+) and enter/.exec(lead)?.[1] ?? '';

  // "Another device": a separate browser context with no session.
  const phone = await (await page.context().browser()?.newContext())?.newPage();
  if (!phone) throw new Error('no second browser context');
  await phone.goto(verificationUri);
  await phone.getByLabel('Code').fill(userCode);
  await phone.getByRole('button', { name: 'Continue' }).click();
  await expect(phone.getByRole('heading', { name: 'Confirm the code' })).toBeVisible();
  await phone.getByRole('button', { name: 'Continue' }).click();
  await signInAtProvider(phone, PASSWORD, 'una');
  await keyway.expectHome('Una Unified');
});
