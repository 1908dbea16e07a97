import { app, BrowserWindow, net, session } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createKeytarSecretStore } from '../core/adapters/keytar-secret-store';
import { KeywayCore } from '../core/keyway-core';
import { loadMachinePolicy } from '../core/machine-policy/load';
import { deepLinkFromArgv, HANDLED_SCHEMES, protocolClientArgs } from './deep-links';
import { serveContractOverIpc } from './ipc-handlers';
import { openInSystemBrowser } from './external-browser';
import { createElectronSettingsStore } from './electron-settings-store';
import { chainTrustedByExtraCa, parseAuthorities } from './policy/extra-ca';
import { applyNetworkPolicy } from './policy/network';
import { createMainWindow, denyAllPermissions, lockDownContents } from './window';

// Bundled layout: dist/electron/main.cjs beside preload.cjs; the renderer in dist/renderer.
const preloadPath = path.join(__dirname, 'preload.cjs');
const appPageUrl = pathToFileURL(path.join(__dirname, '..', 'renderer', 'index.html')).href;

// Core is created once the machine policy is read (at `ready`); links that arrive earlier wait here.
let core: KeywayCore | null = null;
const earlyLinks: string[] = [];
function openDeepLink(url: string): void {
  if (core) core.openDeepLink(url);
  else earlyLinks.push(url);
}

/** Policy CAs: accepted only where Chromium's sole complaint is an unknown authority (-202). */
function trustExtraAuthorities(pems: readonly string[]): void {
  const authorities = parseAuthorities(pems);
  if (authorities.length === 0) return;
  const CERT_AUTHORITY_INVALID = -202;
  session.defaultSession.setCertificateVerifyProc((request, callback) => {
    if (
      request.errorCode === CERT_AUTHORITY_INVALID &&
      chainTrustedByExtraCa(request.certificate, request.hostname, authorities)
    ) {
      callback(0);
      return;
    }
    callback(-3); // Chromium's own verdict (the OS store).
  });
}

async function createCore(): Promise<KeywayCore> {
  const { result, corePolicy } = await loadMachinePolicy();
  await applyNetworkPolicy(session.defaultSession, result.policy);
  trustExtraAuthorities(result.caCertificates);
  const created = new KeywayCore({
    // Plain http to a loopback server only in development builds (protocol/server-origin.ts).
    plainHttpLoopback: !app.isPackaged,
    secrets: createKeytarSecretStore(),
    settings: createElectronSettingsStore(),
    // Chromium's network stack: the OS certificate store (corporate CAs) and the system or policy proxy.
    fetch: (input, init) => net.fetch(input instanceof URL ? input.href : input, init),
    clock: { now: () => Date.now() },
    policy: corePolicy,
    // The OS's preferred languages (macOS/Windows settings, the POSIX locale on Linux); core picks one.
    systemLanguages: [...app.getPreferredSystemLanguages(), app.getLocale()],
    browser: { open: openInSystemBrowser },
  });
  for (const url of earlyLinks.splice(0)) created.openDeepLink(url);
  return created;
}
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
    app.setAsDefaultProtocolClient(scheme, registration.executable ?? process.execPath, registration.args);
  }

  // macOS delivers links by event, possibly before `ready`: core exists already, so route immediately.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openDeepLink(url);
    if (app.isReady()) showWindow();
  });

  app.on('second-instance', (_event, argv) => {
    const link = deepLinkFromArgv(argv);
    if (link) openDeepLink(link);
    showWindow();
  });

  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, appPageUrl));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  void app.whenReady().then(async () => {
    denyAllPermissions();
    const link = deepLinkFromArgv(process.argv);
    if (link) openDeepLink(link);
    core = await createCore();
    serveContractOverIpc(core, appPageUrl, () => mainWindow);
    void core.start();
    showWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) showWindow();
    });
  });
}

start();
