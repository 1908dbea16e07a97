import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import type { Browser } from '@playwright/test';
import { z } from 'zod';
import { signInThroughProvider } from '../support/provider-pages';
import { deepLinkJourney, newCore, until } from './core-journeys';
import { repeat } from './stats';

/** Where the repository is: the bundle runs from dist/bench, the sources from test/bench. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BENCH_SERVER = path.join(ROOT, 'dist', 'bench', 'bench-server.mjs');
const HARNESS = path.join(ROOT, 'dist', 'harness', 'harness.mjs');
const CORE_MEMORY = path.join(ROOT, 'dist', 'bench', 'core-memory.mjs');
const PASSWORD = 'keyway-bench-2026';

export interface Mode {
  quick: boolean;
  /** Repeats of each latency measure (the figure is their median). */
  repeats: number;
  /** Length of each throughput run. */
  throughputMs: number;
  loadConnections: number;
  loadSeconds: number;
}

const tempDir = (prefix: string): string => mkdtempSync(path.join(os.tmpdir(), prefix));

// ---- child processes ---------------------------------------------------------------------------------

/** Spawns `args` with this Node and resolves with the first stdout line that matches `ready`. */
async function spawnUntil(
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start:\n${output}`)), 120_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const found = ready.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${String(code)}:\n${output}`)));
  });
  return { child, match };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const ServerInfo = z.object({
  origin: z.url(),
  issuer: z.url(),
  deepLinks: z.array(z.string()),
  pid: z.number().int().positive(),
});
type ServerInfo = z.infer<typeof ServerInfo>;

export interface ServerOptions {
  deepLinks?: number;
  productionLimits?: boolean;
  /** postgres://… to serve from PostgreSQL; SQLite in a temp data dir otherwise. */
  database?: string;
  /** Distinct users user0 … user<N-1> inserted before the start (bench-server.ts). */
  users?: number;
  /** Per-source sign-in limit per minute (all bench clients are 127.0.0.1). */
  signInLimit?: number;
  /** How many instances serve the database (PostgreSQL only); each its own process. */
  instances?: number;
}

/** Runs `work` against a fresh reference server (or several instances of one) in processes of their own. */
export async function withServer<T>(options: ServerOptions, work: (server: ServerInfo) => Promise<T>): Promise<T> {
  return withInstances(options, (servers) => {
    const [server] = servers;
    if (server === undefined) throw new Error('no server started');
    return work(server);
  });
}

/** Runs `work` against several fresh servers at once, each with its own options (and database). */
export async function withServersOf<T>(
  options: ServerOptions[],
  work: (servers: ServerInfo[]) => Promise<T>,
): Promise<T> {
  const [first, ...rest] = options;
  if (first === undefined) return work([]);
  return withServer(first, (server) => withServersOf(rest, (others) => work([server, ...others])));
}

export async function withInstances<T>(
  options: ServerOptions,
  work: (servers: ServerInfo[]) => Promise<T>,
): Promise<T> {
  const args = [BENCH_SERVER, 'serve', '--deep-links', String(options.deepLinks ?? 0)];
  if (options.productionLimits) args.push('--production-limits');
  if (options.database !== undefined) args.push('--database', options.database);
  if (options.signInLimit !== undefined) args.push('--sign-in-limit', String(options.signInLimit));
  const children: ChildProcess[] = [];
  try {
    const servers: ServerInfo[] = [];
    for (let index = 0; index < (options.instances ?? 1); index += 1) {
      // The first instance migrates and seeds; the others join the same database.
      const extra = index === 0 ? ['--users', String(options.users ?? 0)] : ['--joining'];
      const { child, match } = await spawnUntil([...args, ...extra], /^(\{.*\})$/m);
      children.push(child);
      servers.push(ServerInfo.parse(JSON.parse(match[1] ?? '')));
    }
    return await work(servers);
  } finally {
    await Promise.all(children.map(stop));
  }
}

const HashResult = z.object({
  verifiesPerSecond: z.number().positive(),
  medianMs: z.number().positive(),
  /** CPU time of the hashing process (all threads) per verify. */
  cpuMsPerVerify: z.number().positive(),
});

/** Raw argon2id verify throughput of the server's library and parameters, in a process of its own. */
export async function rawHashThroughput(concurrency: number, durationMs: number): Promise<z.infer<typeof HashResult>> {
  const args = [BENCH_SERVER, 'hash', '--concurrency', String(concurrency), '--duration-ms', String(durationMs)];
  const { child, match } = await spawnUntil(args, /^(\{.*\})$/m);
  await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
  return HashResult.parse(JSON.parse(match[1] ?? ''));
}

// ---- renderer size -----------------------------------------------------------------------------------

/** Initial JS and CSS of the built renderer, gzipped: what index.html loads before the first screen. */
export function rendererInitialBytes(): { bytes: number; files: string[] } {
  const dir = path.join(ROOT, 'dist', 'renderer');
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<script[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="(?:stylesheet|modulepreload)"[^>]+href="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+href="([^"]+)"[^>]+rel="(?:stylesheet|modulepreload)"/g),
  ].map((match) => match[1] ?? '');
  const unique = [...new Set(files)].filter((file) => /\.(m?js|css)$/.test(file));
  if (unique.length === 0) throw new Error('dist/renderer/index.html loads no script: run npm run build first');
  const contents = unique.map((file) => readFileSync(path.join(dir, file.replace(/^\.?\//, ''))));
  // Only the production bundle is the app's figure. A renderer built with another NODE_ENV (vitest exports
  // `test`, and `npm run bench -- --no-build` measures whatever dist/ holds) carries React's development
  // build, ~60 KB more: refuse it rather than report it. React's production build is the one that says
  // "Minified React error" (its development build has the full messages instead).
  if (!contents.some((content) => content.includes('Minified React error'))) {
    throw new Error('dist/renderer is not a production build (React development build inside): run npm run build');
  }
  const bytes = contents.reduce((sum, content) => sum + gzipSync(content).length, 0);
  return { bytes, files: unique };
}

/** The floor: React 19 + ReactDOM rendering one element, minified for production, gzipped. */
export async function minimalReactBytes(): Promise<number> {
  const result = await build({
    stdin: {
      contents: "import { createRoot } from 'react-dom/client'; createRoot(document.body).render(<p>Keyway</p>);",
      resolveDir: ROOT,
      loader: 'jsx',
    },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return gzipSync(result.outputFiles[0]?.contents ?? new Uint8Array()).length;
}

// ---- harness in Chromium -----------------------------------------------------------------------------

async function startHarness(profileDir: string, extra: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const { child, match } = await spawnUntil(
    [HARNESS, '--port', '0', '--profile', profileDir, ...extra],
    /Keyway harness ready: (\S+)/,
    // English, whatever this machine's locale: the benchmark clicks buttons by their English names.
    { LANG: 'C.UTF-8', LANGUAGE: '', LC_ALL: '', LC_MESSAGES: '' },
  );
  return { child, url: match[1] ?? '' };
}

/** Process start of the harness to the Welcome screen's field accepting input, in a warm Chromium. */
export async function harnessColdStart(browser: Browser, mode: Mode): Promise<{ samples: number[]; floor: number[] }> {
  const samples = await repeat(mode.repeats, async () => {
    const profileDir = tempDir('keyway-bench-profile-');
    // The browser and its tab are open already (as the user's browser is): the clock times Keyway.
    const context = await browser.newContext();
    const page = await context.newPage();
    const started = performance.now();
    const harness = await startHarness(profileDir);
    try {
      await page.goto(harness.url, { waitUntil: 'commit' });
      const field = page.getByRole('textbox').first();
      await field.waitFor({ state: 'visible' });
      await page.waitForFunction(() => {
        const input = document.querySelector('input');
        return input !== null && !input.disabled;
      });
      return performance.now() - started;
    } finally {
      await context.close();
      await stop(harness.child);
      rmSync(profileDir, { recursive: true, force: true });
    }
  });
  // The floor: a bare Node process serving an empty page over loopback, loaded by the same Chromium.
  const floor = await repeat(mode.repeats, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const started = performance.now();
    const script =
      "const s=require('node:http').createServer((q,r)=>r.end('<!doctype html><input>'));s.listen(0,'127.0.0.1',()=>console.log('ready http://127.0.0.1:'+s.address().port+'/'))";
    const { child, match } = await spawnUntil(['-e', script], /ready (\S+)/);
    try {
      await page.goto(match[1] ?? '', { waitUntil: 'commit' });
      await page.locator('input').waitFor();
      return performance.now() - started;
    } finally {
      await context.close();
      await stop(child);
    }
  });
  return { samples, floor };
}

/** Resident memory of electron/core alone in a Node process after a full deep-link sign-in. */
export async function coreResidentAfterSignIn(mode: Mode): Promise<number[]> {
  return withServer({ deepLinks: mode.repeats }, (server) =>
    repeat(mode.repeats, async (run) => {
      const { child, match } = await spawnUntil([CORE_MEMORY, server.deepLinks[run] ?? '', PASSWORD], /rss ([\d.]+)/);
      await stop(child);
      return Number(match[1]);
    }),
  );
}

/**
 * Resident memory of the harness process (core plus its static file server and WebSocket bridge) after a
 * full deep-link sign-in driven through the UI in Chromium; and the floor, an idle Node process.
 */
export async function harnessResidentAfterSignIn(
  browser: Browser,
  mode: Mode,
): Promise<{ samples: number[]; floor: number[] }> {
  const samples = await withServer({ deepLinks: mode.repeats }, (server) =>
    repeat(mode.repeats, async (run) => {
      const profileDir = tempDir('keyway-bench-profile-');
      const harness = await startHarness(profileDir, ['--open-url', server.deepLinks[run] ?? '']);
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await page.goto(harness.url);
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.getByRole('button', { name: 'Accept' }).click();
        await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await page.getByRole('button', { name: 'Apply' }).click();
        await page.getByRole('heading', { name: 'You are signed in' }).waitFor({ timeout: 15_000 });
        await new Promise((resolve) => setTimeout(resolve, 500)); // let the sign-in's garbage settle
        return residentMegabytes(harness.child.pid ?? 0);
      } finally {
        await context.close();
        await stop(harness.child);
        rmSync(profileDir, { recursive: true, force: true });
      }
    }),
  );
  const floor = await repeat(mode.repeats, async () => {
    const { child } = await spawnUntil(['-e', "console.log('idle'); setInterval(() => {}, 1000)"], /idle/);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return residentMegabytes(child.pid ?? 0);
    } finally {
      await stop(child);
    }
  });
  return { samples, floor };
}

function residentMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const kilobytes = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  if (!Number.isFinite(kilobytes)) throw new Error(`no VmRSS for process ${String(pid)}`);
  return kilobytes / 1024;
}

// ---- core against the server (engine timings) --------------------------------------------------------

/** A deep link handed to the running core, to Home: confirm, accept, password, all without delay. */
export async function deepLinkToHome(mode: Mode): Promise<number[]> {
  return withServer({ deepLinks: mode.repeats + 1 }, async (server) => {
    const once = (link: string): Promise<number> => deepLinkJourney(link, PASSWORD);
    await once(server.deepLinks[mode.repeats] ?? ''); // warm-up: first connections, JIT
    return repeat(mode.repeats, (run) => once(server.deepLinks[run] ?? ''));
  });
}

/**
 * Unified login: the system browser (scripted over HTTP) signs in at the provider; the clock runs from
 * the moment the loopback callback is requested to Home (code exchange + first API call + keychain).
 * The floor: two bare loopback round trips to the same server.
 */
export async function callbackToHome(mode: Mode): Promise<{ samples: number[]; floor: number[] }> {
  return withServer({}, async (server) => {
    const once = async (): Promise<number> => {
      let callbackAt = 0;
      let browserFailed: (error: unknown) => void = () => undefined;
      const failure = new Promise<never>((_resolve, reject) => {
        browserFailed = reject;
      });
      const core = newCore((url) => {
        const loopback = new URL(new URL(url).searchParams.get('redirect_uri') ?? '');
        signInThroughProvider(url, PASSWORD, (next) => next.host === loopback.host)
          .then(async (callback) => {
            callbackAt = performance.now();
            await fetch(callback);
          })
          .catch((error: unknown) => {
            browserFailed(new Error(`the scripted browser failed at the provider: ${String(error)}`));
          });
      });
      await core.start();
      const home = until(core, 'home', { license: () => core.send({ type: 'license.accepted' }) });
      core.send({ type: 'manualLogin.opened' });
      core.send({ type: 'manualLogin.changed', host: server.origin, loginId: 'una@example.com' });
      core.send({ type: 'next.pressed' });
      await Promise.race([home, failure]);
      const elapsed = performance.now() - callbackAt;
      await core.settled();
      return elapsed;
    };
    await once(); // warm-up
    const samples = await repeat(mode.repeats, once);
    const floor = await repeat(mode.repeats, async () => {
      const started = performance.now();
      for (let trip = 0; trip < 2; trip++) await (await fetch(`${server.origin}/api/v1/me`)).arrayBuffer();
      return performance.now() - started;
    });
    return { samples, floor };
  });
}

// ---- server throughput -------------------------------------------------------------------------------

const SignedIn = z.object({ accessToken: z.string(), refreshToken: z.string() });

async function signIn(origin: string): Promise<z.infer<typeof SignedIn>> {
  const response = await fetch(`${origin}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId: 'ana', password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`sign-in answered ${String(response.status)}`);
  return SignedIn.parse(await response.json());
}

/**
 * Password sign-ins per second the server completes with `connections` clients, for `durationMs`. With
 * several instances the clients are split evenly between them (a balancer's job, without its cost).
 */
export async function signInsPerSecond(
  origins: string | string[],
  connections: number,
  durationMs: number,
): Promise<number> {
  const targets = Array.isArray(origins) ? origins : [origins];
  const results = await Promise.all(
    targets.map((origin) =>
      autocannon({
        url: `${origin}/api/v1/sessions`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ loginId: 'ana', password: PASSWORD }),
        connections: Math.max(1, Math.round(connections / targets.length)),
        duration: durationMs / 1000,
      }),
    ),
  );
  const bad = results.reduce((sum, result) => sum + result.non2xx + result.errors, 0);
  if (bad > 0) throw new Error(`sign-in throughput run had ${String(bad)} non-2xx answers or errors`);
  return results.reduce((sum, result) => sum + result['2xx'], 0) / (durationMs / 1000);
}

/**
 * Times of one password sign-in (one client, one after another) of users picked across the whole
 * database, on each of several servers holding different numbers of users: how sign-in time grows with
 * the number of users (indexes, not scans). The servers are sampled in turn, one sign-in each per round,
 * so whatever else the machine does during the run weighs on every size alike. One array per server.
 */
export async function signInLatenciesInTurn(
  servers: { origin: string; users: number }[],
  samples: number,
): Promise<number[][]> {
  const latencies = servers.map((): number[] => []);
  for (let sample = 0; sample < samples; sample += 1) {
    for (const [which, { origin, users }] of servers.entries()) {
      // Spread over the id range, the newest and the oldest users included.
      const index = Math.floor(((sample + 0.5) / samples) * users);
      const t0 = performance.now();
      const response = await fetch(`${origin}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ loginId: `user${String(index)}`, password: PASSWORD }),
      });
      if (response.status !== 200) {
        throw new Error(`sign-in of user${String(index)} answered ${String(response.status)}`);
      }
      await response.arrayBuffer();
      latencies[which]?.push(performance.now() - t0);
    }
  }
  return latencies;
}

/** Refresh-token rotations per second: each client chains its own family (every token is single use). */
export async function refreshesPerSecond(
  origin: string,
  clients: number,
  durationMs: number,
): Promise<{ perSecond: number; latencies: number[] }> {
  const families = await Promise.all(Array.from({ length: clients }, () => signIn(origin)));
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    families.map(async (family) => {
      let token = family.refreshToken;
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const response = await fetch(`${origin}/api/v1/sessions/refresh`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: token }),
        });
        if (response.status !== 200) throw new Error(`refresh answered ${String(response.status)}`);
        token = SignedIn.parse(await response.json()).refreshToken;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { perSecond: latencies.length / ((performance.now() - started) / 1000), latencies };
}

/** The floor for refreshes: the same clients calling the cheapest API answer (401 from /me). */
export async function bareRequestsPerSecond(origin: string, clients: number, durationMs: number): Promise<number> {
  let count = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        await (await fetch(`${origin}/api/v1/me`)).arrayBuffer();
        count += 1;
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

// ---- load run ----------------------------------------------------------------------------------------

export interface LoadResult {
  requests: number;
  signedIn: number;
  rateLimited: number;
  /** Answers other than 200 and 429, connection errors and timeouts: each is a failure. */
  unexpected: number;
  p50Ms: number;
  p99Ms: number;
  /** Sessions handed out whose access token the server no longer accepts afterwards. */
  lostSessions: number;
  /** How many different accounts signed in. */
  distinctUsers: number;
}

/** Distinct users in the load run (issue 16: one account signing in 200 ways measured the rate limiter). */
export const LOAD_USERS = 1000;

/**
 * `connections` clients keep signing in for `seconds`, each request as the next of LOAD_USERS distinct
 * users, with the per-source limit raised (every client is 127.0.0.1): no refusal of any kind is
 * allowed, and every session handed out must still work afterwards.
 */
export async function loadRun(mode: Mode, database?: string): Promise<LoadResult> {
  const options: ServerOptions = { users: LOAD_USERS, signInLimit: 1_000_000 };
  if (database !== undefined) options.database = database;
  return withServer(options, async (server) => {
    const issued: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const result = await autocannon({
      url: server.origin,
      connections: mode.loadConnections,
      duration: mode.loadSeconds,
      timeout: 10,
      requests: [
        {
          method: 'POST',
          path: '/api/v1/sessions',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => {
            const user = next % LOAD_USERS;
            next += 1;
            return { ...request, body: JSON.stringify({ loginId: `user${String(user)}`, password: PASSWORD }) };
          },
          onResponse: (status: number, body: string) => {
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (status === 200) issued.push(SignedIn.parse(JSON.parse(body)).accessToken);
          },
        },
      ],
    });
    let lostSessions = 0;
    for (const accessToken of issued) {
      const me = await fetch(`${server.origin}/api/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      if (me.status !== 200) lostSessions += 1;
    }
    const signedIn = statuses.get(200) ?? 0;
    const rateLimited = statuses.get(429) ?? 0;
    const answered = [...statuses.values()].reduce((sum, n) => sum + n, 0);
    return {
      requests: answered,
      signedIn,
      rateLimited,
      unexpected: answered - signedIn - rateLimited + result.errors + result.timeouts,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      lostSessions,
      distinctUsers: Math.min(LOAD_USERS, next),
    };
  });
}
