import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { Problem, PROBLEM_CONTENT_TYPE } from '../../../protocol/api';
import type { WireErrorCode } from '../../../protocol/errors';
import { startReferenceServer, type ReferenceServerOptions, type RunningServer } from '../../../server/index';
import { DATABASE_FILE, openStorage } from '../../../server/storage/database';
import { createPostgresDatabase } from '../../support/postgres';

export const ANA = {
  loginId: 'ana',
  email: 'ana@example.com',
  displayName: 'Ana Example',
  password: 'correct horse battery staple',
  aliases: ['ana@corp.onmicrosoft.com'],
} as const;

export interface TestServer {
  server: RunningServer;
  origin: string;
  dataDir: string;
  logLines: string[];
  /** The server's clock; move it with advance(). */
  now(): number;
  advance(ms: number): void;
}

/** A temp data dir, removed when the current test ends. */
export function tempDir(prefix = 'keyway-server-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The engine the server tests run on: SQLite in the data dir, or (KEYWAY_TEST_ENGINE=postgres, the
 * integration-postgres project of vitest.config.ts) a fresh PostgreSQL database per data dir on the run's
 * throwaway cluster, so every HTTP test of the server also runs on PostgreSQL.
 */
export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.KEYWAY_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/** PostgreSQL databases by data dir: a server restarted on the same data dir finds its data again. */
const databases = new Map<string, Promise<string>>();

/**
 * The PostgreSQL database the test servers on `dataDir` use (created on first ask, dropped when the test
 * ends), or undefined on SQLite, where the data dir itself holds the database. The admin CLI and the
 * secrets-at-rest checks use it to look at the same data as the server.
 */
export async function databaseUrlOf(dataDir: string): Promise<string | undefined> {
  if (TEST_ENGINE === 'sqlite') return undefined;
  let url = databases.get(dataDir);
  if (url === undefined) {
    // Already migrated (a copy of the run's template): the server finds its schema up to date, as on any
    // start after the first; the tests of migrating itself use empty databases (storage-engines, cli-database).
    url = createPostgresDatabase({ migrated: true }).then((created) => {
      onTestFinished(async () => {
        databases.delete(dataDir);
        await created.drop();
      });
      return created.url;
    });
    databases.set(dataDir, url);
  }
  return url;
}

/**
 * The environment that points the admin CLI at the same database as the test servers on `dataDir`:
 * nothing on SQLite (the CLI opens the data dir's file, as the server does), KEYWAY_DATABASE_URL on
 * PostgreSQL. Admin commands never migrate a PostgreSQL database, so its schema is brought up to date
 * first, as an operator's `migrate` would (idempotent: a server started on it finds it up to date).
 */
export async function cliDatabaseEnv(dataDir: string): Promise<Record<string, string>> {
  const url = await databaseUrlOf(dataDir);
  if (url === undefined) return {};
  const storage = await openStorage({ engine: 'postgres', url }, { migrations: 'apply' });
  await storage.close();
  return { KEYWAY_DATABASE_URL: url };
}

/**
 * The file's migrated SQLite database, made once: a data dir migrated by the code under test, whose file a new
 * test server's data dir starts from, as a server started after its first would find it. Copying a file is far
 * cheaper than applying every migration at each server's first start (about 0.3 s per start under load,
 * measured here). Removed when the worker exits.
 */
let migratedSqlite: Promise<string> | undefined;

function migratedSqliteFile(): Promise<string> {
  migratedSqlite ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-migrated-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    // Closing the only connection checkpoints the WAL into the file and removes it (SQLite's WAL docs), so the
    // one file holds the whole database: https://www.sqlite.org/wal.html#the_wal_file
    await (await openStorage({ engine: 'sqlite', dataDir: dir }, { migrations: 'apply' })).close();
    if (existsSync(path.join(dir, `${DATABASE_FILE}-wal`))) throw new Error('The migrated SQLite file kept a WAL.');
    return path.join(dir, DATABASE_FILE);
  })();
  return migratedSqlite;
}

/** A real reference server on 127.0.0.1:<ephemeral> with its own data dir and clock, closed after the test. */
export async function startTestServer(options: Partial<ReferenceServerOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  // A new data dir on SQLite starts from the migrated file (a given data dir is a restart: left as it is).
  if (options.dataDir === undefined && options.database === undefined && TEST_ENGINE === 'sqlite') {
    copyFileSync(await migratedSqliteFile(), path.join(dataDir, DATABASE_FILE));
  }
  let now = Date.now();
  const logLines: string[] = [];
  const database = options.database ?? (await databaseUrlOf(dataDir));
  const server = await startReferenceServer({
    log: (line) => logLines.push(line),
    clock: () => now,
    ...options,
    ...(database === undefined ? {} : { database }),
    dataDir,
  });
  onTestFinished(() => server.close());
  return {
    server,
    origin: server.origin,
    dataDir,
    logLines,
    now: () => now,
    advance(ms) {
      now += ms;
    },
  };
}

/** A server with Ana (password, alias) already created, without mail. */
export async function startServerWithAna(options: Partial<ReferenceServerOptions> = {}): Promise<TestServer> {
  const test = await startTestServer(options);
  await test.server.admin.createUser({ ...ANA, sendWelcomeEmail: false });
  return test;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function postJson(origin: string, pathname: string, body: unknown): Promise<JsonResponse> {
  const response = await fetch(`${origin}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return read(response);
}

export async function getJson(
  origin: string,
  pathname: string,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  return read(await fetch(`${origin}${pathname}`, { headers }));
}

async function read(response: Response): Promise<JsonResponse> {
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

/**
 * Checks that a response is an RFC 9457 problem with this code and status, valid against the protocol
 * schema, with no stack trace; returns it.
 */
export function expectProblem(response: JsonResponse, code: WireErrorCode, status: number): Problem {
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith(PROBLEM_CONTENT_TYPE)) throw new Error(`Expected a problem, got ${contentType}`);
  const problem = Problem.parse(response.body);
  if (problem.code !== code || problem.status !== status || response.status !== status) {
    throw new Error(`Expected ${status} ${code}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
  if (/\bat .+:\d+:\d+/.test(JSON.stringify(response.body))) throw new Error('The problem carries a stack trace.');
  return problem;
}
