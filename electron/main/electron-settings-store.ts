import { app } from 'electron';
import { createFileSettingsStore } from '../core/adapters/file-settings-store';
import type { SettingsStore } from '../core/ports';

/**
 * Settings in the app's userData folder: the same `settings.json` electron-store used to write there,
 * now through core's store, so Electron and the harness share atomic writes, the last good copy and
 * the recovery of a damaged file.
 */
export function createElectronSettingsStore(): SettingsStore {
  return createFileSettingsStore(app.getPath('userData'));
}
