import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConfSettingsStore } from '../../electron/core/adapters/conf-settings-store';

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'keyway-settings-'));

describe('the file settings store', () => {
  it('creates an installation on first read and keeps it across instances', async () => {
    const dir = tempDir();
    const first = await createConfSettingsStore(dir).read();
    expect(first).toMatchObject({ version: 1, profiles: [], activeOrigin: null });
    await createConfSettingsStore(dir).write(first);
    expect((await createConfSettingsStore(dir).read()).installationId).toBe(first.installationId);
    expect(statSync(path.join(dir, 'settings.json')).mode & 0o077).toBe(0);
  });

  it('refuses a file from a newer Keyway and a damaged file with settings_corrupt', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ version: 99 }));
    await expect(createConfSettingsStore(dir).read()).rejects.toMatchObject({ code: 'settings_corrupt' });
    const broken = tempDir();
    writeFileSync(path.join(broken, 'settings.json'), '{"version": 1, "profiles": [');
    await expect(createConfSettingsStore(broken).read()).rejects.toMatchObject({ code: 'settings_corrupt' });
    // Nothing was overwritten: the damaged file is still there for recovery.
    expect(readFileSync(path.join(broken, 'settings.json'), 'utf8')).toBe('{"version": 1, "profiles": [');
  });
});
