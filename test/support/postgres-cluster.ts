// vitest globalSetup (integration project): one throwaway PostgreSQL cluster per test run, in a temp
// directory, on a free 127.0.0.1 port, removed afterwards. Test files get a database each from
// test/support/postgres.ts. Debian's `postgresql` package provides the binaries (scripts/setup.mjs --test).
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres://… of the run's cluster, as its superuser, to the `postgres` maintenance database. */
    postgresAdminUrl: string;
    /** The name of the run's database with every migration applied, to copy (postgres.ts `migrated`). */
    postgresMigratedTemplate: string;
  }
}

const POSTGRES_ROOT = '/usr/lib/postgresql';

function binDir(): string {
  const versions = existsSync(POSTGRES_ROOT)
    ? readdirSync(POSTGRES_ROOT)
        .filter((name) => existsSync(path.join(POSTGRES_ROOT, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      `PostgreSQL is not installed (no ${POSTGRES_ROOT}/<version>/bin/initdb): the integration suite runs every ` +
        'store on SQLite and PostgreSQL. Install it with `node scripts/setup.mjs --test` (apt-get install postgresql).',
    );
  }
  return path.join(POSTGRES_ROOT, newest, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Runs a PostgreSQL binary as the `postgres` user when we are root (initdb refuses root), else as us. */
function runPostgres(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [command, commandArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  // stdio to a pipe, not inherited: pg_ctl start is given -l, so its server never holds our pipe open
  // (without -l, spawnSync waits for the server's stdout to close, i.e. forever).
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(
      `${path.basename(bin)} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`,
    );
  }
}

export interface PostgresCluster {
  /** postgres://… as the superuser, to the `postgres` maintenance database. */
  adminUrl: string;
  /** Stops the cluster at once and removes its directory. */
  stop: () => void;
  /** The postmaster's process id (first line of postmaster.pid), for the benchmarks' CPU accounting. */
  postmasterPid: () => number;
}

/**
 * Starts a throwaway cluster: initdb in a temp dir, a free 127.0.0.1 port, a log file (see runPostgres).
 * Tests run it with fsync off (nothing to keep after a crash); `durable` keeps PostgreSQL's defaults, for
 * benchmarks whose figures must include making every commit durable.
 */
export async function startPostgresCluster(options: { durable?: boolean } = {}): Promise<PostgresCluster> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-pg-'));
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  runPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  // Unix socket in our own temp dir.
  const fsync = options.durable === true ? '' : ' -c fsync=off';
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${fsync} -c max_connections=200`;
  runPostgres(path.join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    path.join(dir, 'postgres.log'),
    '-o',
    serverOptions,
    '-w',
    'start',
  ]);
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    postmasterPid: () => Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    stop: () => {
      try {
        runPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The migrated template's name: one per cluster, and a cluster belongs to one run. */
const MIGRATED_TEMPLATE = 'keyway_migrated_template';

export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startPostgresCluster();
  try {
    await createMigratedTemplate(cluster.adminUrl);
  } catch (error) {
    cluster.stop();
    throw error;
  }
  project.provide('postgresAdminUrl', cluster.adminUrl);
  project.provide('postgresMigratedTemplate', MIGRATED_TEMPLATE);
  return cluster.stop;
}

/**
 * Migrates one database once for the run, with the code under test (so a new migration is in it), then
 * closes every connection to it and forbids new ones: CREATE DATABASE … TEMPLATE refuses a template anyone
 * is connected to ("source database … is being accessed by other users"), and a test that connected to
 * it by mistake could change what every later copy starts from.
 * https://www.postgresql.org/docs/current/manage-ag-templatedbs.html
 */
async function createMigratedTemplate(adminUrl: string): Promise<void> {
  // Imported here, not at the top: Playwright specs and the benchmarks import this module for its
  // cluster alone.
  const [{ createDatabaseOn, adminQuery }, { openStorage }] = await Promise.all([
    import('./postgres-database'),
    import('../../server/storage/database'),
  ]);
  const created = await createDatabaseOn(adminUrl);
  const storage = await openStorage({ engine: 'postgres', url: created.url }, { migrations: 'apply' });
  await storage.close();
  const name = new URL(created.url).pathname.slice(1);
  await adminQuery(adminUrl, async (client) => {
    await client.query(`ALTER DATABASE ${name} RENAME TO ${MIGRATED_TEMPLATE}`);
    await client.query(`ALTER DATABASE ${MIGRATED_TEMPLATE} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
  });
}

function postgresUser(): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('The postgres user does not exist.');
  return { uid, gid };
}
