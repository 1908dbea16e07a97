import Conf from 'conf';
import { KeywayError } from '../../../protocol/errors';
import type { SettingsStore } from '../ports';
import { migrateSettings } from '../settings/migrations';
import type { Settings } from '../settings/schema';

/**
 * Settings in a JSON file in `directory`, through `conf` (electron-store's engine, which writes
 * atomically). Used by the harness; Electron uses electron-store over the same schema.
 */
export function createConfSettingsStore(directory: string): SettingsStore {
  let conf: Conf | null = null;
  const open = (): Conf => {
    try {
      conf ??= new Conf({ cwd: directory, configName: 'settings', clearInvalidConfig: false, configFileMode: 0o600 });
      return conf;
    } catch (error) {
      throw new KeywayError('settings_corrupt', `Keyway cannot read its settings file in ${directory}.`, {
        cause: error,
      });
    }
  };
  return {
    read: () => Promise.resolve().then(() => migrateSettings(open().store)),
    write: (settings: Settings) =>
      Promise.resolve().then(() => {
        open().store = settings;
      }),
  };
}
