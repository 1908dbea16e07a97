import { describe, expect, it } from 'vitest';
import {
  channelFor,
  createUpdateSchedule,
  decideUpdates,
  feedOrigin,
  type UpdateDecisionInput,
} from '../../electron/core/updates';
import { UpdateStatus } from '../../electron/core/updates/update-status';
import { type KeywayError } from '../../protocol/errors';

const packaged: UpdateDecisionInput = {
  isPackaged: true,
  disableAutoUpdate: undefined,
  presetServer: undefined,
  activeOrigin: 'https://keyway.example.com',
  appVersion: '1.4.0',
};

describe('whether and where Keyway looks for updates', () => {
  it('a packaged app signed in to a server uses that server’s /updates/ feed, one range per request', () => {
    expect(decideUpdates(packaged)).toEqual({
      enabled: true,
      feed: {
        provider: 'generic',
        url: 'https://keyway.example.com/updates/',
        channel: 'latest',
        useMultipleRangeRequest: false,
      },
    });
  });

  it('never updates in development, whatever else is set', () => {
    const decision = decideUpdates({ ...packaged, isPackaged: false, disableAutoUpdate: false });
    expect(decision).toMatchObject({ enabled: false, reason: 'development' });
  });

  it('the machine policy’s disableAutoUpdate turns updates off; false or absent leaves them on', () => {
    expect(decideUpdates({ ...packaged, disableAutoUpdate: true })).toMatchObject({ enabled: false, reason: 'policy' });
    expect(decideUpdates({ ...packaged, disableAutoUpdate: false }).enabled).toBe(true);
  });

  it('the policy’s preset server wins over the server in the (user-writable) settings file', () => {
    const decision = decideUpdates({
      ...packaged,
      presetServer: 'https://keyway.corp.example',
      activeOrigin: 'https://attacker.example',
    });
    expect(decision).toMatchObject({ enabled: true, feed: { url: 'https://keyway.corp.example/updates/' } });
  });

  it('does not look anywhere before anyone has signed in', () => {
    for (const activeOrigin of [null, undefined, '']) {
      expect(decideUpdates({ ...packaged, activeOrigin })).toMatchObject({ enabled: false, reason: 'no_server' });
    }
  });

  it.each([
    ['plain http', 'http://keyway.example.com'],
    ['plain http to loopback in a packaged app', 'http://127.0.0.1:7400'],
    ['a file URL', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['credentials', 'https://user:secret@keyway.example.com'],
    ['a path', 'https://keyway.example.com/evil/'],
    ['a query', 'https://keyway.example.com/?x=1'],
    ['a fragment', 'https://keyway.example.com/#x'],
    ['not a URL', 'keyway.example.com'],
    ['a huge string', `https://${'a'.repeat(5000)}.example.com`],
  ])('refuses a settings origin with %s', (_what, activeOrigin) => {
    expect(decideUpdates({ ...packaged, activeOrigin })).toMatchObject({ enabled: false, reason: 'insecure_server' });
  });

  it('accepts plain http to loopback only when the caller allows it (wiring tests), never to other hosts', () => {
    expect(feedOrigin('http://127.0.0.1:7400', true)).toBe('http://127.0.0.1:7400');
    expect(feedOrigin('http://localhost:7400', true)).toBe('http://localhost:7400');
    expect(feedOrigin('http://127.0.0.1:7400', false)).toBeNull();
    expect(feedOrigin('http://keyway.example.com', true)).toBeNull();
    expect(feedOrigin('http://127.0.0.1.nip.io', true)).toBeNull();
  });

  it('normalises the origin (case, default port) before building the feed URL', () => {
    expect(feedOrigin('HTTPS://Keyway.Example.COM:443/', false)).toBe('https://keyway.example.com');
    expect(feedOrigin('https://keyway.example.com:8443', false)).toBe('https://keyway.example.com:8443');
  });

  it('a pre-release build follows its channel; anything unreadable follows latest', () => {
    expect(channelFor('1.2.3')).toBe('latest');
    expect(channelFor('1.3.0-beta.2')).toBe('beta');
    expect(channelFor('1.3.0-Alpha')).toBe('alpha');
    expect(channelFor('1.3.0-rc.1')).toBe('latest');
    expect(channelFor('1.3.0-beta/../../x')).toBe('latest');
    expect(channelFor('')).toBe('latest');
    expect(decideUpdates({ ...packaged, appVersion: '2.0.0-beta.1' })).toMatchObject({ feed: { channel: 'beta' } });
  });
});

/** Fake timers that run only when the test says so, so nothing depends on the wall clock. */
function manualTimers() {
  const pending = new Map<number, { run: () => void; ms: number }>();
  let next = 1;
  return {
    timers: {
      setTimeout: (run: () => void, ms: number) => {
        const id = next++;
        pending.set(id, { run, ms });
        return id;
      },
      clearTimeout: (id: unknown) => void pending.delete(id as number),
    },
    pendingDelays: () => [...pending.values()].map((timer) => timer.ms),
    fire() {
      const [id, timer] = [...pending.entries()][0] ?? [];
      if (id === undefined || timer === undefined) throw new Error('no timer armed');
      pending.delete(id);
      timer.run();
    },
  };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('when Keyway looks for updates', () => {
  it('checks shortly after start, then once a day, and keeps going after a failed check', async () => {
    const clock = manualTimers();
    const log: string[] = [];
    let checks = 0;
    const schedule = createUpdateSchedule({
      timers: clock.timers,
      log: (line) => log.push(line),
      firstDelayMs: 10_000,
      intervalMs: 86_400_000,
      check: () => {
        checks += 1;
        return checks === 1 ? Promise.reject(new Error('feed unreachable')) : Promise.resolve(false);
      },
    });
    schedule.start();
    expect(clock.pendingDelays()).toEqual([10_000]);
    clock.fire();
    await flush();
    expect(checks).toBe(1);
    expect(log).toEqual(['updates: check failed: feed unreachable']);
    expect(clock.pendingDelays()).toEqual([86_400_000]);
    clock.fire();
    await flush();
    expect(checks).toBe(2);
    expect(clock.pendingDelays()).toEqual([86_400_000]);
  });

  it('never runs two checks at once: the next is armed only when the current one ends', async () => {
    const clock = manualTimers();
    let finish: (done: boolean) => void = () => undefined;
    const schedule = createUpdateSchedule({
      timers: clock.timers,
      log: () => undefined,
      check: () => new Promise<boolean>((resolve) => (finish = resolve)),
    });
    schedule.start();
    schedule.start();
    expect(clock.pendingDelays()).toHaveLength(1);
    clock.fire();
    await flush();
    expect(clock.pendingDelays()).toEqual([]);
    finish(false);
    await flush();
    expect(clock.pendingDelays()).toHaveLength(1);
  });

  it('stops looking once an update is downloaded, and stop() cancels the next check', async () => {
    const clock = manualTimers();
    const schedule = createUpdateSchedule({
      timers: clock.timers,
      log: () => undefined,
      check: () => Promise.resolve(true),
    });
    schedule.start();
    clock.fire();
    await flush();
    expect(clock.pendingDelays()).toEqual([]);

    const other = manualTimers();
    const stopped = createUpdateSchedule({
      timers: other.timers,
      log: () => undefined,
      check: () => Promise.resolve(false),
    });
    stopped.start();
    stopped.stop();
    expect(other.pendingDelays()).toEqual([]);
  });
});

describe('"Restart to update"', () => {
  it('is refused with its own code until an update is downloaded, then installs it', () => {
    const status = new UpdateStatus();
    const installs: string[] = [];
    expect(() => status.restart()).toThrow(expect.objectContaining({ code: 'update_not_ready' }) as KeywayError);
    expect(installs).toEqual([]);
    const seen: unknown[] = [];
    status.onChange((state) => seen.push(state));
    status.markReady('1.5.0', () => installs.push('installed'));
    expect(seen).toEqual([{ ready: true, version: '1.5.0' }]);
    status.restart();
    expect(installs).toEqual(['installed']);
  });

  it('shows the version from the feed only when it looks like one', () => {
    for (const hostile of ['<img src=x onerror=alert(1)>', '1.0', 'x'.repeat(500), 42, null]) {
      const status = new UpdateStatus();
      status.markReady(hostile, () => undefined);
      expect(status.get()).toEqual({ ready: true, version: null });
    }
  });
});
