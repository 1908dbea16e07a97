import { FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  afterPack,
  electronBinaryPath,
  fuseConfigFor,
  keywayFuses,
  type KeywayPackContext,
} from '../../../build/after-pack.mjs';
import { readdirSync, readFileSync } from 'node:fs';
import { APP_PAGE_URL } from '../../../electron/core/app-page/app-page';
import { fakeElectronBinary } from './fake-electron';
import { CPU, PE, machO, peFile, realKeytarNode } from './native-headers';

const ENABLE = 49; // '1' on the fuse wire
const DISABLE = 48; // '0'
const X64 = 1;
const ARM64 = 3;

let work = '';
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'keyway-fuses-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const KEYTAR = ['resources', 'app.asar.unpacked', 'node_modules', 'keytar', 'build', 'Release'];
async function shipKeytar(resourcesParent: string, bytes: Buffer): Promise<void> {
  const dir = path.join(resourcesParent, ...KEYTAR);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'keytar.node'), bytes);
}

function context(platform: string, appOutDir: string, arch = X64): KeywayPackContext {
  return {
    appOutDir,
    electronPlatformName: platform,
    arch,
    packager: { executableName: 'keyway', appInfo: { productFilename: 'Keyway' } },
  };
}

describe('the fuses Keyway ships with (build/after-pack.mjs)', () => {
  it('sets every fuse the issue lists', () => {
    expect(keywayFuses({})).toEqual({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
  });

  it('keeps file:// unprivileged, which is safe only because the app page is not a file:// page', () => {
    // With this fuse off a file:// page gets a browser's privileges only (an opaque origin, no asar-aware
    // loading): the renderer would be a blank window. It is served from app://keyway instead, so the fuse
    // can stay off. Pin the reason with the value: the page URL and no file:// loading anywhere in main.
    expect(keywayFuses({})[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
    expect(new URL(APP_PAGE_URL).protocol).toBe('app:');
    const mainDir = path.resolve(import.meta.dirname, '..', '..', '..', 'electron', 'main');
    const main = readdirSync(mainDir)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(path.join(mainDir, file), 'utf8'))
      .join('\n');
    expect(main).toContain('APP_PAGE_URL');
    expect(main).not.toMatch(/\.loadFile\(|pathToFileURL|['"`]file:\/\//);
  });

  it('keeps --inspect only for end-to-end builds (KEYWAY_E2E_BUILD=1), nothing else changes', () => {
    const e2e = keywayFuses({ KEYWAY_E2E_BUILD: '1' });
    expect(e2e[FuseV1Options.EnableNodeCliInspectArguments]).toBe(true);
    expect({ ...e2e, [FuseV1Options.EnableNodeCliInspectArguments]: false }).toEqual(keywayFuses({}));
    expect(keywayFuses({ KEYWAY_E2E_BUILD: 'true' })[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
  });

  it('finds the binary the way electron-builder lays it out', () => {
    expect(electronBinaryPath(context('linux', '/out'))).toBe(path.join('/out', 'keyway'));
    expect(electronBinaryPath(context('win32', '/out'))).toBe(path.join('/out', 'Keyway.exe'));
    expect(electronBinaryPath(context('darwin', '/out'))).toBe(path.join('/out', 'Keyway.app'));
    expect(electronBinaryPath(context('mas', '/out'))).toBe(path.join('/out', 'Keyway.app'));
  });

  it('re-signs ad hoc only for arm64 macOS, and only on a Mac (where codesign exists)', () => {
    expect(fuseConfigFor(context('darwin', '/o', ARM64), {}, 'darwin').resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfigFor(context('darwin', '/o', ARM64), {}, 'linux').resetAdHocDarwinSignature).toBe(false);
    expect(fuseConfigFor(context('darwin', '/o', X64), {}, 'darwin').resetAdHocDarwinSignature).toBe(false);
    expect(fuseConfigFor(context('linux', '/o', ARM64), {}, 'darwin').resetAdHocDarwinSignature).toBe(false);
  });

  it.each([
    ['linux', 'keyway'],
    ['win32', 'Keyway.exe'],
  ])('flips the wire of a %s binary and says so in one line', async (platform, binary) => {
    const out = path.join(work, platform);
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, binary), fakeElectronBinary());
    await shipKeytar(out, platform === 'win32' ? peFile(PE.x64) : realKeytarNode());
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await afterPack(context(platform, out), {});
      expect(log.mock.calls.filter(([line]) => String(line).startsWith('Electron fuses set'))).toHaveLength(1);
    } finally {
      log.mockRestore();
    }
    const wire = await getCurrentFuseWire(path.join(out, binary));
    expect(wire[FuseV1Options.RunAsNode]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ENABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(DISABLE);
    // A fuse Keyway does not name is left as Electron ships it.
    expect(wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(ENABLE);
  });

  it('flips the framework binary inside a macOS bundle', async () => {
    const framework = path.join(work, 'mac', 'Keyway.app', 'Contents', 'Frameworks', 'Electron Framework.framework');
    await mkdir(framework, { recursive: true });
    await writeFile(path.join(framework, 'Electron Framework'), fakeElectronBinary());
    await shipKeytar(path.join(work, 'mac', 'Keyway.app', 'Contents'), machO(CPU.x64));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await afterPack(context('darwin', path.join(work, 'mac'), X64), { KEYWAY_E2E_BUILD: '1' });
    } finally {
      log.mockRestore();
    }
    const wire = await getCurrentFuseWire(path.join(work, 'mac', 'Keyway.app'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(ENABLE);
  });

  it('fails the build, before touching the binary, when keytar.node is for another architecture', async () => {
    const out = path.join(work, 'linux-arm64');
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, 'keyway'), fakeElectronBinary());
    await shipKeytar(out, realKeytarNode()); // this host's x86-64 build
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await expect(afterPack(context('linux', out, ARM64), {})).rejects.toThrow(
        /keytar\.node is built for x64, but this build targets arm64/,
      );
    } finally {
      log.mockRestore();
    }
    expect((await getCurrentFuseWire(path.join(out, 'keyway')))[FuseV1Options.RunAsNode]).toBe(ENABLE);
  });
});
