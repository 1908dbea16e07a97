import type { ProfileChoice } from '../core/profile-switch';
import type { UpdateDecision } from '../core/updates';

/**
 * The main process's lifecycle decisions (which window to show, when to quit, what a start-up switch
 * means, whether the updater is configured, how the window is hardened) as plain functions of plain
 * values: only types come from `electron`, so each is tested in Node (test/unit/main-lifecycle.test.ts)
 * and main.ts, window.ts and updater.ts only wire them.
 */

/**
 * The window a caller may still use, or null. A closed BrowserWindow is destroyed and throws on any use
 * ("Object has been destroyed"; https://www.electronjs.org/docs/latest/api/browser-window#winisdestroyed),
 * so everything that reaches the window later (IPC answers, pushed views, updates, printing) asks here.
 */
export function liveWindow<W extends { isDestroyed(): boolean }>(window: W | null | undefined): W | null {
  return window && !window.isDestroyed() ? window : null;
}

/**
 * What bringing Keyway forward does (a link, a second start, the macOS Dock): a new window when there is
 * none; otherwise the one window, un-minimized first and focused. Electron's docs ask exactly this of a
 * single-instance app's primary window ("focused and non-minimized":
 * https://www.electronjs.org/docs/latest/api/app#event-second-instance). Never a second window.
 */
export function windowAction(
  window: { isDestroyed(): boolean; isMinimized(): boolean } | null,
): 'create' | 'restore-and-focus' | 'focus' {
  const live = liveWindow(window);
  if (live === null) return 'create';
  return live.isMinimized() ? 'restore-and-focus' : 'focus';
}

/**
 * window-all-closed: Windows and Linux quit with their last window; macOS keeps the app (and its menu)
 * until the user quits, and `activate` opens a window again
 * (https://www.electronjs.org/docs/latest/tutorial/quick-start#manage-your-windows-lifecycle).
 */
export function quitsWhenAllWindowsClosed(platform: NodeJS.Platform): boolean {
  return platform !== 'darwin';
}

/** macOS `activate` (Dock click): a window only when none is open, never a second one (same tutorial). */
export function opensWindowOnActivate(openWindows: number): boolean {
  return openWindows === 0;
}

/**
 * What start-up does with the `--profile` choice (core/profile-switch.ts): a custom folder becomes
 * userData before the single-instance lock is taken (the lock lives there: electron#33559); an ignored or
 * invalid switch is said on stderr; an invalid one stops the start with exit code 2 (a usage error), so a
 * typo never runs on, and writes to, the real profile.
 */
export function profileStartup(choice: ProfileChoice): {
  readonly userData: string | null;
  readonly warning: string | null;
  readonly exitCode: 2 | null;
} {
  switch (choice.kind) {
    case 'default':
      return { userData: null, warning: null, exitCode: null };
    case 'custom':
      return { userData: choice.dir, warning: null, exitCode: null };
    case 'ignored':
      return { userData: null, warning: `Keyway: ${choice.reason}.`, exitCode: null };
    case 'invalid':
      return { userData: null, warning: `Keyway: ${choice.reason}.`, exitCode: 2 };
  }
}

/**
 * Whether electron-updater is never touched: in development and when the machine policy turns updates
 * off, neither of which a later sign-in changes. Without a server yet (or an insecure one) it is set up
 * and asks again at each scheduled check, since the user may sign in meanwhile.
 */
export function updaterStaysUnconfigured(
  first: UpdateDecision,
): first is Extract<UpdateDecision, { readonly enabled: false }> {
  return !first.enabled && (first.reason === 'development' || first.reason === 'policy');
}
