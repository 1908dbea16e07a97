/**
 * When to look for updates: once shortly after start, then once a day while the app runs. A check
 * that fails is logged and the schedule goes on; a check never overlaps the previous one; once an
 * update is downloaded there is nothing more to look for until the restart.
 */

const FIRST_CHECK_DELAY_MS = 10_000;
const CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface UpdateScheduleOptions {
  /** One check (electron-updater's checkForUpdates); resolves true once an update is downloaded. */
  readonly check: () => Promise<boolean>;
  readonly timers: Timers;
  readonly log: (line: string) => void;
  readonly firstDelayMs?: number;
  readonly intervalMs?: number;
}

export interface UpdateSchedule {
  start(): void;
  stop(): void;
}

export function createUpdateSchedule(options: UpdateScheduleOptions): UpdateSchedule {
  const firstDelay = options.firstDelayMs ?? FIRST_CHECK_DELAY_MS;
  const interval = options.intervalMs ?? CHECK_INTERVAL_MS;
  let handle: unknown = null;
  let stopped = true;

  const arm = (ms: number): void => {
    if (stopped) return;
    handle = options.timers.setTimeout(() => void run(), ms);
  };

  const run = async (): Promise<void> => {
    handle = null;
    if (stopped) return;
    let done = false;
    try {
      done = await options.check();
    } catch (error) {
      options.log(`updates: check failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    // The next check is armed only once this one is over, so two never run at once.
    if (done) {
      stopped = true;
      return;
    }
    arm(interval);
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      arm(firstDelay);
    },
    stop() {
      stopped = true;
      if (handle !== null) options.timers.clearTimeout(handle);
      handle = null;
    },
  };
}
