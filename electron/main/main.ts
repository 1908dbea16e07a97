import { app, BrowserWindow, dialog, ipcMain, Menu, net, session, shell } from 'electron';
import path from 'node:path';
import { APP_PAGE_URL } from '../core/app-page/app-page';
import { createKeytarSecretStore } from '../core/adapters/keytar-secret-store';
import { createCoreHandlers, KeywayCore } from '../core/keyway-core';
import { chooseLanguage } from '../core/language';
import { loadMachinePolicy } from '../core/machine-policy/load';
import { createDispatcher } from '../ipc/dispatcher';
import { applicationMenuTemplate } from './app-menu';
import { APP_USER_MODEL_ID, devProtocolRegistration } from './app-identity';
import { deepLinkFromArgv, deliverDeepLink, HANDLED_SCHEMES } from './deep-links';
import { forwardViews, serveContractOverIpc } from './ipc-handlers';
import { createSystemBrowser } from './external-browser';
import { registerAppScheme, serveAppProtocol } from './app-protocol';
import { chooseProfile } from '../core/profile-switch';
import { createElectronSettingsStore } from './electron-settings-store';
import { installPermissionPolicy, lockDownContents } from './lockdown';
import { MAIN_TEXT, type MainText } from './main-text';
import { certificateVerdict, parseAuthorities } from './policy/extra-ca';
import { applyNetworkPolicy } from './policy/network';
import { startAutoUpdates } from './updater';
import { STARTUP_FAILURE_EXIT_CODE, startupFailureText } from './startup-failure';
import { createMainWindow } from './window';
import {
  liveWindow,
  opensWindowOnActivate,
  profileStartup,
  quitsWhenAllWindowsClosed,
  windowAction,
} from './lifecycle';
import { printOutcome, saveDialogOptions, saveTarget } from './recovery-codes-export';
import { writeFile } from 'node:fs/promises';
import { KeywayError } from '../../protocol/errors';
import type { RecoveryCodesExporter } from '../core/keyway-core';

/**
 * Save as text file (the save dialog, then the file, readable by the user only) and Print (the app
 * window, whose page shows the codes), for the recovery-codes screen. The decisions are in
 * recovery-codes-export.ts; Electron's part: https://www.electronjs.org/docs/latest/api/dialog and
 * https://www.electronjs.org/docs/latest/api/web-contents#contentsprintoptions-callback.
 */
function recoveryCodesExporter(getWindow: () => BrowserWindow | null): RecoveryCodesExporter {
  const window = (): BrowserWindow => {
    const current = liveWindow(getWindow());
    if (!current) throw new KeywayError('internal', 'The Keyway window is closed.');
    return current;
  };
  return {
    save: async (file) => {
      const answer = await dialog.showSaveDialog(window(), saveDialogOptions(file, app.getPath('documents')));
      const target = saveTarget(answer);
      if (target === null) return false;
      await writeFile(target, file.text, { encoding: 'utf8', mode: 0o600 });
      return true;
    },
    print: () =>
      new Promise<boolean>((resolve, reject) => {
        window().webContents.print({ silent: false, printBackground: false }, (success, failureReason) => {
          const outcome = printOutcome(success, failureReason);
          if (outcome.error === null) resolve(outcome.printed);
          else reject(new KeywayError('internal', `Keyway could not print: ${outcome.error}`));
        });
      }),
  };
}

// Bundled layout: dist/electron/main.cjs beside preload.cjs; the renderer in dist/renderer.
const preloadPath = path.join(__dirname, 'preload.cjs');
const rendererDir = path.join(__dirname, '..', 'renderer');
// Served by the app:// handler from rendererDir (electron/main/app-protocol.ts), never as file://.
const appPageUrl = APP_PAGE_URL;

// Core is created once the machine policy is read (at `ready`); links that arrive earlier wait in
// `earlyLinks` below.
let core: KeywayCore | null = null;
// IPC is served from the start and waits on this: a window opened before core exists (second-instance or
// open-url during start-up) has its first calls answered when core is ready, not rejected.
let resolveCore: (created: KeywayCore) => void = () => undefined;
let rejectCore: (error: unknown) => void = () => undefined;
const coreReady = new Promise<KeywayCore>((resolve, reject) => {
  resolveCore = resolve;
  rejectCore = reject;
});
const earlyLinks: string[] = [];
/**
 * Hands a link to core, or keeps it in `earlyLinks` until core exists. Handing over is not opening: core
 * passes an OIDC callback to the sign-in waiting for it, ignores a repeat, and queues any other link until
 * the screen on show accepts links and no effect runs (keyway-core.ts, openDeepLink and #drainLinks).
 */
function openDeepLink(url: string): void {
  if (core) deliverDeepLink(url, core);
  else earlyLinks.push(url);
}

/** Policy CAs: accepted only where Chromium's sole complaint is an unknown authority (-202). */
function trustExtraAuthorities(pems: readonly string[]): void {
  const authorities = parseAuthorities(pems);
  if (authorities.length === 0) return;
  // The decision, and what 0 and -3 mean to Electron, are in policy/extra-ca.ts (certificateVerdict).
  session.defaultSession.setCertificateVerifyProc((request, callback) => {
    callback(certificateVerdict(request, authorities));
  });
}

async function createCore(): Promise<KeywayCore> {
  const { result, corePolicy } = await loadMachinePolicy({ read: { allowPolicyFileOverride: !app.isPackaged } });
  await applyNetworkPolicy(session.defaultSession, result.policy);
  trustExtraAuthorities(result.caCertificates);
  const settings = createElectronSettingsStore();
  const created = new KeywayCore({
    // Plain http to a loopback server only in development builds (protocol/server-origin.ts).
    plainHttpLoopback: !app.isPackaged,
    secrets: createKeytarSecretStore(),
    settings,
    // Chromium's network stack: the OS certificate store (corporate CAs) and the system or policy proxy.
    fetch: (input, init) => net.fetch(input instanceof URL ? input.href : input, init),
    clock: { now: () => Date.now() },
    policy: corePolicy,
    // The OS's preferred languages (macOS/Windows settings, the POSIX locale on Linux); core picks one.
    systemLanguages: [...app.getPreferredSystemLanguages(), app.getLocale()],
    browser: { open: createSystemBrowser(shell) },
    // Sent on redeem, so the admin sees which client version redeemed a deployment.
    appVersion: app.getVersion(),
  });
  created.recoveryCodesExport = recoveryCodesExporter(() => mainWindow);
  for (const url of earlyLinks.splice(0)) deliverDeepLink(url, created);
  const readActive = async () => {
    const { activeOrigin, profiles } = await settings.read();
    return { origin: activeOrigin, managed: profiles.find((p) => p.origin === activeOrigin)?.managed };
  };
  try {
    startAutoUpdates({ core: created, policy: result.policy, readActive, getWindow: () => mainWindow });
  } catch (error) {
    // Updates are a convenience: an updater that cannot start must never keep anyone from signing in.
    console.error('Keyway: automatic updates are off:', error);
  }
  return created;
}
let mainWindow: BrowserWindow | null = null;

function appWindowContents(): Electron.WebContents | null {
  return liveWindow(mainWindow)?.webContents ?? null;
}

/** The main process's own strings (menu, failure dialog) in the OS's language, English if unsupported. */
function mainText(): MainText {
  return MAIN_TEXT[chooseLanguage({ system: [...app.getPreferredSystemLanguages(), app.getLocale()] }).language];
}

/** A start that failed says why and exits non-zero, instead of leaving a windowless process holding the lock. */
function failStartup(error: unknown): void {
  rejectCore(error);
  console.error('Keyway could not start:', error);
  const { title, content } = startupFailureText(error, mainText());
  dialog.showErrorBox(title, content);
  app.exit(STARTUP_FAILURE_EXIT_CODE);
}

/** Brings Keyway forward: the one window, created, or restored and focused (lifecycle.ts windowAction). */
function showWindow(): void {
  const action = windowAction(mainWindow);
  if (action === 'create' || !mainWindow) {
    mainWindow = createMainWindow({ preloadPath, appPageUrl });
    return;
  }
  if (action === 'restore-and-focus') mainWindow.restore();
  mainWindow.focus();
}

function start(): void {
  // Before the lock and `ready`: the lock and every file of the profile live in userData (electron#33559).
  const profile = profileStartup(
    chooseProfile({ argv: process.argv, isPackaged: app.isPackaged, resolve: (p) => path.resolve(p) }),
  );
  if (profile.warning !== null) console.error(profile.warning);
  if (profile.exitCode !== null) {
    app.exit(profile.exitCode);
    return;
  }
  if (profile.userData !== null) app.setPath('userData', profile.userData);

  if (!app.requestSingleInstanceLock()) {
    // Another Keyway owns the session; it receives our argv (and deep link) through `second-instance`.
    app.quit();
    return;
  }
  registerAppScheme(); // before `ready`, as Electron requires

  app.setAppUserModelId(APP_USER_MODEL_ID);

  // Packaged builds are registered by their installers (app-identity.ts); only the dev binary registers itself.
  const registration = devProtocolRegistration({
    defaultApp: process.defaultApp,
    execPath: process.execPath,
    appPath: app.getAppPath(),
  });
  if (registration) {
    for (const scheme of HANDLED_SCHEMES) {
      app.setAsDefaultProtocolClient(scheme, registration.executable, [...registration.args]);
    }
  }

  // Before any window can exist; calls wait for core (ipc-handlers.ts).
  serveContractOverIpc(ipcMain, {
    dispatch: coreReady.then((created) => createDispatcher(createCoreHandlers(created))),
    appPageUrl,
    getWindow: () => mainWindow,
  });

  // macOS delivers links by event, possibly before `ready` (Electron's docs/api/app.md, up to v13, under
  // 'will-finish-launching': listen for open-url there, before `ready`): openDeepLink keeps them until core
  // exists, then hands them over (not "opens" them: see openDeepLink above).
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openDeepLink(url);
    // No window can exist before `ready` (docs/api/browser-window.md); `ready` shows it with the link queued.
    if (app.isReady()) showWindow();
  });

  // argv is the second start's command line, possibly reordered and with switches Chromium appended
  // (https://www.electronjs.org/docs/latest/api/app#event-second-instance): deepLinkFromArgv looks for the
  // link instead of trusting a position, and nothing else in it is read (no --profile, no switch).
  app.on('second-instance', (_event, argv) => {
    const link = deepLinkFromArgv(argv);
    if (link) openDeepLink(link);
    showWindow();
  });

  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, appPageUrl));

  app.on('window-all-closed', () => {
    if (quitsWhenAllWindowsClosed(process.platform)) app.quit();
  });

  app
    .whenReady()
    .then(async () => {
      serveAppProtocol(rendererDir);
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          applicationMenuTemplate({ platform: process.platform, packaged: app.isPackaged, text: mainText() }),
        ),
      );
      installPermissionPolicy(session.defaultSession, appPageUrl, appWindowContents);
      const link = deepLinkFromArgv(process.argv);
      if (link) openDeepLink(link);
      core = await createCore();
      resolveCore(core);
      forwardViews(core, () => mainWindow);
      void core.start();
      showWindow();
      app.on('activate', () => {
        if (opensWindowOnActivate(BrowserWindow.getAllWindows().length)) showWindow();
      });
    })
    .catch(failStartup);
}

start();
