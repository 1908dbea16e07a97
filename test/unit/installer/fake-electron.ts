import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Stand-ins for Electron's distributions, so electron-builder can package offline (the real download is
 * blocked here). Each holds the one thing packaging inspects in the binary: the fuse wire, after
 * @electron/fuses' sentinel, with every fuse in a state Keyway's hook must change (or an untouched one).
 */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** Wire version 1, nine fuses, each set opposite to what Keyway wants (the ninth is not ours). */
export function fakeElectronBinary(): Buffer {
  const initial = '101011111';
  return Buffer.concat([
    Buffer.from('\u007fELF fake electron\n'),
    Buffer.from(FUSE_SENTINEL),
    Buffer.from([1, initial.length]),
    Buffer.from(initial),
    Buffer.from('\nend of fake electron\n'),
  ]);
}

async function common(dir: string): Promise<void> {
  await writeFile(path.join(dir, 'LICENSE'), 'MIT (fake)');
  await writeFile(path.join(dir, 'LICENSES.chromium.html'), '<html></html>');
  await writeFile(path.join(dir, 'version'), '45.4.1');
}

export async function fakeLinuxElectron(dir: string): Promise<string> {
  await mkdir(path.join(dir, 'resources'), { recursive: true });
  await writeFile(path.join(dir, 'electron'), fakeElectronBinary(), { mode: 0o755 });
  await writeFile(path.join(dir, 'chrome-sandbox'), 'fake', { mode: 0o755 });
  await common(dir);
  return dir;
}

export async function fakeWindowsElectron(dir: string): Promise<string> {
  await mkdir(path.join(dir, 'resources'), { recursive: true });
  await writeFile(path.join(dir, 'electron.exe'), fakeElectronBinary());
  await common(dir);
  return dir;
}

const plist = (entries: Record<string, string>) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
${Object.entries(entries)
  .map(([key, value]) => `<key>${key}</key><string>${value}</string>`)
  .join('\n')}
</dict></plist>
`;

export async function fakeMacElectron(dir: string): Promise<string> {
  const contents = path.join(dir, 'Electron.app', 'Contents');
  const framework = path.join(contents, 'Frameworks', 'Electron Framework.framework');
  const helper = path.join(contents, 'Frameworks', 'Electron Helper.app', 'Contents');
  for (const sub of [
    path.join(contents, 'MacOS'),
    path.join(contents, 'Resources'),
    framework,
    path.join(helper, 'MacOS'),
  ]) {
    await mkdir(sub, { recursive: true });
  }
  await writeFile(path.join(contents, 'MacOS', 'Electron'), 'fake', { mode: 0o755 });
  await writeFile(path.join(framework, 'Electron Framework'), fakeElectronBinary());
  await writeFile(path.join(helper, 'MacOS', 'Electron Helper'), 'fake', { mode: 0o755 });
  const info = {
    CFBundleIdentifier: 'com.github.Electron',
    CFBundleIconFile: 'electron.icns',
    CFBundleVersion: '45.4.1',
  };
  await writeFile(path.join(contents, 'Info.plist'), plist({ ...info, CFBundleExecutable: 'Electron' }));
  await writeFile(path.join(helper, 'Info.plist'), plist({ ...info, CFBundleExecutable: 'Electron Helper' }));
  await common(dir);
  return dir;
}
