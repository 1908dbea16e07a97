import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * A D-Bus session bus of a test's own, where a gnome-keyring can be started, locked, unlocked and
 * stopped, so keychain faults are real: a session with no Secret Service at all, a locked keyring, a
 * keyring that appears while Keyway runs. Nothing here touches the bus scripts/with-keyring.mjs made.
 * Linux only (dbus-daemon and gnome-keyring-daemon, which `npm test` installs).
 */
export interface PrivateBus {
  /** DBUS_SESSION_BUS_ADDRESS for processes that should use this bus. */
  readonly address: string;
  /** Starts gnome-keyring on this bus (its files under this bus's folder), unlocked unless told not to. */
  startKeyring(options?: { unlocked?: boolean }): Promise<Keyring>;
  /** Reads a secret from this bus's keychain in a separate process (keytar binds to one bus per process). */
  readSecret(service: string, account: string): Promise<string | null>;
  close(): Promise<void>;
}

interface Keyring {
  /** Locks the login keyring through the Secret Service API, as a screen lock or a timeout would. */
  lock(): Promise<void>;
  /** Unlocks it with its password through gnome-keyring's control socket, as the desktop login does. */
  unlock(): Promise<void>;
  stop(): Promise<void>;
}

const KEYRING_PASSWORD = 'keyway-test-keyring';
const run = promisify(execFile);

export async function startPrivateBus(): Promise<PrivateBus> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-bus-'));
  const config = path.join(dir, 'session.conf');
  // A session bus with no service directories: nothing is activated on demand, so no keychain
  // appears unless a test starts one.
  writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${path.join(dir, 'bus')}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  const daemon = spawn('dbus-daemon', ['--config-file', config, '--nofork', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const address = (await firstMatch(daemon, /^(unix:\S+)$/m, 'dbus-daemon')).trim();
  const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address };
  const keyrings: Keyring[] = [];

  return {
    address,
    async startKeyring(options = {}) {
      const unlocked = options.unlocked ?? true;
      const home = path.join(dir, 'keyring');
      const runtime = path.join(home, 'run');
      mkdirSync(runtime, { recursive: true, mode: 0o700 });
      // Its own files and runtime folder (the control socket is <runtime>/keyring/control), and no
      // GNOME_KEYRING_CONTROL inherited from with-keyring's daemon, which it would talk to instead.
      const clean = { ...env };
      delete clean.GNOME_KEYRING_CONTROL;
      const child = spawn(
        'gnome-keyring-daemon',
        ['--foreground', '--components=secrets', ...(unlocked ? ['--unlock'] : [])],
        { stdio: ['pipe', 'ignore', 'ignore'], env: { ...clean, XDG_DATA_HOME: home, XDG_RUNTIME_DIR: runtime } },
      );
      if (unlocked) child.stdin.end(KEYRING_PASSWORD);
      else child.stdin.end();
      await waitForName(env, 'org.freedesktop.secrets');
      const control = path.join(runtime, 'keyring');
      const keyring: Keyring = {
        lock: async () => {
          await run(
            'dbus-send',
            [
              '--session',
              '--print-reply',
              '--dest=org.freedesktop.secrets',
              '/org/freedesktop/secrets',
              'org.freedesktop.Secret.Service.Lock',
              'array:objpath:/org/freedesktop/secrets/collection/login',
            ],
            { env },
          );
        },
        unlock: () => unlockThroughControlSocket(path.join(control, 'control'), KEYRING_PASSWORD),
        stop: () => stop(child),
      };
      keyrings.push(keyring);
      return keyring;
    },
    async readSecret(service, account) {
      const script =
        "require('keytar').getPassword(process.argv[1], process.argv[2])" +
        '.then((v) => process.stdout.write(JSON.stringify(v)), (e) => { console.error(e.message); process.exit(1); })';
      const { stdout } = await run(process.execPath, ['-e', script, service, account], {
        env,
        cwd: path.resolve(import.meta.dirname, '..', '..', '..'),
      });
      return JSON.parse(stdout) as string | null;
    },
    async close() {
      await Promise.all(keyrings.map((k) => k.stop()));
      await stop(daemon);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function firstMatch(child: ChildProcess, pattern: RegExp, name: string): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output}`));
    });
  });
}

/** Waits until a service owns `name` on the bus (gnome-keyring claims it a moment after starting). */
async function waitForName(env: NodeJS.ProcessEnv, name: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { stdout } = await run(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        `string:${name}`,
      ],
      { env },
    );
    if (stdout.includes('boolean true')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nobody took ${name} on the private bus`);
}

/**
 * gnome-keyring's control protocol (what pam_gnome_keyring speaks at desktop login): a credentials
 * byte, then [length][op][length-prefixed arguments], big-endian; op 1 is UNLOCK; the answer is
 * [length][result], 0 meaning done.
 */
function unlockThroughControlSocket(socketPath: string, password: string): Promise<void> {
  const UNLOCK = 1;
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let answer = Buffer.alloc(0);
    socket.once('connect', () => {
      const secret = Buffer.from(password, 'utf8');
      const packet = Buffer.alloc(12 + secret.length);
      packet.writeUInt32BE(packet.length, 0);
      packet.writeUInt32BE(UNLOCK, 4);
      packet.writeUInt32BE(secret.length, 8);
      secret.copy(packet, 12);
      socket.write(Buffer.from([0]));
      socket.write(packet);
    });
    socket.on('data', (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      if (answer.length < 8) return;
      socket.end();
      const result = answer.readUInt32BE(4);
      if (result === 0) resolve();
      else reject(new Error(`gnome-keyring refused to unlock (result ${result})`));
    });
    socket.once('error', reject);
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await gone;
}
