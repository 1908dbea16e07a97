import { runCli } from '../../../server/cli/run-cli';

export interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

/** Runs an admin CLI command in-process on `dataDir` with `env`, capturing its exit code and output lines. */
export async function cli(dataDir: string, env: Record<string, string>, ...argv: string[]): Promise<CliRun> {
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
