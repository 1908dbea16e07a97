// `npm test`: every check, in the order that fails fastest: lint, typecheck, build, unit, integration,
// integration on PostgreSQL, end-to-end, then the benchmarks in quick mode. Each test layer still runs when an earlier one failed,
// so one run shows everything; the last line sums up the counts across layers. Lint (eslint, prettier, knip:
// each one process on one core) runs beside typecheck, the checks and the build (tsc -b is one core too), so a
// 2-core box does both at once; its output is held back and printed in one block before the unit layer.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runSteps } from './lib/run-steps.mjs';

const root = path.resolve(import.meta.dirname, '..');
const reports = path.join(root, 'test-results', 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const npx = (...args) => ['npx', '--no-install', ...args];
const keyring = (...args) => [process.execPath, path.join(root, 'scripts', 'with-keyring.mjs'), ...args];

const steps = [
  {
    name: 'lint',
    command: ['npm', 'run', '--silent', 'lint'],
    beside: { until: 'unit', log: path.join(reports, 'lint.log') },
  },
  // Typecheck and build gate the test layers: tests of code that does not build mean nothing.
  { name: 'typecheck', gate: true, command: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'electron security check', command: ['npm', 'run', '--silent', 'security:electron'] },
  { name: 'electronegativity', command: ['npm', 'run', '--silent', 'security:electronegativity'] },
  { name: 'policy templates in sync', command: ['npm', 'run', '--silent', 'policy:check'] },
  // The one build of the run (stamped, so nothing after it builds again); the layers below run its dist/.
  { name: 'build', gate: true, command: ['node', path.join(root, 'scripts', 'ensure-build.mjs'), '--force'] },
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

process.exit(await runSteps(steps, { cwd: root }));
