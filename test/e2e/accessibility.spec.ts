import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { encodeDeploymentCode } from '../../protocol/deployment-code';
import { expectAccessible } from './support/a11y';
import { startHarness, stopHarness } from './support/harness';
import { KeywayPage } from './support/keyway-page';
import { expect, test } from './support/world';

/**
 * What keyboard, screen-reader and low-vision users rely on, checked in real Chromium: Escape,
 * focus on arrival, a visible focus ring in both themes, announced errors, the OS's dark mode and
 * reduced motion. (Every screen's axe run is in screens-tour.spec.ts.)
 */

const PASSWORD = 'correct horse battery staple 42';
/** A well-formed code for a server nobody runs: Confirm server shows it before any network call. */
const CODE = encodeDeploymentCode('https://keyway.corp.example', new Uint8Array(16).fill(9));

/** WCAG relative luminance contrast of two CSS colours, computed in the page (it parses any CSS colour). */
async function contrast(page: Page, a: string, b: string): Promise<number> {
  return page.evaluate(
    ([first, second]) => {
      const canvas = document.createElement('canvas').getContext('2d');
      if (!canvas) throw new Error('no canvas');
      const luminance = (color: string): number => {
        canvas.clearRect(0, 0, 1, 1);
        canvas.fillStyle = color;
        canvas.fillRect(0, 0, 1, 1);
        const [r = 0, g = 0, b = 0] = canvas.getImageData(0, 0, 1, 1).data;
        const channel = (v: number): number => {
          const s = v / 255;
          return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
      };
      const [hi, lo] = [luminance(first), luminance(second)].sort((x, y) => y - x) as [number, number];
      return (hi + 0.05) / (lo + 0.05);
    },
    [a, b] as const,
  );
}

async function style(locator: Locator, property: string): Promise<string> {
  return locator.evaluate((element, name) => getComputedStyle(element).getPropertyValue(name), property);
}

test('Escape backs out of Confirm server and Manual login; each new screen puts the focus where typing starts', async ({
  page,
  world,
}) => {
  const harness = await world.launch();
  await page.goto(harness.url);
  const keyway = new KeywayPage(page);
  const field = keyway.field();
  await expect(field).toBeFocused();

  await page.keyboard.type(CODE);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Connect to this server?' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Continue' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();
  await expect(field).toBeFocused();

  await page.keyboard.press('ControlOrMeta+Shift+M');
  await expect(page.getByLabel('Server')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(field).toBeFocused();
});

test('a screen with nothing to type focuses its heading, so it is announced; Escape leaves it', async ({
  page,
  keyway,
}) => {
  await keyway.deployAndSignIn({ loginId: 'ana', displayName: 'Ana Example', password: PASSWORD });

  // Keyboard only from Home: Sign out has the focus; Tab reaches the security page.
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Sign-in security' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Sign-in security', level: 1 })).toBeFocused();

  // Escape closes the password question first, then leaves the page.
  const add = page.getByRole('button', { name: 'Add an authenticator app' });
  await expect(add).toBeEnabled(); // once the server's list has arrived
  await add.press('Enter');
  await expect(page.getByLabel('Enter your password to continue')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByLabel('Enter your password to continue')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'You are signed in' })).toBeVisible();

  // The second press of "Forget this server" is the dangerous one; Escape takes the first one back.
  await page.getByRole('button', { name: 'Forget this server' }).click();
  await expect(page.getByRole('button', { name: /Yes, remove/ })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Forget this server' })).toBeVisible();
});

test('an error is announced and tied to its field', async ({ page, world }) => {
  const harness = await world.launch();
  await page.goto(harness.url);
  const field = new KeywayPage(page).field();
  await field.fill(CODE.slice(0, -1) + (CODE.endsWith('A') ? 'B' : 'A'));
  await field.press('Enter');
  const alert = page.getByRole('alert');
  await expect(alert).toHaveAttribute('data-error-code', 'code_checksum');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(/typo/);
});

for (const theme of ['light', 'dark'] as const) {
  test(`${theme} theme: follows the OS, and the keyboard focus ring stands out (3:1) on every kind of control`, async ({
    page,
    world,
  }) => {
    await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
    const harness = await world.launch();
    await page.goto(harness.url);
    const keyway = new KeywayPage(page);

    const background = await style(page.locator('body'), 'background-color');
    const text = await style(page.locator('body'), 'color');
    expect((await contrast(page, background, 'rgb(255, 255, 255)')) < 1.5).toBe(theme === 'light');
    expect(await contrast(page, text, background)).toBeGreaterThanOrEqual(7);

    // Keyboard only: a field, a secondary button, a primary button, each with its ring.
    await page.keyboard.press('ControlOrMeta+Shift+M');
    await expect(page.getByLabel('Server')).toBeFocused();
    await page.keyboard.type('keyway.example.com');
    await page.keyboard.press('Tab');
    await page.keyboard.type('ana');
    const controls = [
      page.getByLabel('E-mail or login ID'),
      page.getByRole('button', { name: 'Cancel' }),
      page.getByRole('button', { name: 'Next' }),
    ];
    for (const [index, control] of controls.entries()) {
      if (index > 0) await page.keyboard.press('Tab');
      await expect(control).toBeFocused();
      expect(await style(control, 'outline-style')).toBe('solid');
      expect(parseFloat(await style(control, 'outline-width'))).toBeGreaterThanOrEqual(2);
      expect(await contrast(page, await style(control, 'outline-color'), background)).toBeGreaterThanOrEqual(3);
    }
    await expectAccessible(page, `Manual login (${theme})`);
    await page.keyboard.press('Escape');
    await expect(keyway.field()).toBeFocused();
  });
}

test('reduced motion: the spinner stands still when the OS asks for less motion, and turns otherwise', async ({
  page,
}) => {
  const held: Socket[] = [];
  const silent = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const address = silent.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const profile = mkdtempSync(path.join(os.tmpdir(), 'keyway-a11y-'));
  const harness = await startHarness(['--profile', profile]);
  try {
    await page.goto(harness.url);
    const keyway = new KeywayPage(page);
    await keyway.paste(encodeDeploymentCode(`http://127.0.0.1:${address.port}`, new Uint8Array(16).fill(5)));
    await keyway.confirmServer();
    const spinner = page.locator('.spinner');
    await expect(spinner).toBeVisible();

    await page.emulateMedia({ reducedMotion: 'no-preference' });
    expect(await style(spinner, 'animation-name')).toBe('spin');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await style(spinner, 'animation-name')).toBe('none');
    await expect(page.getByRole('status')).toHaveText(/Fetching your configuration/);
  } finally {
    await stopHarness(harness);
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    rmSync(profile, { recursive: true, force: true });
  }
});
