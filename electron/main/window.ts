import { BrowserWindow, app } from 'electron';
import { lockDownContents } from './lockdown';

/**
 * The hardened main window: isolated, sandboxed renderer with no Node, navigation pinned to the app
 * page, no new windows (lockdown.ts; the session's permissions: installPermissionPolicy, at ready).
 * The page's own CSP (renderer/index.html) forbids remote code. The options stay a literal here so the
 * static hardening check (security/, electron-hardening.test.ts) can read every webPreference; the
 * start-up test (main-startup.test.ts) checks the window main actually builds.
 * Electron's security checklist: https://www.electronjs.org/docs/latest/tutorial/security
 */
export function createMainWindow(options: { preloadPath: string; appPageUrl: string }): BrowserWindow {
  const window = new BrowserWindow({
    width: 480,
    height: 720,
    minWidth: 380,
    minHeight: 560,
    show: false,
    title: 'Keyway',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      // Middle-click must not open links in new windows (Electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
      devTools: !app.isPackaged,
    },
  });
  lockDownContents(window.webContents, options.appPageUrl);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.appPageUrl);
  return window;
}
