import { _electron as electron, expect, test } from '@playwright/test';
import { electronBinary, root, skipReason } from './electron-binary';

test.skip(electronBinary === null, skipReason);

test('the app window shows Welcome and serves the contract through the preload bridge', async () => {
  const app = await electron.launch({ executablePath: electronBinary ?? '', args: [root], cwd: root });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();
    await window.getByLabel('Deployment link or authentication code').press('k');
    await expect(window.getByRole('button', { name: 'Apply' })).toBeEnabled();
    // The page must not see Node or Electron internals: only the bridge.
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await window.evaluate(() => typeof (globalThis as { keyway?: unknown }).keyway)).toBe('object');
  } finally {
    await app.close();
  }
});
