import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Real `serve` processes (the bundled CLI, dist/server/cli.mjs) for tests of what only a process shows:
 * signals, draining, and several instances on one database behind a proxy. Build first
 * (`node scripts/build-node.mjs`, or `npm run build`).
 */
export const SERVER_BUNDLE = path.resolve(import.meta.dirname, '..', '..', 'dist', 'server', 'cli.mjs');

const READY_LINE = /^Keyway reference server ready: (\S+)$/m;

export interface ServeProcess {
  /** Where this process listens (not the public origin when one is given). */
  origin: string;
  dataDir: string;
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the first match of `pattern` in what it prints from now on or printed before. */
  waitForOutput(pattern: RegExp): Promise<string>;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ServeOptions {
  /** A postgres:// URL shared by every instance; without it, SQLite in the instance's own data dir. */
  databaseUrl?: string | undefined;
  /** The origin clients use (the proxy's): every instance writes it into codes and links. */
  publicOrigin?: string | undefined;
  /** Extra environment (KEYWAY_SECRET_KEY, KEYWAY_DRAIN_DELAY_SECONDS…). */
  env?: Record<string, string> | undefined;
  args?: readonly string[] | undefined;
  /** How long to wait for the ready line and /readyz. */
  timeoutMs?: number | undefined;
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it; it is released at once for the caller). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts one `serve` on 127.0.0.1 with a data dir of its own (removed when it exits), and resolves once
 * it printed its ready line and its /readyz answered 200.
 */
export async function startServeProcess(options: ServeOptions = {}): Promise<ServeProcess> {
  if (!existsSync(SERVER_BUNDLE))
    throw new Error(`${SERVER_BUNDLE} is missing: run node scripts/build-node.mjs first.`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-instance-'));
  const port = await freePort();
  const args = [SERVER_BUNDLE, 'serve', '--port', String(port), '--host', '127.0.0.1', ...(options.args ?? [])];
  if (options.databaseUrl !== undefined) args.push('--database', options.databaseUrl);
  if (options.publicOrigin !== undefined) args.push('--public-origin', options.publicOrigin);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, KEYWAY_DATA_DIR: dataDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const waiter of waiters) waiter();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      for (const waiter of waiters) waiter();
      resolve(code);
    }),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const waitForOutput = (pattern: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(output);
        if (match) {
          waiters.delete(check);
          resolve(match[0]);
        } else if (hasExited || child.exitCode !== null || child.signalCode !== null) {
          waiters.delete(check);
          reject(new Error(`serve exited before printing ${String(pattern)}:\n${output}`));
        }
      };
      waiters.add(check);
      check();
    });

  const origin = `http://127.0.0.1:${port}`;
  const instance: ServeProcess = {
    origin,
    dataDir,
    child,
    output: () => output,
    waitForOutput,
    exited,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  try {
    await withTimeout(waitForOutput(READY_LINE), options.timeoutMs ?? 30_000, 'the ready line');
    await withTimeout(waitUntilReady(origin, exited), options.timeoutMs ?? 30_000, '/readyz');
  } catch (error) {
    await instance.stop('SIGKILL');
    throw error;
  }
  return instance;
}

/** N instances on one database and one public origin, started one after another. */
export async function startServeInstances(count: number, options: ServeOptions): Promise<ServeProcess[]> {
  const instances: ServeProcess[] = [];
  try {
    for (let index = 0; index < count; index += 1) instances.push(await startServeProcess(options));
  } catch (error) {
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
    throw error;
  }
  return instances;
}

/** Polls /readyz until it answers 200; each poll waits for its own answer. */
async function waitUntilReady(origin: string, exited: Promise<number | null>): Promise<void> {
  const state = { gone: false };
  void exited.then(() => (state.gone = true));
  for (;;) {
    if (state.gone) throw new Error('serve exited before it was ready.');
    const status = await fetch(`${origin}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}.`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface RoundRobinProxy {
  origin: string;
  /** Which target served each request so far, in order. */
  served: string[];
  close(): Promise<void>;
}

/**
 * A tiny round-robin HTTP proxy on 127.0.0.1 (node:http), like a load balancer in front of instances:
 * each request goes to the next target; a target that refuses the connection (a killed instance) is
 * skipped and the request tried on the next. Bodies are buffered first (the API's are small), so a
 * retried request is sent whole. It adds X-Forwarded-For/-Proto/-Host as nginx does (docs/scale-out.md).
 */
export async function startRoundRobinProxy(targets: readonly string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const served: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const start = next;
      next = (next + 1) % targets.length;
      const attempt = (tried: number): void => {
        if (tried >= targets.length) {
          response.writeHead(502, { 'content-type': 'text/plain' }).end('No instance answered.');
          return;
        }
        const target = new URL(targets[(start + tried) % targets.length] ?? '');
        const upstream = http.request(
          {
            host: target.hostname,
            port: target.port,
            method: request.method,
            path: request.url,
            headers: {
              ...request.headers,
              'x-forwarded-for': request.socket.remoteAddress ?? '',
              'x-forwarded-proto': 'http',
              'x-forwarded-host': request.headers.host ?? '',
            },
          },
          (reply) => {
            served.push(target.origin);
            response.writeHead(reply.statusCode ?? 502, reply.headers);
            reply.pipe(response);
          },
        );
        upstream.on('error', (error: NodeJS.ErrnoException) => {
          // Only a refused connection is retried: nothing reached that instance, so nothing runs twice.
          if (error.code === 'ECONNREFUSED') attempt(tried + 1);
          else response.destroy(error);
        });
        upstream.end(body);
      };
      attempt(0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
