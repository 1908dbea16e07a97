import { app, BrowserWindow } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createKeytarSecretStore } from '../core/adapters/keytar-secret-store';
import { KeywayCore } from '../core/keyway-core';
import { deepLinkFromArgv, HANDLED_SCHEMES, protocolClientArgs } from './deep-links';
import { serveContractOverIpc } from './ipc-handlers';
import { openInSystemBrowser } from './external-browser';
import { createElectronSettingsStore } from './electron-settings-store';
import { createMainWindow, denyAllPermissions, lockDownContents } from './window';

// Bundled layout: dist/electron/main.cjs beside preload.cjs; the renderer in dist/renderer.
const preloadPath = path.join(__dirname, 'preload.cjs');
const appPageUrl = pathToFileURL(path.join(__dirname, '..', 'renderer', 'index.html')).href;

const core = new KeywayCore({
  secrets: createKeytarSecretStore(),
  settings: createElectronSettingsStore(),
  fetch: globalThis.fetch,
  clock: { now: () => Date.now() },
  policy: {},
  browser: { open: openInSystemBrowser },
});
let mainWindow: BrowserWindow | null = null;

function showWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow({ preloadPath, appPageUrl });
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

function start(): void {
  if (!app.requestSingleInstanceLock()) {
    // Another Keyway owns the session; it receives our argv (and deep link) through `second-instance`.
    app.quit();
    return;
  }

  const registration = protocolClientArgs(process.defaultApp, process.argv, (p) => path.resolve(p));
  for (const scheme of HANDLED_SCHEMES) {
    if (registration.executable) app.setAsDefaultProtocolClient(scheme, registration.executable, registration.args);
    else app.setAsDefaultProtocolClient(scheme);
  }

  // macOS delivers links by event, possibly before `ready`: core exists already, so route immediately.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    core.openDeepLink(url);
    if (app.isReady()) showWindow();
  });

  app.on('second-instance', (_event, argv) => {
    const link = deepLinkFromArgv(argv);
    if (link) core.openDeepLink(link);
    showWindow();
  });

  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, appPageUrl));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  void app.whenReady().then(() => {
    denyAllPermissions();
    serveContractOverIpc(core, appPageUrl, () => mainWindow);
    const link = deepLinkFromArgv(process.argv);
    if (link) core.openDeepLink(link);
    void core.start();
    showWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) showWindow();
    });
  });
}

start();
