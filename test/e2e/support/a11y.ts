import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

/**
 * Where the screen tour saves its pictures: test-results/screenshots on every run (so a test run never
 * changes the repository); `npm run screenshots` points it at docs/screenshots, which the README shows.
 */
const SCREENSHOT_DIR = process.env.KEYWAY_SCREENSHOT_DIR ?? path.join(root, 'test-results', 'screenshots');

/** A window the size of Keyway's, so pictures stay small and look like the app. */
export const TOUR_VIEWPORT = { width: 480, height: 720 };

/**
 * Runs axe-core (WCAG 2.0–2.2 A/AA and best practices) on what the page shows now and fails on any
 * serious or critical violation, naming the rule and the elements. Colour contrast is judged in the
 * colour scheme the page is emulating, so call it once per theme.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const blocking = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      elements: violation.nodes.map((node) => node.target.join(' ')),
    }));
  expect(blocking, `axe: serious or critical violations on ${what}`).toEqual([]);
}

/**
 * One stop of the screen tour: axe in the light and in the dark theme (contrast differs), and a picture
 * `<SCREENSHOT_DIR>/<name>.png` (plus `<name>-dark.png` with `darkPicture`). Motion is reduced, so a
 * spinner is still and pictures do not depend on the moment they are taken.
 */
export async function tourStop(page: Page, name: string, options: { darkPicture?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
    await expectAccessible(page, `${name} (${theme})`);
    if (theme === 'dark' && options.darkPicture !== true) continue;
    const file = path.join(SCREENSHOT_DIR, theme === 'light' ? `${name}.png` : `${name}-dark.png`);
    // The app's column only (not the empty window below it): smaller pictures, same content.
    await page.locator('main.app').screenshot({ path: file, animations: 'disabled', caret: 'hide', scale: 'css' });
  }
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
}

/** A browser window the admin console's pictures are taken in: its column and the nav beside it. */
export const CONSOLE_VIEWPORT = { width: 1280, height: 900 };
/** Pictures stop here: a long page (a user's details) shows its top, as a reader scrolling would. */
const CONSOLE_PICTURE_MAX_HEIGHT = 1500;

/**
 * One picture of the admin console (server-rendered pages, no `main.app`): axe first, as for every
 * screen, then `<SCREENSHOT_DIR>/admin-<name>.png`, the whole page down to CONSOLE_PICTURE_MAX_HEIGHT.
 */
export async function consolePicture(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await expectAccessible(page, `the console's ${name} page`);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, `admin-${name}.png`),
    fullPage: true,
    clip: { x: 0, y: 0, width: CONSOLE_VIEWPORT.width, height: Math.min(height, CONSOLE_PICTURE_MAX_HEIGHT) },
    animations: 'disabled',
    caret: 'hide',
    scale: 'css',
  });
}
