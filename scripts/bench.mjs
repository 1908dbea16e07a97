// `npm run bench [-- --quick]`: builds Keyway, bundles the benchmark (test/bench) next to it, and runs it
// inside a private keychain (the journeys store real tokens). Full runs write docs/benchmarks.{json,md};
// --quick (CI) only proves the benchmarks still work and writes dist/bench/.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';

const args = process.argv.slice(2);
const run = (command, commandArgs) => {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

if (!args.includes('--no-build')) run('npm', ['run', '--silent', 'build']);
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __kwCreateRequire } from 'node:module'; const require = __kwCreateRequire(import.meta.url);",
  },
};
await Promise.all([
  build({ ...common, entryPoints: ['test/bench/run.ts'], outfile: 'dist/bench/run.mjs' }),
  build({ ...common, entryPoints: ['test/bench/bench-server.ts'], outfile: 'dist/bench/bench-server.mjs' }),
  // Bundled whole, like core inside the app's main.cjs (only native add-ons stay outside): loading dozens of
  // separate packages through Node's ESM loader costs memory the app never pays.
  build({
    ...common,
    packages: undefined,
    external: ['keytar'],
    entryPoints: ['test/bench/core-memory.ts'],
    outfile: 'dist/bench/core-memory.mjs',
  }),
]);
run(process.execPath, [
  'scripts/with-keyring.mjs',
  process.execPath,
  'dist/bench/run.mjs',
  ...args.filter((arg) => arg !== '--no-build'),
]);
