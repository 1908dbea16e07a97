import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SessionTokens } from '../../../protocol/api';
import { runCli } from '../../../server/cli/run-cli';
import { expectProblem, postJson, startTestServer, tempDir, cliDatabaseEnv } from './server-fixture';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const bundle = path.join(root, 'dist', 'server', 'cli.mjs');

interface Run {
  code: number;
  out: string[];
  err: string[];
}

/** Runs the CLI in-process with KEYWAY_DATA_DIR pointing at the test's data dir. */
async function cli(dataDir: string, ...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    // The test servers' database on this data dir (PostgreSQL under KEYWAY_TEST_ENGINE=postgres).
    env: { KEYWAY_DATA_DIR: dataDir, ...(await cliDatabaseEnv(dataDir)) },
    cwd: dataDir,
  });
  return { code, out, err };
}

function field(lines: readonly string[], label: string): string {
  const line = lines.find((candidate) => candidate.trimStart().startsWith(`${label}:`));
  if (line === undefined) throw new Error(`No "${label}:" line in:\n${lines.join('\n')}`);
  return line.slice(line.indexOf(':') + 1).trim();
}

async function waitForLine(lines: readonly string[], pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = lines.find((candidate) => pattern.test(candidate));
    if (line !== undefined) return line;
    if (Date.now() > deadline) throw new Error(`No line matching ${String(pattern)} in:\n${lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const ana = ['--login-id', 'ana', '--email', 'ana@example.com', '--display-name', 'Ana Example'];

describe('the admin CLI', () => {
  it('creates and lists users, with a generated password and a welcome e-mail', async () => {
    const dataDir = tempDir();
    const created = await cli(
      dataDir,
      'create-user',
      ...ana,
      '--alias',
      'ana@corp.onmicrosoft.com',
      '--alias',
      'a.example',
    );
    expect(created.err).toEqual([]);
    expect(created.code).toBe(0);
    expect(created.out[0]).toBe(
      'Created user ana (Ana Example <ana@example.com>, aliases a.example, ana@corp.onmicrosoft.com).',
    );
    expect(field(created.out, 'Initial password')).toMatch(/^([0-9a-z]{4}-){5}[0-9a-z]{4}$/);
    expect(field(created.out, 'Welcome e-mail')).toMatch(
      new RegExp(`^saved to ${dataDir}/outbox/.+-welcome-.+\\.eml$`),
    );

    await cli(
      dataDir,
      'create-user',
      '--login-id',
      'bob',
      '--email',
      'bob@example.com',
      '--display-name',
      'Bob',
      '--password',
      'a long enough passphrase',
    );
    const listed = await cli(dataDir, 'list-users');
    expect(listed.code).toBe(0);
    expect(listed.out).toEqual([
      'LOGIN ID  E-MAIL           DISPLAY NAME  SIGN-IN   ALIASES',
      'ana       ana@example.com  Ana Example   password  a.example, ana@corp.onmicrosoft.com',
      'bob       bob@example.com  Bob           password',
    ]);
  });

  it('works on the database of a running server: deployment, reset-password, revoke-sessions', async () => {
    const { origin, dataDir } = await startTestServer();
    expect((await cli(dataDir, 'create-user', ...ana, '--password', 'first passphrase here')).code).toBe(0);

    // The CLI finds the running server's public origin in the data dir.
    const sent = await cli(dataDir, 'send-deployment', '--user', 'ANA@example.com', '--ttl-days', '2');
    expect(sent.code).toBe(0);
    expect(sent.out[0]).toMatch(
      /^Deployment for ana \(Ana Example <ana@example\.com>\), valid until \d{4}-\d\d-\d\d \d\d:\d\d UTC:$/,
    );
    const code = field(sent.out, 'Authentication code');
    expect(field(sent.out, 'Deep link')).toBe(`keyway://deploy?code=${code}`);
    expect(field(sent.out, 'Landing link')).toBe(`${origin}/deploy?code=${code}`);
    expect(field(sent.out, 'E-mail')).toMatch(/-deployment-.+\.eml$/);
    const redeemed = await postJson(origin, '/api/v1/deployments/redeem', {
      code,
      installationId: 'installation-aaaaaaaa',
    });
    expect(redeemed.status).toBe(200);

    const signIn = (password: string) => postJson(origin, '/api/v1/sessions', { loginId: 'ana', password });
    const tokens = SessionTokens.parse((await signIn('first passphrase here')).body);
    const reset = await cli(dataDir, 'reset-password', '--user', 'ana');
    expect(reset.code).toBe(0);
    expect(reset.out[0]).toBe('Password of ana reset; revoked 1 session.');
    const newPassword = field(reset.out, 'New password');
    expectProblem(
      await postJson(origin, '/api/v1/sessions/refresh', { refreshToken: tokens.refreshToken }),
      'session_invalid',
      401,
    );
    expect((await signIn(newPassword)).status).toBe(200);

    const revoked = await cli(dataDir, 'revoke-sessions', '--user', 'ana');
    expect(revoked.out).toEqual(['Revoked 1 session of ana.']);
  });

  it('names the missing or malformed option, and the unknown user', async () => {
    const dataDir = tempDir();
    const missing = await cli(dataDir, 'create-user', '--login-id', 'ana', '--display-name', 'Ana');
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toBe('error: --email is required.');

    const unknownOption = await cli(dataDir, 'revoke-sessions', '--usr', 'ana');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.err[0]).toMatch(/^error: Unknown option '--usr'/);

    const badTtl = await cli(dataDir, 'send-deployment', '--user', 'ana', '--ttl-days', 'soon');
    expect(badTtl.code).toBe(2);
    expect(badTtl.err[0]).toBe('error: --ttl-days must be a number of days, such as 7 or 0.5.');

    const badPort = await cli(dataDir, 'serve', '--port', '70000');
    expect(badPort.err[0]).toBe('error: --port must be a whole number from 0 to 65535.');

    const nobody = await cli(dataDir, 'reset-password', '--user', 'nobody');
    expect(nobody.code).toBe(1);
    expect(nobody.err).toEqual(['error: No user has the login ID, e-mail address or alias "nobody".']);

    const noOrigin = await cli(dataDir, 'create-user', ...ana);
    expect(noOrigin.code).toBe(0);
    const unsent = await cli(dataDir, 'send-deployment', '--user', 'ana');
    expect(unsent.code).toBe(1);
    expect(unsent.err[0]).toMatch(/public origin .* not known yet.*--public-origin/);

    const weak = await cli(dataDir, 'reset-password', '--user', 'ana', '--password', 'ana@example.com');
    expect(weak.code).toBe(1);
    expect(weak.err[0]).toMatch(/cannot be the same as the login ID/);

    const unknownCommand = await cli(dataDir, 'frobnicate');
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.err[0]).toMatch(/unknown command "frobnicate"/);
  });

  it('serve refuses plain http on every interface (0.0.0.0, ::), even with a plain-http loopback public origin', async () => {
    const dataDir = tempDir();
    for (const host of ['0.0.0.0', '::', '192.0.2.10']) {
      for (const extra of [[], ['--public-origin', 'http://127.0.0.1:7400']]) {
        const run = await cli(dataDir, 'serve', '--port', '0', '--host', host, ...extra);
        expect(run.code, `${host} ${extra.join(' ')}`).toBe(1);
        expect(run.err[0]).toMatch(
          new RegExp(`^error: Refusing to serve plain http on ${host.replace(/\./g, '\\.')}: `),
        );
        expect(run.err[0]).toMatch(/only served on a loopback address .*--public-origin https:/);
        expect(run.out.some((line) => line.startsWith('Keyway reference server ready'))).toBe(false);
      }
    }
    expect((await cli(dataDir, 'serve', '--port', '0', '--host', '0.0.0.0')).err[0]).toMatch(/every network interface/);
  });

  it('serve --seed-demo prints the demo block and the ready line, and stops on its signal', async () => {
    const dataDir = tempDir();
    for (const round of [1, 2]) {
      const out: string[] = [];
      const stop = new AbortController();
      const serving = runCli(['serve', '--port', '0', '--seed-demo', '--data-dir', dataDir], {
        out: (line) => out.push(line),
        err: (line) => out.push(line),
        env: {},
        cwd: dataDir,
        signal: stop.signal,
      });
      const ready = await waitForLine(out, /^Keyway reference server ready: /);
      const origin = ready.slice('Keyway reference server ready: '.length);
      expect(out.at(-1)).toBe(ready);
      expect(field(out, 'Server')).toBe(origin);
      expect(field(out, 'Demo user')).toBe('ana (Ana Example <ana@example.com>)');
      expect(field(out, 'Password')).toBe('keyway-demo-2026');
      const code = field(out, 'Authentication code');
      expect(field(out, 'Deep link')).toBe(`keyway://deploy?code=${code}`);
      expect(field(out, 'Landing link')).toBe(`${origin}/deploy?code=${code}`);
      expect(field(out, 'E-mails')).toBe(`saved as .eml files in ${dataDir}/outbox`);

      const config = await postJson(origin, '/api/v1/deployments/redeem', {
        code,
        installationId: `installation-${round}-xxxxxxx`,
      });
      expect(config.status, `round ${round}`).toBe(200);
      const signIn = await postJson(origin, '/api/v1/sessions', { loginId: 'ana', password: 'keyway-demo-2026' });
      expect(signIn.status).toBe(200);

      stop.abort();
      expect(await serving).toBe(0);
      await expect(fetch(`${origin}/downloads`)).rejects.toThrow();
    }
  });
});

describe('the bundled CLI', () => {
  beforeAll(() => {
    if (!existsSync(bundle))
      execFileSync(process.execPath, [path.join(root, 'scripts', 'build-node.mjs')], { cwd: root });
  });

  it('serves until SIGTERM', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, [bundle, 'serve', '--port', '0', '--seed-demo'], {
      env: { ...process.env, KEYWAY_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const origin = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const match = /^Keyway reference server ready: (\S+)$/m.exec(output);
          if (match?.[1]) {
            clearInterval(timer);
            resolve(match[1]);
          }
        }, 20);
        void exited.then((code) => {
          clearInterval(timer);
          reject(new Error(`The CLI exited with ${String(code)}:\n${output}`));
        });
      });
      expect(output).toContain('Authentication code: ');
      expect((await fetch(`${origin}/downloads`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
