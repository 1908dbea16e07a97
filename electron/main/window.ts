import { BrowserWindow, app } from 'electron';
import { mainWindowOptions } from './lifecycle';
import { lockDownContents } from './lockdown';

/**
 * The hardened main window (its options: lifecycle.ts mainWindowOptions, tested in Node): isolated,
 * sandboxed renderer with no Node, navigation pinned to the app page, no new windows (lockdown.ts; the
 * session's permissions: installPermissionPolicy, at ready). The page's own CSP forbids remote code.
 */
export function createMainWindow(options: { preloadPath: string; appPageUrl: string }): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions({ preloadPath: options.preloadPath, packaged: app.isPackaged }));
  lockDownContents(window.webContents, options.appPageUrl);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.appPageUrl);
  return window;
}
