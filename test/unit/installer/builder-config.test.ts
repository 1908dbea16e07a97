import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'electron-builder';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { URL_SCHEMES } from '../../../electron/core/machine-policy/templates';

// electron-builder.yml, loaded and validated by electron-builder's own code (its JSON schema, scheme.json,
// through ajv), then checked for what Keyway needs of it.

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const config: Configuration = await getConfig(root, null, null);
const yaml = await readFile(path.join(root, 'electron-builder.yml'), 'utf8');

interface Target {
  target: string;
  arch?: string[];
}
const targetsOf = (platform: { target?: unknown } | null | undefined): Target[] =>
  (platform?.target as Target[] | undefined) ?? [];

describe('electron-builder.yml', () => {
  // ajv compiles electron-builder's whole schema first: seconds on a loaded machine, so no 5 s default.
  it("passes electron-builder's own schema validation", { timeout: 60_000 }, async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('names the app and ships only the client', () => {
    expect(config.appId).toBe('dev.keyway.app');
    expect(config.productName).toBe('Keyway');
    // electron-builder normalises `files` to file sets ({ filter: [...] }); flatten them back.
    const sets = (Array.isArray(config.files) ? config.files : [config.files]) as (string | { filter?: string[] })[];
    const patterns = sets.flatMap((set) => (typeof set === 'string' ? [set] : (set.filter ?? [])));
    expect(patterns).toEqual(
      expect.arrayContaining(['package.json', 'dist/electron/**', 'dist/renderer/**', '!node_modules/**']),
    );
    const modules = patterns.filter((pattern) => pattern.startsWith('node_modules/'));
    expect(modules.length).toBeGreaterThan(0);
    expect(modules.every((pattern) => pattern.startsWith('node_modules/keytar/'))).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.extraMetadata).toMatchObject({ main: 'dist/electron/main.cjs' });
  });

  it('builds every installer the design lists, no AppImage, each for the host architecture only', () => {
    expect(targetsOf(config.win).map((t) => t.target)).toEqual(['nsis', 'msi']);
    expect(targetsOf(config.mac).map((t) => t.target)).toEqual(['dmg', 'pkg']);
    // No AppImage: it aborts under Ubuntu 24.04's AppArmor sandbox rules (electron#42510) and cannot
    // register keyway:// at install time.
    expect(targetsOf(config.linux).map((t) => t.target)).toEqual(['deb', 'rpm']);
    expect(config.appImage).toBeUndefined();
    // keytar ships as installed (no rebuild): a target naming an arch would package the host's binary for
    // another architecture. Without one, electron-builder builds the host's (and afterPack checks it).
    expect(config.npmRebuild).toBe(false);
    for (const target of [...targetsOf(config.win), ...targetsOf(config.mac), ...targetsOf(config.linux)]) {
      expect(target.arch, target.target).toBeUndefined();
    }
  });

  it('NSIS: assisted, per-user or per-machine, our include; MSI: per-machine, silent-friendly', () => {
    expect(config.nsis).toMatchObject({
      oneClick: false,
      perMachine: false,
      allowElevation: true,
      include: 'build/installer.nsh',
      buildUniversalInstaller: false,
    });
    expect(config.msi).toMatchObject({ perMachine: true, runAfterFinish: false });
  });

  it('associates no file types', () => {
    expect(yaml).not.toMatch(/fileAssociations/);
    expect(config.fileAssociations).toBeUndefined();
    for (const platform of [config.win, config.mac, config.linux]) expect(platform?.fileAssociations).toBeUndefined();
  });

  it('registers keyway and dev.keyway.app (macOS CFBundleURLTypes, Linux MimeType come from here)', () => {
    const protocols = Array.isArray(config.protocols) ? config.protocols : [config.protocols];
    expect(protocols.flatMap((protocol) => protocol?.schemes ?? [])).toEqual([...URL_SCHEMES]);
  });

  it('gives every artifact a name with the version and the arch', () => {
    const patterns: Record<string, string | null | undefined> = {
      nsis: config.nsis?.artifactName,
      msi: config.msi?.artifactName,
      dmg: config.dmg?.artifactName,
      pkg: config.pkg?.artifactName,
      deb: config.deb?.artifactName ?? config.linux?.artifactName ?? config.artifactName,
      rpm: config.rpm?.artifactName ?? config.linux?.artifactName ?? config.artifactName,
    };
    for (const [target, pattern] of Object.entries(patterns)) {
      expect(pattern, target).toMatch(/\$\{version\}/);
      expect(pattern, target).toMatch(/\$\{arch\}/);
      expect(pattern, target).toMatch(/\.\$\{ext\}$/);
    }
  });

  it('points at hooks and resources that exist', () => {
    const files = [
      config.afterPack,
      config.msiProjectCreated,
      config.nsis?.include,
      config.deb?.afterInstall,
      config.deb?.afterRemove,
      config.rpm?.afterInstall,
      config.rpm?.afterRemove,
      config.win?.icon,
      config.mac?.icon,
      config.linux?.icon,
    ];
    for (const file of files) {
      expect(typeof file).toBe('string');
      expect(existsSync(path.join(root, file as string)), String(file)).toBe(true);
    }
  });

  it('reads signing secrets from the environment only', () => {
    expect(config.win?.signtoolOptions?.certificateFile).toBeUndefined();
    expect(config.win?.signtoolOptions?.certificatePassword).toBeUndefined();
    expect(config.mac?.identity).toBeUndefined();
    expect(config.forceCodeSigning).toBeUndefined();
    expect(config.mac?.notarize).toBe(true);
  });
});

describe('no secret in the packaging configuration or build resources', () => {
  const secretName = /(passw(or)?d|secret|token|api[_-]?key|private[_-]?key|credential|csc[_-]?link|csc[_-]?key)/i;
  const secretValue = [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
    /\bAKIA[0-9A-Z]{16}\b/, // AWS access key id
    /\bgh[pousr]_[A-Za-z0-9]{30,}\b/, // GitHub token
    /\b[A-Za-z0-9+/]{60,}={0,2}(?![A-Za-z0-9+/=])/, // a long base64 blob (a .p12 pasted inline)
  ];

  function* entries(value: unknown, where: string): Generator<[string, unknown]> {
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) yield* entries(child, `${where}.${key}`);
    } else {
      yield [where, value];
    }
  }

  it('the detectors catch what they are for', () => {
    for (const name of [
      'certificatePassword',
      'cscLink',
      'CSC_KEY_PASSWORD',
      'apiKey',
      'githubToken',
      'clientSecret',
    ]) {
      expect(secretName.test(name), name).toBe(true);
    }
    // Built at run time, so this file holds no secret-looking literal itself.
    const samples = [
      '-----BEGIN ' + 'PRIVATE KEY-----',
      'AKIA' + 'ABCDEFGHIJKLMNOP',
      'ghp_' + 'x'.repeat(36),
      'QUJD'.repeat(20),
    ];
    for (const sample of samples)
      expect(
        secretValue.some((pattern) => pattern.test(sample)),
        sample,
      ).toBe(true);
    expect(secretValue.some((pattern) => pattern.test('https://keyway.example.com/some/long/path'))).toBe(false);
  });

  it('has no key that holds a secret', () => {
    const offending = [...entries(config, 'config')].filter(
      ([where, value]) => secretName.test(where.split('.').at(-1) ?? '') && value !== undefined && value !== null,
    );
    expect(offending).toEqual([]);
  });

  it('has no value that looks like one, in electron-builder.yml or anything under build/', async () => {
    const files = ['electron-builder.yml'];
    for (const entry of await readdir(path.join(root, 'build'), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && !/\.(png|ico|icns)$/.test(entry.name)) {
        files.push(path.relative(root, path.join(entry.parentPath, entry.name)));
      }
    }
    const findings: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(root, file), 'utf8');
      for (const pattern of secretValue) if (pattern.test(text)) findings.push(`${file}: ${String(pattern)}`);
    }
    expect(findings).toEqual([]);
  });
});

describe('icons', () => {
  function pngSize(png: Buffer): { width: number; height: number } {
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
  }

  it('build/icon.png and build/icon-mac.png are 1024×1024 PNGs', async () => {
    for (const file of ['build/icon.png', 'build/icon-mac.png']) {
      expect(pngSize(await readFile(path.join(root, file))), file).toEqual({ width: 1024, height: 1024 });
    }
  });

  it('build/icon.ico holds 16 to 256 px images, each the size its entry says', async () => {
    const ico = await readFile(path.join(root, 'build/icon.ico'));
    expect(ico.readUInt16LE(2)).toBe(1);
    const sizes: number[] = [];
    for (let index = 0; index < ico.readUInt16LE(4); index++) {
      const entry = 6 + index * 16;
      const size = ico.readUInt8(entry) === 0 ? 256 : ico.readUInt8(entry);
      const offset = ico.readUInt32LE(entry + 12);
      const png = ico.subarray(offset, offset + ico.readUInt32LE(entry + 8));
      expect(pngSize(png)).toEqual({ width: size, height: size });
      sizes.push(size);
    }
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });

  it('build/icon.icns holds every macOS size up to 1024 px (ic10)', async () => {
    const icns = await readFile(path.join(root, 'build/icon.icns'));
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const found = new Map<string, number>();
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
      const png = icns.subarray(at + 8, at + icns.readUInt32BE(at + 4));
      found.set(icns.subarray(at, at + 4).toString('ascii'), pngSize(png).width);
    }
    expect(Object.fromEntries(found)).toEqual({
      icp4: 16,
      icp5: 32,
      icp6: 64,
      ic07: 128,
      ic08: 256,
      ic09: 512,
      ic10: 1024,
      ic11: 32,
      ic12: 64,
      ic13: 256,
      ic14: 512,
    });
  });
});
