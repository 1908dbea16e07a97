/** What the CLI talks to; tests pass their own to capture output and stop `serve`. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths (--data-dir, the default data dir) are resolved against this. */
  cwd: string;
  /** `serve` runs until this aborts, then closes the server and returns. */
  signal?: AbortSignal | undefined;
}

/** Wrong usage: a missing or malformed option. Exit code 2, like most CLIs. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
