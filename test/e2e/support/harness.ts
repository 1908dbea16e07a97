import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

export interface Harness {
  url: string;
  process: ChildProcess;
  /** Everything the harness printed so far. */
  output: () => string;
}

/**
 * Starts the built harness on an ephemeral loopback port and resolves with the URL it prints, or,
 * with `expectHandOff`, resolves once a second start has handed its link to the running one.
 */
export async function startHarness(
  args: string[] = [],
  options: { expectHandOff?: boolean; env?: Record<string, string> } = {},
): Promise<Harness> {
  const child = spawn(process.execPath, [path.join(root, 'dist', 'harness', 'harness.mjs'), '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    // English unless a test sets a locale: the suite reads English labels whatever this machine's locale.
    env: { ...process.env, LANGUAGE: '', LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8', ...options.env },
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`harness did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Keyway harness ready: (\S+)/.exec(output);
      if (match?.[1] && !options.expectHandOff) {
        clearTimeout(timer);
        resolve(match[1]);
      }
      if (options.expectHandOff && output.includes('handed the link to it')) {
        clearTimeout(timer);
        resolve('');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      if (!(options.expectHandOff && code === 0)) reject(new Error(`harness exited with ${code}:\n${output}`));
    });
  });
  return { url, process: child, output: () => output };
}

export async function stopHarness(harness: Harness): Promise<void> {
  // Already gone: exited, or killed by a signal (a fault test's SIGKILL), which leaves exitCode null.
  if (harness.process.exitCode !== null || harness.process.signalCode !== null) return;
  const exited = new Promise((resolve) => harness.process.once('exit', resolve));
  harness.process.kill('SIGTERM');
  await exited;
}

/** Each test gets its own harness (its own core, its own state) so tests never see each other. */
export const test = base.extend<{ harness: Harness }>({
  // Playwright reads fixture dependencies from the destructuring pattern; this fixture has none.
  // eslint-disable-next-line no-empty-pattern
  harness: async ({}, use) => {
    const profileDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-e2e-profile-'));
    const harness = await startHarness(['--profile', profileDir]);
    await use(harness);
    await stopHarness(harness);
    rmSync(profileDir, { recursive: true, force: true });
  },
});
export { expect } from '@playwright/test';
