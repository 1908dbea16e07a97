import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/e2e/support/chromium';

export default defineConfig({
  testDir: 'test',
  outputDir: 'test-results/playwright',
  fullyParallel: true,
  ...(process.env.CI ? { workers: 2 } : {}),
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  globalSetup: './test/e2e-electron/report-electron.ts',
  reporter: 'list',
  projects: [
    {
      name: 'harness-chromium',
      testDir: 'test/e2e',
      use: { browserName: 'chromium', launchOptions: chromiumLaunchOptions() },
    },
    { name: 'electron', testDir: 'test/e2e-electron' },
  ],
});
