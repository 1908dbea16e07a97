// `npm start`: install what is missing, build, then launch Keyway in Electron, or, where no Electron
// binary is installed, in the browser harness. `npm run start:web` always uses the harness.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { findElectronBinary } from './lib/electron-binary.mjs';

const root = path.resolve(import.meta.dirname, '..');
const webOnly = process.argv.includes('--web');

function mustRun(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

mustRun(process.execPath, [path.join(root, 'scripts', 'setup.mjs')]);
mustRun('npm', ['run', '--silent', 'build']);

const electron = webOnly ? null : findElectronBinary(root);
if (!webOnly && electron === null) {
  console.log('No Electron binary is installed, so Keyway starts in the browser harness instead.');
}

const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const child =
  electron !== null
    ? spawn(electron, [root, ...process.argv.slice(2).filter((a) => a !== '--web')], { stdio: 'inherit', cwd: root })
    : spawn(process.execPath, [path.join(root, 'dist', 'harness', 'harness.mjs'), ...(hasDisplay ? ['--open'] : [])], {
        stdio: 'inherit',
        cwd: root,
      });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
