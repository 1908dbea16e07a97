import { app, ipcMain } from 'electron';
import ElectronStore from 'electron-store';
import { createFileSettingsStore } from '../core/adapters/file-settings-store';
import type { SettingsStore } from '../core/ports';

/**
 * The ipcMain channel electron-store registers, on first construction in the main process, so that a
 * renderer can `sendSync` for the userData path and app version (electron-store 11 index.js,
 * `initDataListener`). Keyway's renderer never uses electron-store, and nothing outside our own sender
 * check may answer a page over IPC, so it is removed as soon as the store exists (electron-store keeps
 * a module-level flag and never adds it again).
 */
export const ELECTRON_STORE_DATA_CHANNEL = 'electron-store-get-data';

/**
 * Settings in the app's userData folder through electron-store (conf's Electron subclass), configured
 * exactly as the harness configures conf (settingsDocumentOptions: Keyway's schema and migrations as
 * its serializer, no clearing of an invalid file), under core's thin layer that keeps the last good
 * copy, keeps a damaged file aside and tells the user once.
 */
export function createElectronSettingsStore(): SettingsStore {
  const directory = app.getPath('userData');
  return createFileSettingsStore(directory, Date.now, ({ configName, ...options }) => {
    // electron-store names the file by `name` and overwrites `configName` with it (index.js, constructor).
    const store = new ElectronStore({ ...options, name: configName ?? 'settings', cwd: directory });
    ipcMain.removeAllListeners(ELECTRON_STORE_DATA_CHANNEL);
    return store;
  });
}
