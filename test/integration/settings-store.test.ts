import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileSettingsStore } from '../../electron/core/adapters/file-settings-store';

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'keyway-settings-'));

describe('the file settings store', () => {
  it('creates an installation on first read and keeps it across instances', async () => {
    const dir = tempDir();
    const first = await createFileSettingsStore(dir).read();
    expect(first).toMatchObject({ version: 1, profiles: [], activeOrigin: null });
    await createFileSettingsStore(dir).write(first);
    expect((await createFileSettingsStore(dir).read()).installationId).toBe(first.installationId);
    expect(statSync(path.join(dir, 'settings.json')).mode & 0o077).toBe(0);
  });

  it('refuses a file from a newer Keyway with settings_corrupt; a damaged file is kept aside, never overwritten', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ version: 99 }));
    await expect(createFileSettingsStore(dir).read()).rejects.toMatchObject({ code: 'settings_corrupt' });
    // Restoring the last good copy is covered in fault-settings.test.ts; with none, Keyway starts fresh.
    const broken = tempDir();
    writeFileSync(path.join(broken, 'settings.json'), '{"version": 1, "profiles": [');
    const store = createFileSettingsStore(broken);
    expect(await store.read()).toMatchObject({ version: 1, profiles: [] });
    expect(store.takeRecovery?.()).toMatchObject({ outcome: 'reset' });
    const kept = readdirSync(broken).find((name) => name.startsWith('settings.json.corrupt-')) ?? '';
    expect(readFileSync(path.join(broken, kept), 'utf8')).toBe('{"version": 1, "profiles": [');
  });
});
