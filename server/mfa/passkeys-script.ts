import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where the passkey pages load their one script from (script-src 'self'). */
export const PASSKEY_SCRIPT_PATH = '/assets/passkey.js';

let cached: Promise<string> | undefined;

/**
 * The passkey pages' script. The built server (dist/server/cli.mjs) has it beside itself as passkey.js,
 * bundled by scripts/build-node.mjs; run from source (tests, `tsx`), it is bundled once in memory with
 * the same esbuild options (a dev dependency, present wherever the sources are).
 */
export function passkeyScript(): Promise<string> {
  cached ??= load();
  return cached;
}

async function load(): Promise<string> {
  const built = fileURLToPath(new URL('./passkey.js', import.meta.url));
  if (existsSync(built)) return readFileSync(built, 'utf8');
  const { build } = await import('esbuild');
  const result = await build({ ...PASSKEY_SCRIPT_BUILD, write: false });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error('esbuild produced no passkey script.');
  return text;
}

/** Shared with scripts/build-node.mjs (which adds outfile): one IIFE for current browsers. */
const PASSKEY_SCRIPT_BUILD = {
  entryPoints: [fileURLToPath(new URL('./passkeys-browser/passkey-page.mjs', import.meta.url))],
  bundle: true,
  format: 'iife' as const,
  platform: 'browser' as const,
  target: 'es2020',
  minify: true,
  legalComments: 'none' as const,
  logLevel: 'warning' as const,
};
