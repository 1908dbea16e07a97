import { expect, test } from './support/harness';

test('the Welcome screen shows the logo, the paste field and Apply', async ({ page, harness }) => {
  await page.goto(harness.url);
  await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Keyway' })).toBeVisible();
  await expect(page.getByLabel('Deployment link or authentication code')).toBeFocused();
  await expect(page.getByRole('button', { name: 'Apply' })).toBeDisabled();
});

test('a keystroke in the field reaches core and comes back as state', async ({ page, harness }) => {
  await page.goto(harness.url);
  const field = page.getByLabel('Deployment link or authentication code');
  await field.press('k');
  await expect(page.getByRole('button', { name: 'Apply' })).toBeEnabled();

  // A second page on the same core proves the text lives in core, not in the first page's DOM.
  const second = await page.context().newPage();
  await second.goto(harness.url);
  await expect(second.getByLabel('Deployment link or authentication code')).toHaveValue('k');
  await field.press('Backspace');
  await expect(second.getByRole('button', { name: 'Apply' })).toBeDisabled();
});
