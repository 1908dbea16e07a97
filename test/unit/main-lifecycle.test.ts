import { describe, expect, it } from 'vitest';
import { decideUpdates } from '../../electron/core/updates';
import { chooseProfile } from '../../electron/core/profile-switch';
import {
  liveWindow,
  opensWindowOnActivate,
  profileStartup,
  quitsWhenAllWindowsClosed,
  updaterStaysUnconfigured,
  windowAction,
} from '../../electron/main/lifecycle';

// The lifecycle decisions main.ts, window.ts, ipc-handlers.ts and updater.ts wire (electron/main/lifecycle.ts).

const window = (state: { destroyed?: boolean; minimized?: boolean } = {}) => ({
  isDestroyed: () => state.destroyed === true,
  isMinimized: () => state.minimized === true,
});

describe('the one window', () => {
  it('a destroyed window is never used again (Electron throws on it): IPC, views, updates and printing get null', () => {
    const open = window();
    expect(liveWindow(open)).toBe(open);
    expect(liveWindow(window({ destroyed: true }))).toBeNull();
    expect(liveWindow(null)).toBeNull();
    expect(liveWindow(undefined)).toBeNull();
  });

  it('bringing Keyway forward creates a window only when there is none, else restores and focuses the one', () => {
    expect(windowAction(null)).toBe('create');
    expect(windowAction(window({ destroyed: true }))).toBe('create');
    // A destroyed window reports nothing reliable; it is replaced, never restored.
    expect(windowAction(window({ destroyed: true, minimized: true }))).toBe('create');
    expect(windowAction(window({ minimized: true }))).toBe('restore-and-focus');
    expect(windowAction(window())).toBe('focus');
  });

  it('closing the last window quits on Windows and Linux, not on macOS', () => {
    expect(quitsWhenAllWindowsClosed('win32')).toBe(true);
    expect(quitsWhenAllWindowsClosed('linux')).toBe(true);
    expect(quitsWhenAllWindowsClosed('darwin')).toBe(false);
  });

  it('a Dock click opens a window only when none is open (never a second one)', () => {
    expect(opensWindowOnActivate(0)).toBe(true);
    expect(opensWindowOnActivate(1)).toBe(false);
    expect(opensWindowOnActivate(2)).toBe(false);
  });
});

describe('start-up with --profile (what chooseProfile decided, applied)', () => {
  const choose = (argv: string[], isPackaged: boolean) =>
    profileStartup(chooseProfile({ argv, isPackaged, resolve: (p) => `/cwd/${p}` }));

  it('the default profile: nothing changed, nothing said', () => {
    expect(choose(['keyway'], true)).toEqual({ userData: null, warning: null, exitCode: null });
  });

  it('development: the folder becomes userData', () => {
    expect(choose(['electron', '.', '--profile', 'dev'], false)).toEqual({
      userData: '/cwd/dev',
      warning: null,
      exitCode: null,
    });
  });

  it('a packaged build started with an injected --profile keeps the real profile and says so', () => {
    const started = choose(['Keyway.exe', '--profile=C:\\evil', '--', 'keyway://deploy?c=1'], true);
    expect(started.userData).toBeNull();
    expect(started.exitCode).toBeNull();
    expect(started.warning).toMatch(/--profile is ignored/);
  });

  it('a link after "--" that poses as --profile changes nothing', () => {
    expect(choose(['keyway', '--', '--profile=/tmp/evil'], false)).toEqual({
      userData: null,
      warning: null,
      exitCode: null,
    });
  });

  it.each([
    ['empty', ['electron', '.', '--profile=']],
    ['twice', ['electron', '.', '--profile', 'a', '--profile', 'b']],
    ['a URL', ['electron', '.', '--profile=file:///tmp/x']],
    ['a NUL byte', ['electron', '.', '--profile=a\0b']],
    ['a switch', ['electron', '.', '--profile', '--inspect']],
  ])('an invalid --profile (%s) stops with exit code 2 and never touches the real profile', (_name, argv) => {
    const started = choose(argv, false);
    expect(started.exitCode).toBe(2);
    expect(started.userData).toBeNull();
    expect(started.warning).toMatch(/^Keyway: --profile /);
  });
});

describe('the updater', () => {
  const base = {
    appVersion: '1.0.0',
    activeOrigin: null,
    presetServer: undefined,
    disableAutoUpdate: undefined,
    pushedChannel: undefined,
  };

  it('is never configured in development or when the machine policy turns updates off', () => {
    expect(updaterStaysUnconfigured(decideUpdates({ ...base, isPackaged: false }))).toBe(true);
    expect(updaterStaysUnconfigured(decideUpdates({ ...base, isPackaged: true, disableAutoUpdate: true }))).toBe(true);
  });

  it('is set up, to ask again at each check, while there is no server yet or it is not https', () => {
    expect(updaterStaysUnconfigured(decideUpdates({ ...base, isPackaged: true }))).toBe(false);
    const insecure = decideUpdates({ ...base, isPackaged: true, activeOrigin: 'http://keyway.example' });
    expect(insecure).toMatchObject({ enabled: false, reason: 'insecure_server' });
    expect(updaterStaysUnconfigured(insecure)).toBe(false);
    const secure = decideUpdates({ ...base, isPackaged: true, activeOrigin: 'https://keyway.example' });
    expect(secure.enabled).toBe(true);
    expect(updaterStaysUnconfigured(secure)).toBe(false);
  });
});
