import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../e2e/support/chromium';
import {
  bareRequestsPerSecond,
  callbackToHome,
  deepLinkToHome,
  harnessColdStart,
  loadRun,
  minimalReactBytes,
  rawHashThroughput,
  refreshesPerSecond,
  rendererInitialBytes,
  coreResidentAfterSignIn,
  harnessResidentAfterSignIn,
  ROOT,
  signInLatenciesInTurn,
  signInsPerSecond,
  withInstances,
  withServersOf,
  withServer,
  LOAD_USERS,
  type LoadResult,
  type Mode,
} from './measures';
import { adminUserListTimes } from './admin-users';
import { GAP_CAUSES } from './gap-causes';
import { canSplitCpu, cpuPerOperation, type CpuPerOperation } from './cpu-split';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster';
import { createDatabaseOn } from '../support/postgres-database';
import { median, percentile, round } from './stats';

/**
 * `npm run bench`: measures Keyway the way its users feel it and writes docs/benchmarks.{json,md}.
 * Each figure is the median of repeated runs, shown beside the floor it is measured against.
 * `--quick` (what CI runs) proves every benchmark still works, in seconds, and writes to dist/bench.
 */
interface Figure {
  id: string;
  name: string;
  unit: string;
  value: number;
  /** What the figure cannot beat on this machine, measured in the same run. */
  floor: { value: number; what: string } | null;
  budget: { text: string; met: boolean } | null;
  runs: number;
  note?: string;
}

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, out: { type: 'string' }, only: { type: 'string' } },
});
/** `--only size,start,memory,deeplink,oidc,throughput,cpu,load,growth,adminusers` runs a subset (while working on one of them). */
const SECTIONS = [
  'size',
  'start',
  'memory',
  'deeplink',
  'oidc',
  'throughput',
  'cpu',
  'load',
  'growth',
  'adminusers',
] as const;
const only = values.only?.split(',') ?? [...SECTIONS];
for (const name of only) {
  if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`--only: unknown section "${name}"`);
}
const wants = (section: (typeof SECTIONS)[number]): boolean => only.includes(section);
const mode: Mode = values.quick
  ? { quick: true, repeats: 2, throughputMs: 1_000, loadConnections: 50, loadSeconds: 3 }
  : { quick: false, repeats: 7, throughputMs: 5_000, loadConnections: 200, loadSeconds: 30 };
const THROUGHPUT_RUNS = values.quick ? 1 : 3;
const CLIENTS = 8;
// Only a full run of every section replaces the committed docs/benchmarks.*.
const outDir = values.out ?? (values.quick || values.only ? path.join(ROOT, 'dist', 'bench') : path.join(ROOT, 'docs'));

const figures: Figure[] = [];
const loads: Partial<Record<'SQLite' | 'PostgreSQL', LoadResult>> = {};
const log = (line: string): void => void process.stdout.write(`${line}\n`);
function add(figure: Figure): void {
  figures.push(figure);
  const floor = figure.floor
    ? ` (floor ${fmt(figure.floor.value)}, ×${fmt(figure.value / figure.floor.value, 2)})`
    : '';
  const budget = figure.budget ? ` — budget ${figure.budget.text}: ${figure.budget.met ? 'met' : 'MISSED'}` : '';
  log(`  ${figure.name}: ${fmt(figure.value)} ${figure.unit}${floor}${budget}`);
}
const fmt = (value: number, digits = 1): string => String(round(value, digits));

log(`Keyway benchmarks (${mode.quick ? 'quick: proves they run; figures are not meaningful' : 'full'})`);

// 1. Renderer weight.
if (wants('size')) {
  const { bytes, files } = rendererInitialBytes();
  const floor = await minimalReactBytes();
  const kb = bytes / 1024;
  add({
    id: 'renderer_initial_gzip_kb',
    name: 'Renderer: initial JS + CSS, gzipped',
    unit: 'KB',
    value: kb,
    floor: { value: floor / 1024, what: 'React 19 + ReactDOM rendering one element, minified, gzipped' },
    budget: { text: '≤ 150 KB', met: kb <= 150 },
    runs: 1,
    note: `deterministic; files: ${files.join(', ')}`,
  });
}

const browser = wants('start') || wants('memory') ? await chromium.launch(chromiumLaunchOptions()) : null;
try {
  // 2. Harness cold start.
  if (browser && wants('start')) {
    const { samples, floor } = await harnessColdStart(browser, mode);
    const value = median(samples);
    add({
      id: 'harness_cold_start_ms',
      name: 'Harness cold start to Welcome interactive (Chromium)',
      unit: 'ms',
      value,
      floor: { value: median(floor), what: 'a bare Node process serving an empty page to the same Chromium' },
      budget: { text: '≤ 400 ms', met: value <= 400 },
      runs: samples.length,
    });
  }

  // 6. Memory: core alone (the budget), and the whole harness process for reference.
  if (browser && wants('memory')) {
    const { samples: harness, floor } = await harnessResidentAfterSignIn(browser, mode);
    const samples = await coreResidentAfterSignIn(mode);
    const value = median(samples);
    add({
      id: 'core_rss_mb',
      name: 'Memory: resident size of core in Node after a full sign-in',
      unit: 'MB',
      value,
      floor: { value: median(floor), what: 'an idle Node process' },
      budget: { text: '≤ 80 MB', met: value <= 80 },
      runs: samples.length,
      note: 'core with its real keychain and settings adapters, alone in a Node process, 1 s after Home',
    });
    add({
      id: 'harness_rss_mb',
      name: 'Memory: the whole harness process after a sign-in through the UI',
      unit: 'MB',
      value: median(harness),
      floor: { value: median(floor), what: 'an idle Node process' },
      budget: null,
      runs: harness.length,
      note: 'core plus the dev harness’s static file server and WebSocket bridge (in the app, Electron’s main process hosts core)',
    });
  }
} finally {
  await browser?.close();
}

// 3. Deep link to Home, against the server's own password-hash time.
if (wants('deeplink')) {
  const hashTime = (await rawHashThroughput(1, mode.quick ? 300 : 2_000)).medianMs;
  const samples = await deepLinkToHome(mode);
  const value = median(samples);
  add({
    id: 'deep_link_to_home_ms',
    name: 'Deep link to Home (password, no MFA, loopback, no human delay)',
    unit: 'ms',
    value,
    floor: { value: hashTime, what: 'one argon2id verify with the server’s parameters' },
    budget: { text: '≤ floor + 150 ms', met: value <= hashTime + 150 },
    runs: samples.length,
  });
}

// 4. Unified login: callback to Home.
if (wants('oidc')) {
  const { samples, floor } = await callbackToHome(mode);
  const value = median(samples);
  add({
    id: 'oidc_callback_to_home_ms',
    name: 'Unified login: callback received to Home',
    unit: 'ms',
    value,
    floor: { value: median(floor), what: 'two bare loopback round trips to the same server' },
    budget: { text: '≤ 100 ms', met: value <= 100 },
    runs: samples.length,
  });
}

// The server sections on both engines: PostgreSQL is a throwaway cluster with its durable defaults (fsync
// on), a fresh database for each server, so every figure includes making each commit durable.
const needsPostgres = wants('throughput') || wants('cpu') || wants('load') || wants('growth') || wants('adminusers');
const postgres: PostgresCluster | null = needsPostgres ? await startPostgresCluster({ durable: true }) : null;
const freshDatabase = async (): Promise<string> => {
  if (!postgres) throw new Error('no PostgreSQL cluster');
  return (await createDatabaseOn(postgres.adminUrl)).url;
};
const ENGINES = ['SQLite', 'PostgreSQL'] as const;
const databaseFor = async (engine: (typeof ENGINES)[number]): Promise<string | undefined> =>
  engine === 'SQLite' ? undefined : freshDatabase();

try {
  // 5. Server throughput: sign-ins against raw hashing, token refreshes.
  if (wants('throughput')) {
    const signIns: { id: string; label: string; engine: (typeof ENGINES)[number]; instances: number }[] = [
      { id: 'server_sign_ins_per_second', label: 'SQLite', engine: 'SQLite', instances: 1 },
      { id: 'server_sign_ins_per_second_pg', label: 'PostgreSQL, 1 instance', engine: 'PostgreSQL', instances: 1 },
      { id: 'server_sign_ins_per_second_pg_2', label: 'PostgreSQL, 2 instances', engine: 'PostgreSQL', instances: 2 },
    ];
    for (const measure of signIns) {
      const raw: number[] = [];
      const served: number[] = [];
      for (let run = 0; run < THROUGHPUT_RUNS; run++) {
        raw.push((await rawHashThroughput(CLIENTS, mode.throughputMs)).verifiesPerSecond);
        const database = await databaseFor(measure.engine);
        served.push(
          await withInstances({ instances: measure.instances, ...(database ? { database } : {}) }, (servers) =>
            signInsPerSecond(
              servers.map((server) => server.origin),
              CLIENTS,
              mode.throughputMs,
            ),
          ),
        );
      }
      const value = median(served);
      const floor = median(raw);
      add({
        id: measure.id,
        name: `Server: password sign-ins per second, ${measure.label} (${String(CLIENTS)} clients, ${String(os.cpus().length)} cores)`,
        unit: '/s',
        value,
        floor: { value: floor, what: 'raw argon2id verifies per second, same library, parameters and concurrency' },
        budget: { text: 'ratio ≥ 0.85', met: value / floor >= 0.85 },
        runs: served.length,
        note:
          'for a rate, the floor is a ceiling: the ratio is the share of raw hashing throughput the server delivers' +
          (measure.instances > 1 ? '; the clients split evenly over the instances, which share the cores' : ''),
      });
    }

    for (const engine of ENGINES) {
      const database = await databaseFor(engine);
      const refresh = await withServer(database ? { database } : {}, async (server) => {
        const runs: { perSecond: number; latencies: number[] }[] = [];
        const bare: number[] = [];
        for (let run = 0; run < THROUGHPUT_RUNS; run++) {
          runs.push(await refreshesPerSecond(server.origin, CLIENTS, mode.throughputMs));
          bare.push(await bareRequestsPerSecond(server.origin, CLIENTS, mode.throughputMs));
        }
        return { runs, bare };
      });
      const latencies = refresh.runs.flatMap((run) => run.latencies);
      const value = median(refresh.runs.map((run) => run.perSecond));
      const floor = median(refresh.bare);
      add({
        id: engine === 'SQLite' ? 'server_refreshes_per_second' : 'server_refreshes_per_second_pg',
        name: `Server: token refreshes per second, ${engine} (${String(CLIENTS)} clients)`,
        unit: '/s',
        value,
        floor: { value: floor, what: 'the cheapest API answer (401 from /me) at the same concurrency' },
        budget: { text: 'ratio ≥ 0.5', met: value / floor >= 0.5 },
        runs: refresh.runs.length,
        note: `p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms; every refresh rotates the token and commits durably`,
      });
    }
  }

  // 5b. Where the CPU of a sign-in and of a refresh goes (cpu-split.ts says why CPU time, not a profile):
  // on a machine whose cores the server, its hashing pool and PostgreSQL share, a rate's ceiling is the
  // floor's CPU cost over the operation's.
  if (wants('cpu')) {
    if (!canSplitCpu()) {
      log('  CPU split skipped: it reads /proc (Linux only), which this machine does not have.');
    } else {
      const hashing = await rawHashThroughput(CLIENTS, mode.throughputMs);
      for (const engine of ENGINES) {
        const database = await databaseFor(engine);
        const postmaster = engine === 'PostgreSQL' ? (postgres?.postmasterPid() ?? null) : null;
        await withServer(database ? { database } : {}, async (server) => {
          const seconds = mode.throughputMs / 1000;
          await signInsPerSecond(server.origin, CLIENTS, 1_000); // warm up: connections, JIT, caches
          // At least 16 operations each, however slow the machine is (a 1 s quick run can finish none).
          const atLeast16 = async (run: () => Promise<number>): Promise<number> => {
            let operations = 0;
            while (operations < 16) operations += await run();
            return operations;
          };
          const signIn = await cpuPerOperation(server.pid, postmaster, () =>
            atLeast16(async () =>
              Math.round((await signInsPerSecond(server.origin, CLIENTS, mode.throughputMs)) * seconds),
            ),
          );
          const refresh = await cpuPerOperation(server.pid, postmaster, () =>
            atLeast16(
              async () => (await refreshesPerSecond(server.origin, CLIENTS, mode.throughputMs)).latencies.length,
            ),
          );
          const bare = await cpuPerOperation(server.pid, postmaster, () =>
            atLeast16(async () =>
              Math.round((await bareRequestsPerSecond(server.origin, CLIENTS, mode.throughputMs)) * seconds),
            ),
          );
          const split = (cpu: CpuPerOperation): string =>
            `server event loop ${fmt(cpu.mainMs, 2)} ms, server’s other threads (hashing pool, GC) ${fmt(cpu.otherMs, 2)} ms` +
            (postmaster === null ? '' : `, PostgreSQL ${fmt(cpu.postgresMs, 2)} ms`) +
            `, the benchmark’s HTTP clients ${fmt(cpu.clientMs, 2)} ms (${String(cpu.operations)} operations)`;
          add({
            id: engine === 'SQLite' ? 'server_cpu_per_sign_in_ms' : 'server_cpu_per_sign_in_ms_pg',
            name: `Server: CPU time of one password sign-in, ${engine} (8 clients)`,
            unit: 'ms',
            value: signIn.totalMs,
            floor: {
              value: hashing.cpuMsPerVerify,
              what: 'CPU time of one raw argon2id verify, same parameters (no HTTP, no database)',
            },
            budget: null,
            runs: 1,
            note: `${split(signIn)}; with every core busy, CPU alone bounds the sign-in rate's ratio at about floor ÷ figure`,
          });
          add({
            id: engine === 'SQLite' ? 'server_cpu_per_refresh_ms' : 'server_cpu_per_refresh_ms_pg',
            name: `Server: CPU time of one token refresh, ${engine} (8 clients)`,
            unit: 'ms',
            value: refresh.totalMs,
            floor: {
              value: bare.totalMs,
              what: 'CPU time of the cheapest API answer (401 from /me), its HTTP client included',
            },
            budget: null,
            runs: 1,
            note: `${split(refresh)}; the floor: ${split(bare)}; with every core busy, CPU alone bounds the refresh rate's ratio at about floor ÷ figure`,
          });
        });
      }
    }
  }

  // 7. Load run: many clients, distinct users, on each engine.
  if (wants('load')) {
    for (const engine of ENGINES) {
      const result = await loadRun(mode, await databaseFor(engine));
      loads[engine] = result;
      const clean = result.unexpected === 0 && result.lostSessions === 0 && result.rateLimited === 0;
      add({
        id: engine === 'SQLite' ? 'load_run_p99_ms' : 'load_run_p99_ms_pg',
        name: `Load: ${String(mode.loadConnections)} concurrent clients, ${String(LOAD_USERS)} distinct users, ${String(mode.loadSeconds)} s, ${engine}, p99`,
        unit: 'ms',
        value: result.p99Ms,
        floor: null,
        budget: { text: 'zero errors, zero lost sessions', met: clean },
        runs: 1,
        note: `${String(result.requests)} answers: ${String(result.signedIn)} signed in (${String(result.distinctUsers)} users), ${String(result.rateLimited)} rate-limited, ${String(result.unexpected)} other; p50 ${fmt(result.p50Ms)} ms; lost sessions: ${String(result.lostSessions)}; per-source sign-in limit raised for the run (bench-server --sign-in-limit)`,
      });
    }
  }

  // 8. Growth of sign-in time with the number of users.
  if (wants('growth')) {
    const sizes = mode.quick ? [1_000, 5_000] : [1_000, 10_000, 100_000];
    const samples = mode.quick ? 5 : 40;
    const hashTime = (await rawHashThroughput(1, mode.quick ? 300 : 2_000)).medianMs;
    for (const engine of ENGINES) {
      // One server per size, all running at once, sampled in turn (one sign-in of each size, then the
      // next round): a change of load on the machine then falls on every size alike. Measured one size
      // after another, the sizes met different machines (test/bench/gap-causes.ts, sign_in_growth_ms).
      const databases: (string | undefined)[] = [];
      while (databases.length < sizes.length) databases.push(await databaseFor(engine));
      const latencies = await withServersOf(
        sizes.map((users, index) => {
          const database = databases[index];
          return { users, ...(database === undefined ? {} : { database }) };
        }),
        (servers) =>
          signInLatenciesInTurn(
            servers.map((server, index) => ({ origin: server.origin, users: sizes[index] ?? 0 })),
            samples,
          ),
      );
      const medians = latencies.map((each) => median(each));
      const smallest = medians[0] ?? 0;
      const largest = medians.at(-1) ?? 0;
      add({
        id: engine === 'SQLite' ? 'sign_in_growth_ms' : 'sign_in_growth_ms_pg',
        name: `Server: one sign-in with ${sizes.at(-1)?.toLocaleString('en') ?? ''} users in the database, ${engine}`,
        unit: 'ms',
        value: largest,
        floor: { value: hashTime, what: 'one argon2id verify with the server’s parameters' },
        budget: {
          text: `≤ 1.2 × the time with ${sizes[0]?.toLocaleString('en') ?? ''} users`,
          met: largest <= smallest * 1.2,
        },
        runs: samples,
        note: sizes
          .map((users, index) => `${users.toLocaleString('en')} users: ${fmt(medians[index] ?? 0)} ms`)
          .join(', '),
      });
    }
  }

  // 9. Issue 18: the admin console's user list at 100,000 users (keyset pages, test/bench/admin-users.ts).
  if (wants('adminusers')) {
    const users = mode.quick ? 5_000 : 100_000;
    const samples = mode.quick ? 5 : 50;
    for (const engine of ENGINES) {
      const times = await adminUserListTimes(await databaseFor(engine), users, samples);
      const slowest = Math.max(times.firstPageMs, times.deepPageMs, times.nameSearchMs);
      add({
        id: engine === 'SQLite' ? 'admin_user_list_ms' : 'admin_user_list_ms_pg',
        name: `Admin console: user list at ${users.toLocaleString('en')} users, slowest page shape, ${engine}`,
        unit: 'ms',
        value: slowest,
        floor: null,
        budget: { text: '< 100 ms', met: slowest < 100 },
        runs: samples,
        note: `first page ${fmt(times.firstPageMs)} ms, a page from the middle ${fmt(times.deepPageMs)} ms, display-name prefix ${fmt(times.nameSearchMs)} ms (50 rows each, medians, in process)`,
      });
    }
  }
} finally {
  postgres?.stop();
}

// ---- report ------------------------------------------------------------------------------------------
mkdirSync(outDir, { recursive: true });
const machine = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: round(os.totalmem() / 2 ** 30),
  quick: mode.quick,
};
writeFileSync(path.join(outDir, 'benchmarks.json'), `${JSON.stringify({ machine, figures, loads }, null, 2)}\n`);
writeFileSync(path.join(outDir, 'benchmarks.md'), markdown());
log(`Wrote ${path.relative(ROOT, path.join(outDir, 'benchmarks.json'))} and benchmarks.md.`);
const missed = figures.filter((figure) => figure.budget && !figure.budget.met);
if (missed.length > 0) log(`Budgets missed: ${missed.map((figure) => figure.id).join(', ')} (see the table).`);
// A missed budget is reported, not a crash: the full run's table explains the gap; quick mode only proves
// the benchmarks run. A benchmark that cannot run at all throws and fails the command.

/** "In this run, CPU alone caps the ratio at …": measured in the same run, so the cause is never stale. */
// (A function declaration is hoisted; a const table beside it would not be initialised yet when the report,
// written above, calls it.)
function cpuBound(id: string): string {
  /** The throughput figures whose CPU this run split (section 5b), and the CPU row that explains each. */
  const cpuRowOf: Record<string, string> = {
    server_sign_ins_per_second: 'server_cpu_per_sign_in_ms',
    server_sign_ins_per_second_pg: 'server_cpu_per_sign_in_ms_pg',
    server_sign_ins_per_second_pg_2: 'server_cpu_per_sign_in_ms_pg',
    server_refreshes_per_second: 'server_cpu_per_refresh_ms',
    server_refreshes_per_second_pg: 'server_cpu_per_refresh_ms_pg',
  };
  const row = figures.find((f) => f.id === cpuRowOf[id]);
  if (!row?.floor) return '';
  return (
    `**CPU, measured in this run:** one operation costs ${fmt(row.value, 2)} ms of CPU on this machine's cores ` +
    `(server, PostgreSQL and the benchmark's clients; split in the notes under "${row.name}") against ` +
    `${fmt(row.floor.value, 2)} ms for the floor's, so with every core busy in both runs, CPU alone bounds ` +
    `the ratio at about ${fmt(row.floor.value / row.value, 2)}. `
  );
}

function markdown(): string {
  const rows = figures.map((f) => {
    const floor = f.floor ? `${fmt(f.floor.value)} ${f.unit}` : '—';
    const ratio = f.floor ? `×${fmt(f.value / f.floor.value, 2)}` : '—';
    const budget = f.budget ? `${f.budget.text} ${f.budget.met ? '✅ met' : '❌ missed'}` : 'reported';
    return `| ${f.name} | **${fmt(f.value)} ${f.unit}** | ${floor} | ${ratio} | ${budget} | ${String(f.runs)} |`;
  });
  const floors = figures.filter((f) => f.floor).map((f) => `- **${f.name}**: floor = ${f.floor?.what ?? ''}.`);
  const notes = figures.filter((f) => f.note).map((f) => `- **${f.name}**: ${f.note ?? ''}.`);
  const gaps = figures
    .filter((f) => f.budget && !f.budget.met)
    .map(
      (f) =>
        `- **${f.name}** (${fmt(f.value)} ${f.unit}, budget ${f.budget?.text ?? ''}): ${cpuBound(f.id)}${GAP_CAUSES[f.id] ?? 'cause not yet known'}.`,
    );
  return [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\`${mode.quick ? ' --quick (NOT meaningful figures)' : ''} on ${machine.date.slice(0, 10)}:`,
    `Node ${machine.node}, ${String(machine.cores)} × ${machine.cpu}, ${String(machine.memoryGiB)} GiB. Each figure is the median`,
    'of the runs shown; the floor is measured in the same run on the same machine, and the ratio is figure ÷ floor.',
    '',
    '| Measure | Median | Floor | Ratio | Budget | Runs |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(gaps.length > 0 ? ['## Budgets missed, and why', '', ...gaps, ''] : []),
    '## What each floor is',
    '',
    ...floors,
    '',
    '## Notes',
    '',
    ...notes,
    '',
  ].join('\n');
}
