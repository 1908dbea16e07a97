/**
 * The admin CLI's entry point, bundled to dist/server/cli.mjs (`npm run server -- <command>`).
 * The work is in cli/run-cli.ts so tests can call runCli directly.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { runCli } from './cli/run-cli';

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  const stop = new AbortController();
  // The first SIGINT/SIGTERM stops gracefully (serve drains its requests in flight); a second one, of
  // either kind, exits at once: an operator who asks twice does not want to wait.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!stop.signal.aborted) {
      stop.abort();
      return;
    }
    process.stderr.write(`${signal} again: stopping at once, without waiting for requests in flight.\n`);
    process.exit(1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.exitCode = await runCli(process.argv.slice(2), { signal: stop.signal });
}
