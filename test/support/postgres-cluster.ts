// vitest globalSetup (integration project): one throwaway PostgreSQL cluster per test run, in a temp
// directory, on a free 127.0.0.1 port, removed afterwards. Test files get a database each from
// test/support/postgres.ts. Debian's `postgresql` package provides the binaries (scripts/setup.mjs --test).
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres://… of the run's cluster, as its superuser, to the `postgres` maintenance database. */
    postgresAdminUrl: string;
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
}

/** Starts a throwaway cluster: initdb in a temp dir, a free 127.0.0.1 port, a log file (see runPostgres). */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-pg-'));
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  runPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  // fsync off: a test cluster has nothing to keep after a crash. Unix socket in our own temp dir.
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
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
    stop: () => {
      try {
        runPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startPostgresCluster();
  project.provide('postgresAdminUrl', cluster.adminUrl);
  return cluster.stop;
}

function postgresUser(): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('The postgres user does not exist.');
  return { uid, gid };
}
