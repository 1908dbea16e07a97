import { chromium, type Browser, type Page } from '@playwright/test';
import { afterAll, onTestFinished } from 'vitest';
import { chromiumLaunchOptions } from '../e2e/support/chromium';

/**
 * One Chromium for a whole test file, and a fresh browser context per test: what the test needs from a
 * "new browser" (no cookies, storage, cache, service workers or permissions of an earlier test) belongs to
 * the context, which Playwright documents as isolated, "like incognito profiles" sharing nothing
 * (https://playwright.dev/docs/browser-contexts); only the process is shared. Launching Chromium is the slow
 * part (about a second, several under load), so a file with five browser tests saves four launches.
 *
 * Call it at the top level of a test file (or a describe): the browser is launched on the first ask, so a
 * file whose tests are filtered out launches none, and closed after the file.
 */
export function chromiumPerFile(): { newPage: () => Promise<InspectedPage> } {
  let browser: Promise<Browser> | undefined;
  afterAll(async () => {
    if (browser !== undefined) await (await browser).close();
  });
  return {
    newPage: async () => {
      browser ??= chromium.launch(chromiumLaunchOptions());
      const context = await (await browser).newContext();
      // Closed when the test ends, pass or fail: the next test's context starts from nothing.
      onTestFinished(() => context.close());
      const page = await context.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      return { page, violations };
    },
  };
}

export interface InspectedPage {
  page: Page;
  /** The Content Security Policy violations the page reported on its console, in order. */
  violations: string[];
}
