import type { Storage } from './storage';

/** Facts the admin CLI needs from the last `serve`, since it runs without the server. */
export type SettingKey = 'public_origin' | 'server_name' | 'smtp_url' | 'audit_retention_days' | 'audit_sinks';

export async function readSetting(storage: Storage, key: SettingKey): Promise<string | undefined> {
  const row = await storage.q().selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function writeSetting(storage: Storage, key: SettingKey, value: string | undefined): Promise<void> {
  if (value === undefined) {
    await storage.q().deleteFrom('settings').where('key', '=', key).execute();
    return;
  }
  await storage
    .q()
    .insertInto('settings')
    .values({ key, value })
    .onConflict((conflict) => conflict.column('key').doUpdateSet({ value }))
    .execute();
}
