import { expect, test } from './support/world';

/** Every screen of the deployment journey, with the keyboard alone: no click, no fill. */
test('keyboard only: paste the code, confirm, accept, type the password, reach Home, sign out', async ({
  page,
  world,
}) => {
  const password = 'keyboard only passphrase 7';
  await world.server.admin.createUser({
    loginId: 'kai',
    email: 'kai@example.com',
    displayName: 'Kai Keys',
    password,
    sendWelcomeEmail: false,
  });
  const { code } = await world.server.admin.createDeployment('kai');
  const harness = await world.launch();
  await page.goto(harness.url);

  // Welcome: the field has focus; typing the code (as fast as a script can) then Enter applies.
  await expect(page.getByLabel('Deployment link or authentication code')).toBeFocused();
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');

  // Confirm server: Continue has focus; Tab reaches Cancel and back (Shift+Tab).
  await expect(page.getByRole('button', { name: 'Continue' })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');

  // License: the text is reachable by Tab (to scroll), Accept has focus.
  await expect(page.getByRole('button', { name: 'Accept' })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('region', { name: 'License text' })).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');

  // Password: the field has focus; the show/hide toggle is a button on the way.
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
  await page.keyboard.type(password);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Hide password' })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');

  // Home: Sign out has focus.
  await expect(page.getByRole('heading', { name: 'You are signed in' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Enter your password' })).toBeVisible();
});
