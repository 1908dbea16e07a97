import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSettingsStore, settingsDocumentOptions } from '../../electron/core/adapters/file-settings-store';
import { migrateSettings } from '../../electron/core/settings/migrations';
import type { Settings } from '../../electron/core/settings/schema';
import { parseSettingsText } from '../../electron/core/settings/settings-text';

/**
 * Settings go through the library the design names (conf; electron-store, its Electron subclass, in the
 * app) configured once for both, under core's thin recovery layer. These prove that the library writes
 * the file, in Keyway's format, and that none of its own behaviours can drop a user's profile.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const dirs: string[] = [];
const tempDir = (prefix = 'keyway-conf-') => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const profile = (n: number): Settings['profiles'][number] => ({
  origin: `https://s${n}.example.com`,
  serverName: `Server ${n}`,
  user: { loginId: 'ana', displayName: 'Ana Example', email: 'ana@example.com' },
  signIn: { method: 'password' },
  features: { forgotPassword: false, manualLogin: true },
  acceptedLicenseVersion: null,
  preferences: { language: 'en' },
  createdAt: n,
});

function settingsWithProfile(): Settings {
  return { ...migrateSettings({}), profiles: [profile(1)], activeOrigin: profile(1).origin };
}

describe('settings through conf / electron-store', () => {
  it('the store writes through the library: what it saves is what conf, configured as in the app, reads', async () => {
    const dir = tempDir();
    const store = createFileSettingsStore(dir);
    const settings = { ...(await store.read()), profiles: [profile(1)], activeOrigin: profile(1).origin };
    const written: unknown[] = [];
    // The same factory signature main passes electron-store through: the library is what writes.
    const spied = createFileSettingsStore(dir, Date.now, (options) => {
      const conf = new Conf(options);
      return {
        get store() {
          return conf.store;
        },
        set store(value) {
          written.push(value);
          conf.store = value;
        },
      };
    });
    await spied.read();
    await spied.write(settings);
    expect(written).toEqual([settings]);
    expect(new Conf(settingsDocumentOptions(dir)).store).toEqual(settings);
    expect(await createFileSettingsStore(dir).read()).toEqual(settings);
  });

  it('conf, as configured, refuses a damaged file instead of clearing it (clearInvalidConfig off), and leaves it as it was', () => {
    const dir = tempDir();
    const file = path.join(dir, 'settings.json');
    for (const damaged of ['{"version": 1, "profiles": [', '{"version": 1, "profiles": "none"}', '']) {
      writeFileSync(file, damaged);
      expect(() => new Conf(settingsDocumentOptions(dir))).toThrow();
      expect(readFileSync(file, 'utf8')).toBe(damaged);
    }
  });

  it('conf never writes settings Keyway could not read back (its serializer is the zod schema)', async () => {
    const dir = tempDir();
    const store = createFileSettingsStore(dir);
    const good = { ...(await store.read()), profiles: [profile(1)], activeOrigin: profile(1).origin };
    await store.write(good);
    const bad = { ...good, profiles: [{ ...profile(2), origin: 'not a url' }] };
    await expect(store.write(bad)).rejects.toMatchObject({ code: 'internal' });
    expect(parseSettingsText(readFileSync(path.join(dir, 'settings.json'), 'utf8'))).toEqual({
      kind: 'good',
      settings: good,
    });
  });

  it('killed (SIGKILL) while saving through the store (conf → atomically): always the old or the new file; temp files swept', async () => {
    const dir = tempDir('keyway-conf-kill-');
    const settings = settingsWithProfile();
    const writer = path.join(tempDir('keyway-conf-writer-'), 'writer.mjs');
    await build({
      stdin: {
        contents: `
          import { createFileSettingsStore } from './electron/core/adapters/file-settings-store';
          const [dir, json] = process.argv.slice(2);
          const settings = JSON.parse(json);
          const profile = settings.profiles[0];
          const store = createFileSettingsStore(dir);
          await store.read();
          for (let n = 1; ; n++) {
            settings.profiles = Array.from({ length: 50 }, (_, i) => ({ ...profile, origin: 'https://s' + i + '.example.com', createdAt: n }));
            await store.write(settings);
            if (n === 1) process.stdout.write('writing\\n');
          }`,
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: writer,
      logLevel: 'silent',
      // A CommonJS dependency bundled into ESM needs require.
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    });
    await createFileSettingsStore(dir).write(settings);
    for (let round = 0; round < 15; round++) {
      const child = spawn(process.execPath, [writer, dir, JSON.stringify(settings)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 25));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      const parsed = parseSettingsText(readFileSync(path.join(dir, 'settings.json'), 'utf8'));
      expect(parsed.kind, `round ${round}`).toBe('good');
      // Opening needs no recovery and sweeps atomically's temp file, if the kill left one.
      const store = createFileSettingsStore(dir);
      expect((await store.read()).profiles.length).toBeGreaterThan(0);
      expect(store.takeRecovery?.()).toBeNull();
      expect(
        readdirSync(dir).filter((name) => name.includes('.tmp')),
        String(readdirSync(dir)),
      ).toEqual([]);
    }
  });
});
