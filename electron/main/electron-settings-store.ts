import Store from 'electron-store';
import { KeywayError } from '../../protocol/errors';
import type { SettingsStore } from '../core/ports';
import { migrateSettings } from '../core/settings/migrations';

/** Settings in the app's userData folder through electron-store (atomic writes, owner-only file). */
export function createElectronSettingsStore(): SettingsStore {
  let store: Store | null = null;
  const open = (): Store => {
    try {
      store ??= new Store({ name: 'settings', clearInvalidConfig: false, configFileMode: 0o600 });
      return store;
    } catch (error) {
      throw new KeywayError('settings_corrupt', 'Keyway cannot read its settings file.', { cause: error });
    }
  };
  return {
    read: () => Promise.resolve().then(() => migrateSettings(open().store)),
    write: (settings) =>
      Promise.resolve().then(() => {
        open().store = settings;
      }),
  };
}
