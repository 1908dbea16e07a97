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
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  process.exitCode = await runCli(process.argv.slice(2), { signal: stop.signal });
}
