import { EventEmitter } from 'node:events';
import type { IpcMainInvokeEvent, MenuItemConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoadedMachinePolicy } from '../../electron/core/machine-policy/load';
import { ELECTRON_EVENT_CHANNEL, ELECTRON_INVOKE_CHANNEL } from '../../electron/ipc/bridge';
import { memorySecretStore, memorySettingsStore } from './support/memory-ports';

// electron/main/main.ts itself, run in Node against a stand-in of the `electron` module: proves what
// main wires at start-up (the decisions are tested on their own in main-guards/main-wiring/main-shell).
// The stand-in records what main calls; the test plays the OS (ready, second-instance) and the page.
// keytar and the settings file are replaced by the in-memory ports; the machine policy by a promise
// the test settles, so "core is still starting" is a state the test holds, not a race it hopes for.

const hooks: { electron: unknown; policy: unknown } = vi.hoisted(() => ({ electron: null, policy: null }));
// Getters, so every test's fresh stand-in is the one main sees (the mocked module itself is cached).
const ELECTRON_EXPORTS = ['app', 'BrowserWindow', 'ipcMain', 'session', 'Menu', 'dialog', 'shell', 'net', 'protocol'];
vi.mock('electron', () =>
  Object.defineProperties(
    {},
    Object.fromEntries(
      ELECTRON_EXPORTS.map((name) => [
        name,
        { enumerable: true, get: () => (hooks.electron as Record<string, unknown>)[name] },
      ]),
    ),
  ),
);
vi.mock('../../electron/core/machine-policy/load', () => ({
  loadMachinePolicy: () => hooks.policy as Promise<LoadedMachinePolicy>,
}));
vi.mock('../../electron/core/adapters/keytar-secret-store', () => ({ createKeytarSecretStore: memorySecretStore }));
// electron-updater require()s the real `electron` package (no binary here); its wiring is tested on its own.
vi.mock('../../electron/main/updater', () => ({ startAutoUpdates: vi.fn() }));
vi.mock('../../electron/main/electron-settings-store', () => ({ createElectronSettingsStore: memorySettingsStore }));

type InvokeHandler = (event: IpcMainInvokeEvent, raw: unknown) => Promise<unknown>;

class FakeContents extends EventEmitter {
  readonly mainFrame = { url: '' };
  readonly sent: { channel: string; payload: unknown }[] = [];
  setWindowOpenHandler = vi.fn();
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
}

function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function fakeElectron(options: { packaged: boolean }) {
  const ready = deferred<undefined>();
  let isReady = false;
  const windows: FakeWindow[] = [];
  class FakeWindow extends EventEmitter {
    readonly webContents = new FakeContents();
    constructor(readonly options: unknown) {
      super();
      windows.push(this);
    }
    loadURL(url: string): Promise<void> {
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
    isDestroyed = () => false;
    isMinimized = () => false;
    focus = vi.fn();
    restore = vi.fn();
    show = vi.fn();
    static getAllWindows = () => windows;
  }
  const invoke = new Map<string, InvokeHandler>();
  const permission: { request?: (...args: unknown[]) => void } = {};
  const menus: MenuItemConstructorOptions[][] = [];
  const app = Object.assign(new EventEmitter(), {
    isPackaged: options.packaged,
    requestSingleInstanceLock: () => true,
    setAppUserModelId: vi.fn(),
    setAsDefaultProtocolClient: vi.fn(() => true),
    getAppPath: () => '/home/dev/keyway',
    getVersion: () => '0.1.0',
    getPath: () => '/nonexistent',
    getPreferredSystemLanguages: () => ['fr-CH'],
    getLocale: () => 'fr',
    whenReady: () => ready.promise,
    isReady: () => isReady,
    quit: vi.fn(),
    exit: vi.fn(),
  });
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: { handle: (channel: string, handler: InvokeHandler) => void invoke.set(channel, handler) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: (...args: unknown[]) => void) => (permission.request = handler),
        setPermissionCheckHandler: vi.fn(),
        setCertificateVerifyProc: vi.fn(),
        setProxy: vi.fn(() => Promise.resolve()),
      },
    },
    Menu: {
      buildFromTemplate: (template: MenuItemConstructorOptions[]) => (menus.push(template), { template }),
      setApplicationMenu: vi.fn(),
    },
    dialog: { showErrorBox: vi.fn() },
    shell: { openExternal: vi.fn(() => Promise.resolve()) },
    net: { fetch: () => Promise.reject(new TypeError('fetch failed')) },
    // The app:// scheme (electron/main/app-protocol.ts) registers through these.
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
  };
  return {
    electron,
    windows,
    menus,
    permission,
    invokeHandler: () => invoke.get(ELECTRON_INVOKE_CHANNEL),
    becomeReady: () => {
      isReady = true;
      ready.resolve(undefined);
    },
  };
}

const noPolicy: LoadedMachinePolicy = {
  result: { policy: null, source: 'machine policy', problems: [], caCertificates: [] },
  corePolicy: {},
};

/** Lets every pending promise callback run (main's ready handler, core's start). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

let fake: ReturnType<typeof fakeElectron>;
let policy: ReturnType<typeof deferred<LoadedMachinePolicy>>;

async function startMain(options: { packaged: boolean }) {
  fake = fakeElectron(options);
  policy = deferred<LoadedMachinePolicy>();
  hooks.electron = fake.electron;
  hooks.policy = policy.promise;
  await import('../../electron/main/main');
}

beforeEach(() => {
  vi.resetModules();
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe('main at start-up', () => {
  it('serves IPC before any window exists, and answers a window a second instance opened while core was starting', async () => {
    await startMain({ packaged: true });
    const handler = fake.invokeHandler();
    expect(handler, 'the IPC handler is registered synchronously at start').toBeDefined();
    expect(fake.windows).toHaveLength(0);

    fake.becomeReady();
    await settle();
    // Core is still waiting for the machine policy when the OS hands over a second launch.
    fake.electron.app.emit('second-instance', {}, ['/opt/Keyway/keyway']);
    expect(fake.windows).toHaveLength(1);
    const contents = fake.windows[0]?.webContents;
    if (!handler || !contents) throw new Error('no handler or no window');
    const first = handler({ sender: contents, senderFrame: contents.mainFrame } as unknown as IpcMainInvokeEvent, {
      command: 'getView',
      input: {},
    });

    policy.resolve(noPolicy);
    // Answered (core may still be resuming: the progress screen), not rejected for want of a handler.
    await expect(first).resolves.toMatchObject({ ok: true, output: { screen: expect.any(String) as unknown } });
    // The same window now receives the views core publishes.
    await handler({ sender: contents, senderFrame: contents.mainFrame } as unknown as IpcMainInvokeEvent, {
      command: 'setWelcomeInput',
      input: { text: 'K' },
    });
    expect(contents.sent.some((message) => message.channel === ELECTRON_EVENT_CHANNEL)).toBe(true);
  });

  it('refuses IPC from any web contents but the app window’s', async () => {
    await startMain({ packaged: true });
    fake.becomeReady();
    policy.resolve(noPolicy);
    await settle();
    await settle();
    const stranger = new FakeContents();
    stranger.mainFrame.url = fake.windows[0]?.webContents.mainFrame.url ?? '';
    await expect(
      fake.invokeHandler()?.({ sender: stranger, senderFrame: stranger.mainFrame } as unknown as IpcMainInvokeEvent, {
        command: 'getView',
        input: {},
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'ipc_untrusted_sender' } });
  });

  it('a packaged build: AppUserModelId set, no runtime protocol registration, a menu without Reload or DevTools', async () => {
    await startMain({ packaged: true });
    expect(fake.electron.app.setAppUserModelId).toHaveBeenCalledWith('dev.keyway.app');
    expect(fake.electron.app.setAsDefaultProtocolClient).not.toHaveBeenCalled();
    fake.becomeReady();
    await settle();
    const roles = JSON.stringify(fake.menus.at(-1));
    expect(roles).toContain('"copy"');
    expect(roles).not.toMatch(/reload|toggleDevTools|help/i);
    // French system, French menu.
    expect(roles).toContain('Édition');
  });

  it('development (the electron binary running the source): registers keyway:// with the app path and "--"', async () => {
    Object.defineProperty(process, 'defaultApp', { value: true, configurable: true });
    try {
      await startMain({ packaged: false });
    } finally {
      Reflect.deleteProperty(process, 'defaultApp');
    }
    expect(fake.electron.app.setAsDefaultProtocolClient).toHaveBeenCalledWith('keyway', process.execPath, [
      '/home/dev/keyway',
      '--',
    ]);
  });

  it('grants clipboard write to the app window it created, and to nothing else', async () => {
    await startMain({ packaged: true });
    fake.becomeReady();
    policy.resolve(noPolicy);
    await settle();
    await settle();
    const contents = fake.windows[0]?.webContents;
    const ask = (from: unknown) => {
      let granted: boolean | undefined;
      fake.permission.request?.(from, 'clipboard-sanitized-write', (value: boolean) => (granted = value), {
        requestingUrl: contents?.mainFrame.url,
        isMainFrame: true,
      });
      return granted;
    };
    expect(contents?.mainFrame.url).toBeTruthy();
    expect(ask(contents)).toBe(true);
    expect(ask(new FakeContents())).toBe(false);
  });

  it('locks down every web contents the app creates', async () => {
    await startMain({ packaged: true });
    const contents = new FakeContents();
    fake.electron.app.emit('web-contents-created', {}, contents);
    let prevented = false;
    contents.emit('will-navigate', { url: 'https://attacker.example/', preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(contents.setWindowOpenHandler).toHaveBeenCalled();
  });

  it('a start that fails shows why and exits non-zero', async () => {
    await startMain({ packaged: true });
    fake.becomeReady();
    await settle();
    // A window a second launch opened meanwhile gets an answer, not a call that hangs until the exit.
    fake.electron.app.emit('second-instance', {}, ['/opt/Keyway/keyway']);
    const contents = fake.windows[0]?.webContents;
    const pending = fake.invokeHandler()?.(
      { sender: contents, senderFrame: contents?.mainFrame } as unknown as IpcMainInvokeEvent,
      { command: 'getView', input: {} },
    );
    policy.reject(new Error('policy store exploded'));
    await settle();
    await settle();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(fake.electron.dialog.showErrorBox).toHaveBeenCalledWith(
      'Keyway n’a pas pu démarrer',
      expect.stringContaining('policy store exploded'),
    );
    expect(fake.electron.app.exit).toHaveBeenCalledWith(1);
  });

  it('one hardened window: a second start restores and focuses it, whatever switches its argv carries', async () => {
    await startMain({ packaged: true });
    fake.becomeReady();
    policy.resolve(noPolicy);
    await settle();
    await settle();
    expect(fake.windows).toHaveLength(1);
    const window = fake.windows[0];
    if (!window) throw new Error('no window');
    // The window main builds is the hardened one (packaged: no DevTools).
    expect(window.options).toMatchObject({
      webPreferences: {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        nodeIntegrationInWorker: false,
        webviewTag: false,
        webSecurity: true,
        devTools: false,
      },
    });
    window.isMinimized = () => true;
    fake.electron.app.emit('second-instance', {}, [
      '/opt/Keyway/keyway',
      '--profile=/tmp/evil',
      '--remote-debugging-port=9222',
      '--',
      'keyway://deploy?code=X',
    ]);
    expect(fake.windows).toHaveLength(1);
    expect(window.restore).toHaveBeenCalledTimes(1);
    expect(window.focus).toHaveBeenCalledTimes(1);
    // Closing it quits (this is not macOS).
    expect(process.platform).not.toBe('darwin');
    fake.electron.app.emit('window-all-closed');
    expect(fake.electron.app.quit).toHaveBeenCalled();
  });
});
