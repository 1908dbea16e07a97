import { runCli } from '../../../server/cli/run-cli';
import { cliDatabaseEnv } from './server-fixture';

export interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

/**
 * Runs an admin CLI command in-process on `dataDir` and the database the test servers on `dataDir` use
 * (SQLite in it, or its PostgreSQL database under KEYWAY_TEST_ENGINE=postgres), with `env` on top.
 */
export async function cli(dataDir: string, env: Record<string, string>, ...argv: string[]): Promise<CliRun> {
  return bareCli(dataDir, { ...(await cliDatabaseEnv(dataDir)), ...env }, ...argv);
}

/** Runs an admin CLI command in-process on `dataDir` with exactly `env`, capturing its exit code and output lines. */
export async function bareCli(dataDir: string, env: Record<string, string>, ...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: { KEYWAY_DATA_DIR: dataDir, ...env },
    cwd: dataDir,
  });
  return { code, out, err };
}
