// The step runner of `npm test` (scripts/test-all.mjs): steps in order, a summary, an exit code.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

/**
 * Runs `steps` in order with their output on the terminal, and returns the exit code of the whole run
 * (1 when any step failed). A step with `beside: { until, log }` starts at its place but does not hold up
 * the next ones: it runs beside them, its output going to the file `log` rather than the terminal (two
 * tools writing at once would interleave line by line), and before the step named `until` (or the end of
 * the run, or a gate that stops it) the runner waits for it, then prints its output and result in one block.
 * A failed step beside the others fails the run like any other; `gate` steps stop the run when they fail.
 */
export async function runSteps(steps, { cwd, write = (text) => process.stdout.write(text) }) {
  const failed = [];
  const counts = [];
  const besides = [];
  const say = (line) => write(`${line}\n`);

  const join = async (pending) => {
    for (const b of pending) {
      const status = await b.done;
      besides.splice(besides.indexOf(b), 1);
      say(`\n=== ${b.step.name} (ran beside the steps after it; its output) ===`);
      write(readFileSync(b.step.beside.log, 'utf8'));
      finish(b.step, status, b.started);
    }
  };
  const finish = (step, status, started) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (status !== 0) failed.push(step);
    say(`=== ${step.name}: ${status === 0 ? 'ok' : 'FAILED'} in ${seconds}s ===`);
    if (step.report) counts.push({ layer: step.layer, ...readCounts(step) });
  };

  for (const step of steps) {
    await join(besides.filter((b) => b.step.beside.until === step.name));
    const started = Date.now();
    if (step.beside) {
      say(`\n=== ${step.name}: started beside the next steps; its output follows when it ends ===`);
      const fd = openSync(step.beside.log, 'w');
      const done = run(step, cwd, ['ignore', fd, fd]).finally(() => closeSync(fd));
      besides.push({ step, started, done });
      continue;
    }
    say(`\n=== ${step.name} ===`);
    const status = await run(step, cwd, 'inherit');
    finish(step, status, started);
    if (step.gate && status !== 0) break;
  }
  await join([...besides]);

  say('');
  for (const c of counts) say(`${c.layer}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  const total = counts.reduce(
    (sum, c) => ({ passed: sum.passed + c.passed, failed: sum.failed + c.failed, skipped: sum.skipped + c.skipped }),
    { passed: 0, failed: 0, skipped: 0 },
  );
  if (failed.length > 0) say(`failed steps: ${failed.map((f) => f.name).join(', ')}`);
  say(
    `${total.passed} passed, ${total.failed + (failed.length > 0 && total.failed === 0 ? failed.length : 0)} failed, ${total.skipped} skipped`,
  );
  return failed.length > 0 ? 1 : 0;
}

/** The step's exit status; a command that cannot start (or dies of a signal) counts as a failure. */
function run(step, cwd, stdio) {
  const [command, ...args] = step.command;
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio, cwd, env: { ...process.env, ...step.env } });
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });
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
