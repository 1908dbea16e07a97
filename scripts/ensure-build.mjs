// Integration and end-to-end tests run the built dist/ (the harness, the server CLI, the renderer). A
// stale build would silently test old code, so every test layer that runs dist/ calls this first: it
// hashes every input of the build and rebuilds unless dist/ was built from exactly these inputs.
// `--force` always builds (npm test's build step), and records the stamp so the layers after it skip.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stampFile = path.join(root, 'dist', '.build-inputs');

/** What the build reads: the source trees and the files that configure it. */
const INPUT_DIRS = ['electron', 'server', 'protocol', 'renderer', 'assets'];
const INPUT_FILES = [
  'package.json',
  'package-lock.json',
  'vite.config.ts',
  'tsconfig.json',
  'tsconfig.base.json',
  'scripts/build-node.mjs',
  'scripts/build-renderer.mjs',
];
/** What the test layers run; each must exist for the build to count as done. */
const OUTPUTS = ['dist/electron/main.cjs', 'dist/harness/harness.mjs', 'dist/server/cli.mjs'];

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile()) yield full;
  }
}

function inputsHash() {
  const hash = createHash('sha256');
  const all = [
    ...INPUT_DIRS.flatMap((dir) => [...files(path.join(root, dir))]),
    ...INPUT_FILES.map((file) => path.join(root, file)).filter((file) => existsSync(file)),
  ];
  for (const file of all) {
    hash.update(path.relative(root, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const force = process.argv.includes('--force');
const wanted = inputsHash();
const built = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : null;
const complete = OUTPUTS.every((output) => existsSync(path.join(root, output)));
if (!force && built === wanted && complete) {
  console.log('dist/ is up to date with the sources (no build needed).');
  process.exit(0);
}
if (!force) console.log(built === null ? 'dist/ has no build stamp: building.' : 'dist/ is stale: building.');
const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
// The stamp is of the inputs as they were before the build started: an edit during the build makes the
// next run rebuild rather than trust a build that may predate it.
writeFileSync(stampFile, `${wanted}\n`);
