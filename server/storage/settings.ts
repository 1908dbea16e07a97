import type { Db } from './database';

/** Facts the admin CLI needs from the last `serve`, since it runs without the server. */
export type SettingKey = 'public_origin' | 'server_name' | 'smtp_url';

export function readSetting(db: Db, key: SettingKey): string | undefined {
  return db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key)?.value;
}

export function writeSetting(db: Db, key: SettingKey, value: string | undefined): void {
  if (value === undefined) {
    db.prepare<[string]>('DELETE FROM settings WHERE key = ?').run(key);
    return;
  }
  db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}
