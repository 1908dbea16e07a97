import type { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The real electron-store (inlined by vitest.config.ts so that its `import electron` meets this
// stand-in: the `electron` package itself needs a binary). What the app's settings adapter must do
// with it: write settings.json in userData, and leave no electron-store IPC channel open, since
// any page that could reach ipcRenderer would get an answer outside Keyway's own sender check.
const fake = vi.hoisted(() => ({ userData: '', ipcMain: null as unknown as EventEmitter }));
vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  fake.ipcMain = new Emitter();
  const electron = {
    app: { getPath: () => fake.userData, getVersion: () => '0.1.0' },
    ipcMain: fake.ipcMain,
    shell: {},
  };
  return { default: electron, ...electron };
});

const { createElectronSettingsStore, ELECTRON_STORE_DATA_CHANNEL } =
  await import('../../electron/main/electron-settings-store');

afterEach(() => rmSync(fake.userData, { recursive: true, force: true }));

describe('the app settings adapter over electron-store', () => {
  it('writes settings.json in userData and leaves no electron-store IPC channel behind', async () => {
    fake.userData = mkdtempSync(path.join(tmpdir(), 'keyway-electron-store-'));
    const store = createElectronSettingsStore();
    const settings = await store.read();
    await store.write({ ...settings, activeOrigin: 'https://keyway.example' });

    expect(fake.ipcMain.listenerCount(ELECTRON_STORE_DATA_CHANNEL)).toBe(0);
    const onDisk = JSON.parse(readFileSync(path.join(fake.userData, 'settings.json'), 'utf8')) as {
      activeOrigin?: string;
    };
    expect(onDisk.activeOrigin).toBe('https://keyway.example');
  });
});
