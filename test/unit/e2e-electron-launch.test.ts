import { describe, expect, it } from 'vitest';
import {
  appUnderTest,
  freeDisplayNumber,
  launchPlan,
  needsVirtualDisplay,
  type AppUnderTest,
} from '../e2e-electron/launch-plan';

const dev: AppUnderTest = { mode: 'dev', executable: '/repo/node_modules/electron/dist/electron' };
const packaged: AppUnderTest = { mode: 'packaged', executable: '/build/linux-unpacked/keyway' };
const link = 'keyway://deploy?code=ABCDE-FGHIJ';

describe('what the Electron e2e launches (it runs only where a binary exists)', () => {
  it('prefers KEYWAY_E2E_APP, never falls back to the dev binary when it is missing, else the dev binary', () => {
    const exists = (file: string) => file === '/build/keyway';
    expect(appUnderTest({ packagedApp: '/build/keyway', electronBinary: '/e', exists })).toEqual({
      mode: 'packaged',
      executable: '/build/keyway',
    });
    expect(appUnderTest({ packagedApp: '/missing', electronBinary: '/e', exists })).toBeNull();
    expect(appUnderTest({ packagedApp: undefined, electronBinary: '/e', exists })).toEqual({
      mode: 'dev',
      executable: '/e',
    });
    expect(appUnderTest({ packagedApp: '', electronBinary: null, exists })).toBeNull();
  });

  it('dev: the app folder, its own --profile under the test home, and the link after "--"', () => {
    const plan = launchPlan({ app: dev, appPath: '/repo', home: '/tmp/h', baseEnv: {}, link });
    expect(plan.executablePath).toBe(dev.executable);
    expect(plan.args).toEqual(['/repo', '--profile', '/tmp/h/profile', '--', link]);
  });

  it('packaged: no --profile (a packaged build ignores it) and no --inspect of ours; the profile comes from XDG_CONFIG_HOME', () => {
    const plan = launchPlan({ app: packaged, appPath: '/repo', home: '/tmp/h', baseEnv: {}, link });
    expect(plan.args).toEqual(['--', link]);
    expect(plan.args.join(' ')).not.toMatch(/--profile|--inspect/);
    expect(plan.env.XDG_CONFIG_HOME).toBe('/tmp/h/config');
  });

  it('isolates the desktop: own XDG folders, the private bus and display, and no Node-mode variables', () => {
    const plan = launchPlan({
      app: dev,
      appPath: '/repo',
      home: '/tmp/h',
      baseEnv: {
        PATH: '/usr/bin',
        ELECTRON_RUN_AS_NODE: '1',
        NODE_OPTIONS: '--require x',
        XDG_CONFIG_HOME: '/home/me/.config',
      },
      dbusAddress: 'unix:path=/tmp/bus',
      display: ':99',
    });
    expect(plan.env).toEqual({
      PATH: '/usr/bin',
      XDG_CONFIG_HOME: '/tmp/h/config',
      XDG_DATA_HOME: '/tmp/h/data',
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/tmp/bus',
      DISPLAY: ':99',
    });
  });

  it('starts Xvfb only on Linux without a display, on the first free display number', () => {
    expect(needsVirtualDisplay('linux', {})).toBe(true);
    expect(needsVirtualDisplay('linux', { DISPLAY: ':0' })).toBe(false);
    expect(needsVirtualDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(false);
    expect(needsVirtualDisplay('darwin', {})).toBe(false);
    expect(needsVirtualDisplay('win32', {})).toBe(false);
    expect(freeDisplayNumber((n) => n < 101)).toBe(101);
    expect(() => freeDisplayNumber(() => true)).toThrow(/no free X display/);
  });
});
