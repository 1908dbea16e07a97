import { expect, it } from 'vitest';
import { readSetting, writeSetting } from '../../../server/storage/settings';
import { forEachEngine } from '../../support/engines';

forEachEngine('settings', (open) => {
  it('writes, overwrites and removes a setting without touching the others', async () => {
    const storage = await open();
    expect(await readSetting(storage, 'public_origin')).toBeUndefined();
    await writeSetting(storage, 'public_origin', 'https://id.example');
    await writeSetting(storage, 'server_name', 'Example');
    await writeSetting(storage, 'public_origin', 'https://id2.example');
    expect(await readSetting(storage, 'public_origin')).toBe('https://id2.example');
    await writeSetting(storage, 'public_origin', undefined);
    expect(await readSetting(storage, 'public_origin')).toBeUndefined();
    expect(await readSetting(storage, 'server_name')).toBe('Example');
  });
});
