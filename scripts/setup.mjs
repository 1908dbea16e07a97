// Installs what Keyway needs, idempotently: system packages (Debian/Ubuntu, when root), npm packages
// (only when package-lock.json or the Node ABI changed), and the Electron binary when it can be had.
// Uses Node built-ins only: it runs on a fresh clone before node_modules exists.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findElectronBinary } from './lib/electron-binary.mjs';

const root = path.resolve(import.meta.dirname, '..');
const forTests = process.argv.includes('--test');

// Build headers for keytar (libsecret), the keychain for the demo and tests; browser and X only for tests.
const APT_PACKAGES = [
  'libsecret-1-dev',
  'gnome-keyring',
  'dbus',
  // nsis: the installer-script test compiles build/installer.nsh with makensis (warnings as errors).
  // postgresql: the integration suite runs every store on SQLite and on a throwaway PostgreSQL cluster
  // (test/support/postgres-cluster.ts); the package's own cluster service is not used.
  ...(forTests ? ['chromium', 'xvfb', 'xauth', 'openssl', 'nsis', 'postgresql'] : []),
];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  return result.status === 0;
}

function installSystemPackages() {
  if (process.platform !== 'linux' || !existsSync('/usr/bin/dpkg')) return;
  const missing = APT_PACKAGES.filter(
    (name) =>
      spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes(
        'install ok installed',
      ) !== true,
  );
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.log(`setup: please install these system packages: sudo apt-get install ${missing.join(' ')}`);
    return;
  }
  console.log(`setup: installing system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (
    !run('apt-get', ['update', '-qq'], { env }) ||
    !run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env })
  ) {
    throw new Error(`setup: apt-get could not install ${missing.join(' ')}`);
  }
}

function installNodePackages() {
  const lock = readFileSync(path.join(root, 'package-lock.json'));
  const stamp = createHash('sha256')
    .update(lock)
    .update(process.versions.modules)
    .update(process.platform)
    .digest('hex');
  const stampFile = path.join(root, 'node_modules', '.keyway-install-stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  console.log('setup: installing npm packages (npm ci)');
  // The Electron binary is fetched separately below, so an offline machine still gets a full install.
  const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  if (!run(npm, ['ci', '--no-audit', '--no-fund'], { env, shell: process.platform === 'win32' })) {
    throw new Error('setup: npm ci failed (see above)');
  }
  writeFileSync(stampFile, stamp);
}

function fetchElectronBinary() {
  if (findElectronBinary(root) || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return;
  const ok =
    spawnSync(process.execPath, [path.join(root, 'node_modules', 'electron', 'install.js')], {
      stdio: 'ignore',
      cwd: root,
    }).status === 0;
  if (!ok)
    console.log('setup: the Electron binary could not be downloaded here; Keyway will run in the browser harness.');
}

try {
  installSystemPackages();
  installNodePackages();
  fetchElectronBinary();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
