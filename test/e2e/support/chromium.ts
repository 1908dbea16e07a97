import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';

/**
 * Playwright's own browser download cannot run here, so e2e uses the system Chromium (Debian's
 * /usr/bin/chromium) unless PLAYWRIGHT_CHROMIUM_EXECUTABLE points elsewhere. The flags stop Chromium
 * from calling home, which on a closed network only produces refused connections and noise.
 */
export function chromiumLaunchOptions(): LaunchOptions {
  const executablePath = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `No Chromium at ${executablePath}: install it (apt-get install chromium) or set PLAYWRIGHT_CHROMIUM_EXECUTABLE.`,
    );
  }
  return {
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  };
}
