import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the Electron binary is, or null when none is installed. Reads the electron package's
 * path.txt instead of require('electron'), which would try to download the binary on first use.
 */
export function findElectronBinary(root = process.cwd()) {
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name ?? 'electron');
    return existsSync(candidate) ? candidate : null;
  }
  if (name === null) return null;
  const candidate = path.join(pkg, 'dist', name);
  return existsSync(candidate) ? candidate : null;
}
