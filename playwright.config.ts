import os from 'node:os';
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/e2e/support/chromium';

export default defineConfig({
  testDir: 'test',
  outputDir: 'test-results/playwright',
  fullyParallel: true,
  // Playwright's default is half the cores: ONE on a 2-core machine, and `npm test` on such a box ran the 71
  // specs one after another (8.7 min) unless CI was set. A spec mostly waits (its own server process, argon2,
  // the page), and specs share nothing (own server, data dir, profile, keychain entries, ephemeral ports), so
  // two at least, everywhere; half the cores above that, as before.
  workers: Math.max(2, Math.floor(os.availableParallelism() / 2)),
  retries: 0,
  // Bounds on a hang, not assertions: the suite must pass on a loaded 2-core machine (another CPU-heavy process
  // beside it), where one argon2id sign-in plus a page update can take seconds. A wait still waits for its own
  // answer; these only decide how long a wrong run takes to fail.
  timeout: 120_000,
  expect: { timeout: 20_000 },
  globalSetup: './test/e2e-electron/report-electron.ts',
  reporter: 'list',
  projects: [
    {
      name: 'harness-chromium',
      testDir: 'test/e2e',
      use: { browserName: 'chromium', launchOptions: chromiumLaunchOptions() },
    },
    // The desktop app (test/e2e-electron/launch-plan.ts): the dev binary or KEYWAY_E2E_APP, under Xvfb when
    // Linux has no display, with its own profile and keychain. A cold Electron start is slower than a tab.
    { name: 'electron', testDir: 'test/e2e-electron', timeout: 60_000 },
  ],
});
