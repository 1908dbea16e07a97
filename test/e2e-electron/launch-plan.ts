import path from 'node:path';

/**
 * How the Electron e2e starts Keyway, as plain functions (tested in test/unit/e2e-electron-launch.test.ts,
 * since no Electron binary exists where the suite is written).
 *
 * - dev: the unfused Electron binary with the app folder and `--profile <dir>`, which a development
 *   run honours (electron/core/profile-switch.ts).
 * - packaged: KEYWAY_E2E_APP, a packaged app built with KEYWAY_E2E_BUILD=1 (build/after-pack.mjs keeps the
 *   --inspect switches Playwright's _electron.launch adds; every other fuse is the shipped one). A packaged
 *   build ignores --profile, so its profile is isolated through the environment instead: on Linux Electron's
 *   appData is $XDG_CONFIG_HOME (userData = $XDG_CONFIG_HOME/Keyway).
 *
 * Both get XDG_CONFIG_HOME/XDG_DATA_HOME of their own, so a development run's protocol registration
 * (xdg-mime, mimeapps.list) lands in the test's folder rather than the desktop's, and the private D-Bus
 * session of test/e2e/support/private-secret-service.ts, so the keychain is the test's own.
 */
export type AppUnderTest =
  { readonly mode: 'dev'; readonly executable: string } | { readonly mode: 'packaged'; readonly executable: string };

export function appUnderTest(options: {
  readonly packagedApp: string | undefined;
  readonly electronBinary: string | null;
  readonly exists: (file: string) => boolean;
}): AppUnderTest | null {
  const packaged = options.packagedApp;
  if (packaged !== undefined && packaged !== '') {
    // Asked for explicitly: never fall back to the dev binary, which could not catch a packaging bug.
    return options.exists(packaged) ? { mode: 'packaged', executable: path.resolve(packaged) } : null;
  }
  return options.electronBinary === null ? null : { mode: 'dev', executable: options.electronBinary };
}

export interface LaunchPlan {
  readonly executablePath: string;
  readonly args: string[];
  readonly env: Record<string, string>;
}

export function launchPlan(options: {
  readonly app: AppUnderTest;
  /** The repository root (the dev app's folder: package.json `main` is dist/electron/main.cjs). */
  readonly appPath: string;
  /** A fresh folder of the test's own. */
  readonly home: string;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  readonly dbusAddress?: string;
  readonly display?: string;
  /** A deep link handed over at start, as the OS does: after "--", so it is never read as a switch. */
  readonly link?: string;
}): LaunchPlan {
  const profile = path.join(options.home, 'profile');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.baseEnv)) {
    // The harness's and the developer's own settings must not leak in: Keyway reads none of these, but
    // ELECTRON_RUN_AS_NODE would turn the dev binary into Node.
    if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE' && key !== 'NODE_OPTIONS') env[key] = value;
  }
  env.XDG_CONFIG_HOME = path.join(options.home, 'config');
  env.XDG_DATA_HOME = path.join(options.home, 'data');
  if (options.dbusAddress !== undefined) env.DBUS_SESSION_BUS_ADDRESS = options.dbusAddress;
  if (options.display !== undefined) env.DISPLAY = options.display;
  const link = options.link === undefined ? [] : ['--', options.link];
  if (options.app.mode === 'dev') {
    return {
      executablePath: options.app.executable,
      args: [options.appPath, '--profile', profile, ...link],
      env,
    };
  }
  return { executablePath: options.app.executable, args: link, env };
}

/** Linux without an X or Wayland display needs a virtual one (Xvfb); macOS and Windows always have one. */
export function needsVirtualDisplay(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>) {
  if (platform !== 'linux') return false;
  return !env.DISPLAY && !env.WAYLAND_DISPLAY;
}

/** The first X display number from 99 up with neither a lock file nor a socket (as xvfb-run's -a does). */
export function freeDisplayNumber(taken: (display: number) => boolean, from = 99, to = 199): number {
  for (let display = from; display <= to; display++) {
    if (!taken(display)) return display;
  }
  throw new Error(`no free X display between :${from} and :${to}`);
}
