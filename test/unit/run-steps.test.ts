import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Step } from '../../scripts/lib/run-steps.mjs';

// The runner of `npm test` (scripts/test-all.mjs), run for real on small fake steps (node -e scripts): lint
// beside the next steps, its output held back and printed in one block, its failure failing the run.
const runner = pathToFileURL(path.resolve(import.meta.dirname, '../../scripts/lib/run-steps.mjs')).href;
let dir = '';
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const node = (source: string): string[] => [process.execPath, '-e', source];
/** A lint that can only end once typecheck has started: it waits (10 s at most) for the file typecheck writes. */
const lint = (exitCode: number): Step => ({
  name: 'lint',
  command: node(`
    const { existsSync } = require('node:fs');
    const until = Date.now() + 10_000;
    const poll = () => {
      if (existsSync(${JSON.stringify(path.join(dir, 'typecheck-started'))})) {
        console.error('lint: 3 problems in a.ts');
        process.exit(${exitCode});
      }
      if (Date.now() > until) { console.error('lint: typecheck never ran beside me'); process.exit(2); }
      setTimeout(poll, 20);
    };
    poll();`),
  beside: { until: 'unit', log: path.join(dir, 'lint.log') },
});
const typecheck = (exitCode = 0): Step => ({
  name: 'typecheck',
  gate: true,
  command: node(`
    require('node:fs').writeFileSync(${JSON.stringify(path.join(dir, 'typecheck-started'))}, '');
    console.log('typecheck says hello'); process.exit(${exitCode});`),
});
const unit: Step = { name: 'unit', command: node(`console.log('unit says hello')`) };

/** Runs the steps in a child Node (as `npm test` runs them): its whole output, in order, and its exit code. */
function runAll(steps: (() => Step)[]): { output: string; status: number | null } {
  const driver = path.join(dir, 'driver.mjs');
  writeFileSync(
    driver,
    `import { runSteps } from ${JSON.stringify(runner)};\n` +
      `process.exit(await runSteps(${JSON.stringify(steps.map((s) => s()))}, { cwd: ${JSON.stringify(dir)} }));\n`,
  );
  const result = spawnSync(process.execPath, [driver], { encoding: 'utf8' });
  return { output: result.stdout + result.stderr, status: result.status };
}

const fresh = (): void => {
  dir = mkdtempSync(path.join(tmpdir(), 'keyway-run-steps-'));
};

describe('npm test runs lint beside the next steps', () => {
  it('a failing lint fails the run (exit 1), named, with its output in one block before the unit layer', () => {
    fresh();
    const { output, status } = runAll([() => lint(1), () => typecheck(), () => unit]);
    expect(status).toBe(1);
    // Lint ended only because typecheck ran beside it.
    expect(output).not.toContain('never ran beside me');
    const block = output.indexOf('=== lint (ran beside the steps after it; its output) ===');
    expect(output.indexOf('typecheck says hello')).toBeLessThan(block);
    expect(output.indexOf('lint: 3 problems in a.ts')).toBeGreaterThan(block);
    expect(output.indexOf('=== lint: FAILED')).toBeGreaterThan(output.indexOf('lint: 3 problems in a.ts'));
    expect(output.indexOf('=== unit ===')).toBeGreaterThan(output.indexOf('=== lint: FAILED'));
    expect(output).toContain('unit says hello');
    expect(output).toMatch(/failed steps: lint\n/);
  });

  it('a passing lint lets the run pass', () => {
    fresh();
    const { output, status } = runAll([() => lint(0), () => typecheck(), () => unit]);
    expect(output).toContain('=== lint: ok');
    expect(output).not.toContain('failed steps');
    expect(status).toBe(0);
  });

  it('a failed gate stops the run before the layers, and lint is still waited for and reported', () => {
    fresh();
    const { output, status } = runAll([() => lint(1), () => typecheck(1), () => unit]);
    expect(status).toBe(1);
    expect(output).not.toContain('unit says hello');
    expect(output).toContain('lint: 3 problems in a.ts');
    expect(output).toMatch(/failed steps: typecheck, lint\n/);
    expect(existsSync(path.join(dir, 'lint.log'))).toBe(true);
  });
});
