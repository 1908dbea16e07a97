import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freeDisplayNumber } from './launch-plan';

/** An Xvfb of the test's own, on a free display number; stop() ends exactly that process. */
export async function startVirtualDisplay(): Promise<{ display: string; stop: () => Promise<void> }> {
  const number = freeDisplayNumber((n) => existsSync(`/tmp/.X${n}-lock`) || existsSync(`/tmp/.X11-unix/X${n}`));
  const display = `:${number}`;
  const xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  const started = Date.now();
  // Ready once its socket exists; the wait is for this display's own socket, not a fixed delay.
  while (!existsSync(`/tmp/.X11-unix/X${number}`)) {
    if (xvfb.exitCode !== null) throw new Error(`Xvfb ${display} exited with ${xvfb.exitCode}`);
    if (Date.now() - started > 15_000) {
      xvfb.kill();
      throw new Error(`Xvfb ${display} did not start`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    display,
    stop: async () => {
      if (xvfb.exitCode !== null) return;
      const gone = new Promise((resolve) => xvfb.once('exit', resolve));
      xvfb.kill();
      await gone;
    },
  };
}
