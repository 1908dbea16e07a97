// Runs a command with a private, unlocked Secret Service (gnome-keyring on its own D-Bus session) on
// Linux, so keychain tests use a real keychain without touching the developer's own. Elsewhere, or
// when already inside one, it runs the command as it is.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: with-keyring <command> [args…]');
  process.exit(2);
}
const bin = (name) =>
  ['/usr/bin', '/bin', '/usr/local/bin'].map((dir) => path.join(dir, name)).find((p) => existsSync(p));
const canStartKeyring = process.platform === 'linux' && bin('dbus-run-session') && bin('gnome-keyring-daemon');

let result;
if (process.env.KEYWAY_PRIVATE_KEYRING === '1' || !canStartKeyring) {
  if (process.platform === 'linux' && !canStartKeyring && process.env.KEYWAY_PRIVATE_KEYRING !== '1') {
    console.log(
      'with-keyring: dbus-run-session or gnome-keyring-daemon is missing (apt-get install dbus gnome-keyring); using the session keychain as it is.',
    );
  }
  result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
} else {
  // The keyring files live in their own data directory (throwaway unless KEYWAY_KEYRING_DIR names
  // one), never in the user's ~/.local/share/keyrings.
  const data = process.env.KEYWAY_KEYRING_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'keyway-keyring-'));
  mkdirSync(data, { recursive: true, mode: 0o700 });
  const script = 'printf keyway | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"';
  result = spawnSync('dbus-run-session', ['--', 'sh', '-c', script, 'sh', command, ...args], {
    stdio: 'inherit',
    env: { ...process.env, XDG_DATA_HOME: data, KEYWAY_PRIVATE_KEYRING: '1' },
  });
}
process.exit(result.status ?? 1);
