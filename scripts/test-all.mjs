// `npm test`: every check, in the order that fails fastest: lint, typecheck, build, unit, integration,
// integration on PostgreSQL, end-to-end, then the benchmarks in quick mode. Each test layer still runs when an earlier one failed,
// so one run shows everything; the last line sums up the counts across layers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const reports = path.join(root, 'test-results', 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const npx = (...args) => ['npx', '--no-install', ...args];
const keyring = (...args) => [process.execPath, path.join(root, 'scripts', 'with-keyring.mjs'), ...args];

const steps = [
  { name: 'lint', command: ['npm', 'run', '--silent', 'lint'] },
  { name: 'typecheck', command: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'electron security check', command: ['npm', 'run', '--silent', 'security:electron'] },
  { name: 'electronegativity', command: ['npm', 'run', '--silent', 'security:electronegativity'] },
  { name: 'policy templates in sync', command: ['npm', 'run', '--silent', 'policy:check'] },
  // The one build of the run (stamped, so nothing after it builds again); the layers below run its dist/.
  { name: 'build', command: ['node', path.join(root, 'scripts', 'ensure-build.mjs'), '--force'] },
  // integration-postgres: the server's HTTP tests again, each server on a fresh PostgreSQL database.
  ...['unit', 'integration', 'integration-postgres'].map((layer) => ({
    name: layer,
    layer,
    report: path.join(reports, `${layer}.json`),
    command: keyring(
      ...npx(
        'vitest',
        'run',
        '--project',
        layer,
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${path.join(reports, `${layer}.json`)}`,
      ),
    ),
  })),
  {
    name: 'e2e',
    layer: 'e2e',
    report: path.join(reports, 'e2e.json'),
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reports, 'e2e.json') },
    command: keyring(...npx('playwright', 'test', '--reporter=list,json')),
  },
  // Benchmarks are not timed tests: quick mode only proves each one still runs (figures: docs/benchmarks.md).
  { name: 'benchmarks (quick)', command: ['node', path.join(root, 'scripts', 'bench.mjs'), '--quick', '--no-build'] },
];

const failed = [];
const counts = [];
for (const step of steps) {
  const gate = step.name === 'typecheck' || step.name === 'build';
  console.log(`\n=== ${step.name} ===`);
  const started = Date.now();
  const [command, ...args] = step.command;
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, env: { ...process.env, ...step.env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) failed.push(step);
  console.log(`=== ${step.name}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${seconds}s ===`);
  if (step.report) counts.push({ layer: step.layer, ...readCounts(step) });
  // Lint, typecheck and build gate the test layers: tests of code that does not build mean nothing.
  if (gate && result.status !== 0) break;
}

function readCounts(step) {
  if (!existsSync(step.report)) return { passed: 0, failed: 1, skipped: 0 };
  const report = JSON.parse(readFileSync(step.report, 'utf8'));
  if (step.layer === 'e2e') {
    const s = report.stats ?? {};
    return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0 };
  }
  return {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: report.numPendingTests + (report.numTodoTests ?? 0),
  };
}

console.log('');
for (const c of counts) console.log(`${c.layer}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
const total = counts.reduce(
  (sum, c) => ({ passed: sum.passed + c.passed, failed: sum.failed + c.failed, skipped: sum.skipped + c.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
if (failed.length > 0) console.log(`failed steps: ${failed.map((f) => f.name).join(', ')}`);
console.log(
  `${total.passed} passed, ${total.failed + (failed.length > 0 && total.failed === 0 ? failed.length : 0)} failed, ${total.skipped} skipped`,
);
process.exit(failed.length > 0 ? 1 : 0);
