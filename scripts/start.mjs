// `npm start`: install what is missing, build, start the embedded reference server with a demo user,
// then launch Keyway in Electron, or, where no Electron binary is installed, in the browser harness.
// `npm run start:web` always uses the harness. On Linux without a Secret Service, everything runs
// inside a private, unlocked gnome-keyring whose files persist in .keyway-dev/keyring.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findElectronBinary } from './lib/electron-binary.mjs';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const webOnly = args.includes('--web');
const dev = path.join(root, '.keyway-dev');
const serverPort = process.env.KEYWAY_SERVER_PORT ?? '7400';

function mustRun(command, commandArgs, env = process.env) {
  const result = spawnSync(command, commandArgs, {
    stdio: 'inherit',
    cwd: root,
    env,
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (process.env.KEYWAY_START_PREPARED !== '1') {
  mustRun(process.execPath, [path.join(root, 'scripts', 'setup.mjs')]);
  mustRun('npm', ['run', '--silent', 'build']);
  if (process.platform === 'linux' && !secretServiceAnswers()) {
    const hasKeyring = existsSync('/usr/bin/gnome-keyring-daemon') && existsSync('/usr/bin/dbus-run-session');
    if (hasKeyring) {
      console.log(
        'No Secret Service is running; starting a private, unlocked gnome-keyring for the demo (.keyway-dev/keyring).',
      );
      const env = { ...process.env, KEYWAY_START_PREPARED: '1', KEYWAY_KEYRING_DIR: path.join(dev, 'keyring') };
      mustRun(
        process.execPath,
        [path.join(root, 'scripts', 'with-keyring.mjs'), process.execPath, import.meta.filename, ...args],
        env,
      );
      process.exit(0);
    }
    console.log(
      'No Secret Service is running and gnome-keyring is not installed: sudo apt-get install gnome-keyring dbus',
    );
    console.log('Keyway will work, but cannot keep you signed in between starts.');
  }
}

/** True when a Secret Service answers on the session bus (keytar can list credentials). */
function secretServiceAnswers() {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) return false;
  const probe = spawnSync(
    process.execPath,
    ['-e', "require('keytar').findCredentials('Keyway probe').then(() => process.exit(0), () => process.exit(1))"],
    {
      cwd: root,
      timeout: 10_000,
      stdio: 'ignore',
    },
  );
  return probe.status === 0;
}

const children = [];
const stopAll = (code) => {
  for (const child of children) child.kill('SIGTERM');
  process.exit(code);
};
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll(0));

// The reference server on a fixed loopback port: deployment codes name it, so it must stay put across starts.
const server = spawn(
  process.execPath,
  [
    path.join(root, 'dist', 'server', 'cli.mjs'),
    'serve',
    '--data-dir',
    path.join(dev, 'server'),
    '--port',
    serverPort,
    '--seed-demo',
  ],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
children.push(server);
server.on('exit', (code) => {
  console.log(`The reference server stopped (exit code ${code}).`);
  stopAll(code ?? 1);
});
await new Promise((resolve) => {
  let output = '';
  server.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    output += chunk.toString();
    if (/Keyway reference server ready: /.test(output)) resolve();
  });
});

const profile = path.join(dev, 'profile');
const electron = webOnly ? null : findElectronBinary(root);
if (!webOnly && electron === null) {
  console.log('No Electron binary is installed, so Keyway starts in the browser harness instead.');
}
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const app =
  electron !== null
    ? spawn(electron, [root, ...args.filter((a) => a !== '--web')], { stdio: 'inherit', cwd: root })
    : spawn(
        process.execPath,
        [path.join(root, 'dist', 'harness', 'harness.mjs'), '--profile', profile, ...(hasDisplay ? ['--open'] : [])],
        { stdio: 'inherit', cwd: root },
      );
children.push(app);
if (electron === null) {
  console.log(
    `To open a keyway:// link in this Keyway (as the OS would): npm run open-link -- "keyway://deploy?code=…"`,
  );
}
app.on('exit', (code) => stopAll(code ?? 0));
