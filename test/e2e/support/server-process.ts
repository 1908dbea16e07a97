import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'server', 'cli.mjs');
const READY = /Keyway reference server ready: (\S+)/;

/**
 * The reference server as its own process (the built CLI, `serve`), so a test can kill it the way a
 * crash or a reboot would and start it again on the same port and data directory.
 */
export interface ServerProcess {
  readonly origin: string;
  readonly port: number;
  readonly dataDir: string;
  /** Everything it printed so far. */
  output(): string;
  /** Kills it (SIGKILL by default: no clean shutdown) and resolves once it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startServerProcess(options: {
  dataDir: string;
  port?: number;
  smtpPort?: number;
}): Promise<ServerProcess> {
  const args = ['serve', '--data-dir', options.dataDir, '--port', String(options.port ?? 0)];
  if (options.smtpPort !== undefined)
    args.push('--smtp-url', `smtp://127.0.0.1:${options.smtpPort}`, '--smtp-insecure');
  const child: ChildProcess = spawn(process.execPath, [cli, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
  return {
    origin,
    port: Number(new URL(origin).port),
    dataDir: options.dataDir,
    output: () => output,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await gone;
    },
  };
}

/** Runs an admin command of the built CLI on `dataDir` (e.g. create-user) and returns what it printed. */
async function serverCli(dataDir: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [cli, ...args, '--data-dir', dataDir], { cwd: root });
  return stdout;
}

/** Creates a user with a known password and a deployment for them; returns the authentication code. */
export async function deployUser(
  dataDir: string,
  user: { loginId: string; displayName: string; password: string },
): Promise<string> {
  await serverCli(dataDir, [
    'create-user',
    '--login-id',
    user.loginId,
    '--email',
    `${user.loginId}@example.com`,
    '--display-name',
    user.displayName,
    '--password',
    user.password,
  ]);
  const printed = await serverCli(dataDir, ['send-deployment', '--user', user.loginId]);
  const code = /Authentication code: (\S+)/.exec(printed)?.[1];
  if (!code) throw new Error(`send-deployment printed no code:\n${printed}`);
  return code;
}
