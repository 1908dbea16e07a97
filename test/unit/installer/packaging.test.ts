import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { Arch, Platform, build, type AfterPackContext, type Configuration } from 'electron-builder';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { afterPack, type KeywayPackContext } from '../../../build/after-pack.mjs';
import { APP_ORIGIN, APP_PAGE_URL, resolveAppRequest } from '../../../electron/core/app-page/app-page';
import { msiProjectCreated } from '../../../build/msi-project-created.mjs';
import { fakeLinuxElectron, fakeMacElectron, fakeWindowsElectron } from './fake-electron';
import { CPU, PE, machO, peFile } from './native-headers';
import { parseXml } from './xml';

// Real electron-builder runs, offline: a stand-in Electron distribution (electronDist) replaces the blocked
// download, and each installer target is stopped just before the external tool it would fetch (fpm,
// appimagetool, makensis, WiX) through electron-builder's own `effectiveOptionComputed` test hook, or our
// MSI hook. Everything up to there is the real thing: the file set and app.asar, our afterPack fuses, the
// generated .desktop entry and deb/rpm scripts, the macOS Info.plist, the NSIS defines, the MSI project.

const root = path.resolve(import.meta.dirname, '..', '..', '..');
// The host's architecture: keytar ships as installed here, and afterPack refuses any other (native-arch.mjs).
const hostArch = process.arch === 'arm64' ? Arch.arm64 : Arch.x64;

const version = (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
let work = '';
const STALE = '// a stale main.cjs from an older build\n';
const started: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'keyway-packaging-'));
  // Package what the sources build today, never a stale dist/: the project's own build, as `npm run build`.
  // (No other unit test reads dist/; the layers that do run after this one in `npm test`.)
  // A stale bundle left behind must not be what gets packaged: mark one, the build must replace it.
  await mkdir(path.join(root, 'dist', 'electron'), { recursive: true });
  await writeFile(path.join(root, 'dist', 'electron', 'main.cjs'), STALE);
  for (const step of [['build:renderer'], ['build:node']]) {
    const result = spawnSync('npm', ['run', '--silent', ...step], { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`npm run ${step.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  }
}, 180_000);
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface Captured {
  desktop: Map<string, string>;
  fpm: Map<string, string[]>;
  scripts: Map<string, string>;
  nsis: Record<string, unknown>[];
}

async function pack(
  platform: Platform,
  targets: string[],
  arch: Arch,
  electronDist: string,
  config: Configuration = {},
): Promise<Captured> {
  const captured: Captured = { desktop: new Map(), fpm: new Map(), scripts: new Map(), nsis: [] };
  await build({
    projectDir: root,
    targets: platform.createTarget(targets, arch),
    publish: 'never',
    config: {
      electronDist,
      directories: { output: path.join(work, `${platform.name}-${targets.join('-')}`) },
      artifactBuildStarted: (event: { file: string }) => {
        started.push(path.basename(event.file));
      },
      ...config,
    },
    effectiveOptionComputed: async (options: unknown) => {
      if (Array.isArray(options) && Array.isArray(options[0])) {
        // deb / rpm: [fpm arguments, .desktop file]
        const [args, desktopFile] = options as [string[], string];
        const target = args[args.indexOf('--package') + 1] ?? '';
        captured.fpm.set(path.extname(target), args);
        captured.desktop.set(path.extname(target), await readFile(desktopFile, 'utf8'));
        for (const flag of ['--after-install', '--after-remove']) {
          const script = args[args.indexOf(flag) + 1];
          if (script !== undefined)
            captured.scripts.set(`${path.extname(target)}${flag}`, await readFile(script, 'utf8'));
        }
      } else if (Array.isArray(options)) {
        captured.nsis.push(options[0] as Record<string, unknown>);
      }
      return true;
    },
  });
  return captured;
}

/**
 * Our afterPack hook, after putting in place the keytar.node that a Windows or macOS build host would have
 * installed (this Linux host's is an ELF file, which the hook rightly refuses for those targets).
 */
function afterPackWithHostKeytar(bytes: Buffer, resources: (appOutDir: string) => string) {
  return async (context: AfterPackContext): Promise<void> => {
    const file = path.join(
      resources(context.appOutDir),
      'app.asar.unpacked',
      'node_modules',
      'keytar',
      'build',
      'Release',
      'keytar.node',
    );
    await writeFile(file, bytes);
    // electron-builder's context has all KeywayPackContext reads; its types put executableName on LinuxPackager only.
    await afterPack(context as unknown as KeywayPackContext);
  };
}
const windowsKeytar = afterPackWithHostKeytar(peFile(PE.x64), (out) => path.join(out, 'resources'));
const macKeytar = afterPackWithHostKeytar(machO(CPU.x64), (out) =>
  path.join(out, 'Keyway.app', 'Contents', 'Resources'),
);

// @electron/fuses' FuseState: the wire stores ASCII '0' and '1'.
const FuseState = { DISABLE: 48, ENABLE: 49 } as const;

function expectFusesFlipped(wire: Partial<Record<FuseV1Options, number>>): void {
  expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
  expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
  expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
  expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
  expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
  expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
  expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
}

describe('packaging with electron-builder, offline', { timeout: 180_000 }, () => {
  it('Linux --dir: main, preload and renderer in app.asar, all served by the app:// rule from inside it', async () => {
    const dist = await fakeLinuxElectron(path.join(work, 'electron-linux'));
    const log = vi.spyOn(console, 'log');
    try {
      await pack(Platform.LINUX, ['dir'], hostArch, dist);
      // afterPack read keytar.node's header and found it built for this target.
      expect(
        log.mock.calls.some(([line]) =>
          /^Native modules built for linux-(x64|arm64): keytar\.node\.$/.test(String(line)),
        ),
      ).toBe(true);
    } finally {
      log.mockRestore();
    }
    const app = path.join(work, 'linux-dir', hostArch === Arch.x64 ? 'linux-unpacked' : 'linux-arm64-unpacked');
    const asar = path.join(app, 'resources', 'app.asar');
    const files = listPackage(asar, { isPack: false }).map((file) => file.replaceAll('\\', '/'));

    // Only the client: main, preload, the renderer, package.json and keytar. No server, no harness, no maps.
    const outside = files.filter(
      (file) =>
        !/^\/(package\.json|dist|dist\/electron|dist\/renderer(\/.*)?|node_modules|node_modules\/keytar(\/.*)?)$/.test(
          file,
        ) && !/^\/dist\/electron\/(main|preload)\.cjs$/.test(file),
    );
    expect(outside).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining(['/dist/electron/main.cjs', '/dist/electron/preload.cjs', '/dist/renderer/index.html']),
    );
    expect(files.some((file) => file.endsWith('.map'))).toBe(false);
    expect(files.filter((file) => /^\/(server|dist\/server|dist\/harness|dist\/bench)(\/|$)/.test(file))).toEqual([]);
    expect(
      files.filter((file) => file.startsWith('/node_modules/') && !file.startsWith('/node_modules/keytar')),
    ).toEqual([]);
    const main = extractFile(asar, 'dist/electron/main.cjs').toString('utf8');
    for (const server of ['fastify', 'oidc-provider', 'better-sqlite3', '@node-rs/argon2', 'smtp-server']) {
      expect(main, server).not.toContain(server);
    }

    // What was packaged is what the sources build now (built in beforeAll), not an older dist/.
    expect(main).not.toContain(STALE.trim());
    for (const file of ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html']) {
      expect(extractFile(asar, file).equals(await readFile(path.join(root, file))), file).toBe(true);
    }
    // keytar: a static require in main.cjs, the binary outside the archive (native code cannot load from it).
    expect(main).toMatch(/\brequire\("keytar"\)/);
    expect(main).not.toMatch(/import\(["']keytar["']\)/);
    expect(files).toContain('/node_modules/keytar/package.json');
    expect(
      existsSync(path.join(app, 'resources', 'app.asar.unpacked', 'node_modules/keytar/build/Release/keytar.node')),
    ).toBe(true);
    const manifest = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ main: 'dist/electron/main.cjs', desktopName: 'keyway.desktop' });

    // The app:// rule (electron/core/app-page), applied to the archive: index.html, every asset it references,
    // and every other file of the renderer build resolve to a file inside app.asar, with a known type.
    const fromArchive = (url: string): { type: string; body: Buffer } => {
      const decision = resolveAppRequest('GET', url);
      if (!decision.ok) throw new Error(`${url}: refused (${decision.refusal})`);
      return {
        type: decision.contentType,
        body: extractFile(asar, ['dist', 'renderer', ...decision.segments].join('/')),
      };
    };
    const page = fromArchive(APP_PAGE_URL);
    expect(page.type).toBe('text/html; charset=utf-8');
    const html = page.body.toString('utf8');
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(
      (match) => new URL(match[1] ?? '', APP_PAGE_URL).href,
    );
    expect(references.some((url) => url.endsWith('.js'))).toBe(true);
    expect(references.some((url) => url.endsWith('.css'))).toBe(true);
    for (const url of references) {
      expect(url.startsWith(`${APP_ORIGIN}/`), url).toBe(true);
      expect(fromArchive(url).body.length, url).toBeGreaterThan(0);
    }
    // The packaged renderer runs React's production build (the one with "Minified React error"), though
    // beforeAll built it from inside vitest, which exports NODE_ENV=test to its children (scripts/build-renderer.mjs).
    expect(process.env.NODE_ENV).toBe('test');
    const scripts = references.filter((url) => url.endsWith('.js')).map((url) => fromArchive(url).body.toString());
    expect(scripts.some((script) => script.includes('Minified React error'))).toBe(true);
    const renderer = files.filter((file) => file.startsWith('/dist/renderer/') && path.extname(file) !== '');
    for (const file of renderer) {
      expect(fromArchive(`${APP_ORIGIN}/${file.slice('/dist/renderer/'.length)}`).body.length, file).toBeGreaterThan(0);
    }

    expectFusesFlipped(await getCurrentFuseWire(path.join(app, 'keyway')));
  });

  it('Linux deb and rpm: the .desktop entry handles both schemes with %U; the scripts register them', async () => {
    const dist = await fakeLinuxElectron(path.join(work, 'electron-linux-2'));
    const captured = await pack(Platform.LINUX, ['deb', 'rpm'], hostArch, dist);

    for (const target of ['.deb', '.rpm']) {
      const desktop = captured.desktop.get(target) ?? '';
      expect(desktop, target).toMatch(/^MimeType=x-scheme-handler\/keyway;x-scheme-handler\/dev\.keyway\.app;$/m);
      expect(desktop, target).toMatch(/^Exec=.* %U$/m);
    }
    for (const target of ['.deb', '.rpm']) {
      const args = captured.fpm.get(target) ?? [];
      expect(
        args.some((arg) => arg.endsWith('=/usr/share/applications/keyway.desktop')),
        target,
      ).toBe(true);
      const install = captured.scripts.get(`${target}--after-install`) ?? '';
      expect(install).toContain("APP_DIR='/opt/Keyway'");
      expect(install).toContain("EXECUTABLE='keyway'");
      expect(install).toMatch(
        /XDG_CONFIG_HOME=\/etc\/xdg xdg-mime default "\$DESKTOP_FILE" "x-scheme-handler\/\$scheme"/,
      );
      expect(install).toContain("SCHEMES='keyway dev.keyway.app'");
      expect(captured.scripts.get(`${target}--after-remove`)).toContain('/etc/xdg/mimeapps.list');
    }
    expect(started).toEqual(
      expect.arrayContaining([
        `Keyway-${version}-linux-${hostArch === Arch.x64 ? 'amd64' : 'arm64'}.deb`,
        `Keyway-${version}-linux-${hostArch === Arch.x64 ? 'x86_64' : 'aarch64'}.rpm`,
      ]),
    );
  });

  it('Windows MSI: our fragment lands in the real project, referenced from the product feature', async () => {
    const dist = await fakeWindowsElectron(path.join(work, 'electron-win'));
    let project = '';
    await pack(Platform.WINDOWS, ['msi'], Arch.x64, dist, {
      // The stand-in .exe is no PE file: no resource editing, no integrity resource, no signing.
      disableAsarIntegrity: true,
      afterPack: windowsKeytar,
      win: { signAndEditExecutable: false },
      msiProjectCreated: async (file: string) => {
        await msiProjectCreated(file);
        project = await readFile(file, 'utf8');
        throw new Error('stop before WiX (not available offline)');
      },
    }).catch((error: unknown) => {
      if (!(error instanceof Error) || !error.message.includes('stop before WiX')) throw error;
    });

    expect(parseXml(project).errors).toEqual([]);
    expect(project).toContain('<ComponentGroupRef Id="KeywayRegistry"/>');
    expect(project).toMatch(/<File Name="Keyway\.exe"[^>]*Id="mainExecutable"/);
    expect(project).toContain('Key="Software\\Classes\\keyway\\shell\\open\\command"');
    expect(project).toContain('Key="Software\\Classes\\dev.keyway.app\\shell\\open\\command"');
    expect(project).toContain('<Property Id="ALLUSERS" Secure="yes" Value="1"/>');
    expect(started).toContain(`Keyway-${version}-x64.msi`);
  });

  it('Windows NSIS: the per-arch installer name (then stops: 7-Zip and NSIS are downloaded tools)', async () => {
    const dist = await fakeWindowsElectron(path.join(work, 'electron-win-2'));
    let installer = '';
    await pack(Platform.WINDOWS, ['nsis'], Arch.x64, dist, {
      disableAsarIntegrity: true,
      afterPack: windowsKeytar,
      win: { signAndEditExecutable: false },
      artifactBuildStarted: (event: { file: string }) => {
        installer = path.basename(event.file);
        throw new Error('stop before 7-Zip (not available offline)');
      },
    }).catch((error: unknown) => {
      if (!(error instanceof Error) || !error.message.includes('stop before 7-Zip')) throw error;
    });
    expect(installer).toBe(`Keyway-Setup-${version}-x64.exe`);
  });

  it('macOS: CFBundleURLTypes for both schemes, the bundle id, asar integrity, fuses in the framework', async () => {
    const dist = await fakeMacElectron(path.join(work, 'electron-mac'));
    await pack(Platform.MAC, ['dir'], Arch.x64, dist, { mac: { notarize: false }, afterPack: macKeytar });
    const contents = path.join(work, 'mac-dir', 'mac', 'Keyway.app', 'Contents');
    const plist = await readFile(path.join(contents, 'Info.plist'), 'utf8');
    expect(plist).toMatch(/<key>CFBundleIdentifier<\/key>\s*<string>dev\.keyway\.app<\/string>/);
    expect(plist).toMatch(
      /<key>CFBundleURLSchemes<\/key>\s*<array>\s*<string>keyway<\/string>\s*<string>dev\.keyway\.app<\/string>\s*<\/array>/,
    );
    expect(plist).toContain('<key>ElectronAsarIntegrity</key>');
    expect(existsSync(path.join(contents, 'Resources', 'icon.icns'))).toBe(true);
    expectFusesFlipped(await getCurrentFuseWire(path.join(work, 'mac-dir', 'mac', 'Keyway.app')));
  });
});
