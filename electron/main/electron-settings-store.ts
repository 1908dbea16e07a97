import { app } from 'electron';
import ElectronStore from 'electron-store';
import { createFileSettingsStore } from '../core/adapters/file-settings-store';
import type { SettingsStore } from '../core/ports';

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
    return new ElectronStore({ ...options, name: configName ?? 'settings', cwd: directory });
  });
}
