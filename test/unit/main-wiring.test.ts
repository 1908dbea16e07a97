import { EventEmitter } from 'node:events';
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent, Session, Shell, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createCoreHandlers, type KeywayCore } from '../../electron/core/keyway-core';
import { ELECTRON_INVOKE_CHANNEL } from '../../electron/ipc/bridge';
import { createDispatcher } from '../../electron/ipc/dispatcher';
import { createSystemBrowser } from '../../electron/main/external-browser';
import { serveContractOverIpc, type Dispatch } from '../../electron/main/ipc-handlers';
import { installPermissionPolicy, lockDownContents } from '../../electron/main/lockdown';
import { offlineCore } from './support/memory-ports';

// Thin stand-ins for the Electron objects main wires (no Electron binary here). Each records the
// handlers main installs, so a test can play the hostile page's part and see what main answers.
// Electron's types are used for the calls, so a stand-in that drifts from the real API fails tsc.

const APP = 'app://keyway/index.html';

class FakeContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly mainFrame = { url: APP };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  /** Emits a navigation event the way Electron does; true when a listener prevented it. */
  navigate(event: string, url: string): boolean {
    let prevented = false;
    this.emit(event, { url, preventDefault: () => (prevented = true) });
    return prevented;
  }
}

const asContents = (fake: FakeContents) => fake as unknown as WebContents;

describe('lockDownContents wires the navigation and window.open guards', () => {
  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])(
    '%s: leaves the app page only by staying',
    (event) => {
      const contents = new FakeContents();
      lockDownContents(asContents(contents), APP);
      expect(contents.navigate(event, 'https://attacker.example/phish')).toBe(true);
      expect(contents.navigate(event, 'file:///etc/passwd')).toBe(true);
      expect(contents.navigate(event, 'app://evil/index.html')).toBe(true);
      expect(contents.navigate(event, `${APP}#/home`)).toBe(false);
    },
  );

  it('refuses every window.open and every <webview>', () => {
    const contents = new FakeContents();
    lockDownContents(asContents(contents), APP);
    for (const url of ['https://attacker.example/', APP, 'about:blank', 'javascript:alert(1)']) {
      expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(contents.navigate('will-attach-webview', 'https://attacker.example/')).toBe(true);
  });
});

describe('installPermissionPolicy wires both permission handlers', () => {
  type RequestHandler = (
    contents: WebContents,
    permission: string,
    callback: (granted: boolean) => void,
    details: { requestingUrl: string; isMainFrame: boolean },
  ) => void;
  type CheckHandler = (
    contents: WebContents | null,
    permission: string,
    origin: string,
    details: { requestingUrl?: string; isMainFrame: boolean },
  ) => boolean;

  function setUp() {
    const handlers: { request?: RequestHandler; check?: CheckHandler } = {};
    const session = {
      setPermissionRequestHandler: (handler: RequestHandler) => (handlers.request = handler),
      setPermissionCheckHandler: (handler: CheckHandler) => (handlers.check = handler),
    };
    const appContents = new FakeContents();
    installPermissionPolicy(session as unknown as Session, APP, () => asContents(appContents));
    const request = (contents: FakeContents, permission: string, requestingUrl = APP, isMainFrame = true) => {
      let granted: boolean | undefined;
      handlers.request?.(asContents(contents), permission, (value) => (granted = value), {
        requestingUrl,
        isMainFrame,
      });
      return granted;
    };
    const check = (contents: FakeContents | null, permission: string, origin = 'app://keyway', isMainFrame = true) =>
      handlers.check?.(contents && asContents(contents), permission, origin, { requestingUrl: APP, isMainFrame });
    return { appContents, request, check };
  }

  it('grant clipboard write to the app window’s page, by request and by check', () => {
    const { appContents, request, check } = setUp();
    expect(request(appContents, 'clipboard-sanitized-write')).toBe(true);
    expect(check(appContents, 'clipboard-sanitized-write')).toBe(true);
  });

  it('refuse everything else: other permissions, other contents, subframes, other origins, no contents', () => {
    const { appContents, request, check } = setUp();
    const stranger = new FakeContents();
    expect(request(appContents, 'clipboard-read')).toBe(false);
    expect(request(appContents, 'media')).toBe(false);
    expect(request(appContents, 'openExternal')).toBe(false);
    expect(request(stranger, 'clipboard-sanitized-write')).toBe(false);
    expect(request(appContents, 'clipboard-sanitized-write', APP, false)).toBe(false);
    expect(request(appContents, 'clipboard-sanitized-write', 'https://attacker.example/')).toBe(false);
    expect(check(appContents, 'notifications')).toBe(false);
    expect(check(stranger, 'clipboard-sanitized-write')).toBe(false);
    expect(check(null, 'clipboard-sanitized-write')).toBe(false);
    expect(check(appContents, 'clipboard-sanitized-write', 'https://attacker.example')).toBe(false);
    expect(check(appContents, 'clipboard-sanitized-write', 'app://keyway', false)).toBe(false);
  });
});

describe('the system browser opens only the identity provider’s sign-in page', () => {
  it('passes an allowed URL to shell.openExternal and never a refused one', async () => {
    const openExternal = vi.fn<Shell['openExternal']>(() => Promise.resolve());
    const open = createSystemBrowser({ openExternal });
    const idp = 'https://login.example.com';
    await open(`${idp}/authorize?client_id=keyway-desktop`, idp);
    expect(openExternal).toHaveBeenCalledWith(`${idp}/authorize?client_id=keyway-desktop`, { activate: true });
    for (const url of [
      'file:///C:/Windows/System32/calc.exe',
      'ms-settings:privacy',
      'https://evil.example/',
      'smb://x/y',
    ]) {
      await expect(open(url, idp)).rejects.toThrow(/Refusing to open/);
    }
    expect(openExternal).toHaveBeenCalledTimes(1);
  });
});

describe('IPC: served before any window exists, from the app window only', () => {
  type Handler = (event: IpcMainInvokeEvent, raw: unknown) => Promise<unknown>;

  function setUp(dispatch: Promise<Dispatch>) {
    const handlers = new Map<string, Handler>();
    const ipc = {
      handle: (channel: string, handler: Handler) => void handlers.set(channel, handler),
    } as unknown as Pick<IpcMain, 'handle'>;
    let window: { webContents: FakeContents; isDestroyed: () => boolean } | null = null;
    serveContractOverIpc(ipc, {
      dispatch,
      appPageUrl: APP,
      getWindow: () => window as unknown as BrowserWindow | null,
    });
    // Registered synchronously, before the test opens any window.
    const handler = handlers.get(ELECTRON_INVOKE_CHANNEL);
    if (handler === undefined) throw new Error('no invoke handler right after serveContractOverIpc');
    const openWindow = () => {
      const contents = new FakeContents();
      window = { webContents: contents, isDestroyed: () => false };
      return contents;
    };
    const call = (sender: FakeContents, frame: { url: string } | null, raw: unknown) =>
      handler({ sender, senderFrame: frame } as unknown as IpcMainInvokeEvent, raw);
    return { openWindow, call };
  }

  function realCore(): KeywayCore {
    return offlineCore();
  }

  it('answers a window opened during start-up once core is ready, instead of rejecting its first call', async () => {
    let ready: (dispatch: Dispatch) => void = () => undefined;
    const { openWindow, call } = setUp(new Promise<Dispatch>((resolve) => (ready = resolve)));
    // A second-instance during start-up: the window exists, core does not yet.
    const contents = openWindow();
    const answer = call(contents, contents.mainFrame, { command: 'getView', input: {} });
    const core = realCore();
    await core.start();
    ready(createDispatcher(createCoreHandlers(core)));
    await expect(answer).resolves.toMatchObject({ ok: true, output: { screen: 'welcome' } });
  });

  it('answers with a clear error, not a hang, when core could not start', async () => {
    const { openWindow, call } = setUp(Promise.reject(new Error('keychain exploded')));
    const contents = openWindow();
    await expect(call(contents, contents.mainFrame, { command: 'getView', input: {} })).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  it('refuses callers that are not the app window’s main frame, before core sees the call', async () => {
    const dispatch = vi.fn<Dispatch>(() => Promise.resolve({ ok: true, output: null }));
    const { openWindow, call } = setUp(Promise.resolve(dispatch));
    const refused = { ok: false, error: { code: 'ipc_untrusted_sender' } };
    const stranger = new FakeContents();
    // No window yet: nobody is trusted.
    await expect(call(stranger, stranger.mainFrame, { command: 'getView', input: {} })).resolves.toMatchObject(refused);
    const contents = openWindow();
    await expect(call(stranger, stranger.mainFrame, { command: 'getView', input: {} })).resolves.toMatchObject(refused);
    await expect(call(contents, { url: APP }, { command: 'getView', input: {} })).resolves.toMatchObject(refused);
    await expect(call(contents, null, { command: 'getView', input: {} })).resolves.toMatchObject(refused);
    contents.mainFrame.url = 'https://attacker.example/';
    await expect(call(contents, contents.mainFrame, { command: 'getView', input: {} })).resolves.toMatchObject(refused);
    expect(dispatch).not.toHaveBeenCalled();
    contents.mainFrame.url = APP;
    await expect(call(contents, contents.mainFrame, { command: 'getView', input: {} })).resolves.toEqual({
      ok: true,
      output: null,
    });
    expect(dispatch).toHaveBeenCalledTimes(1);
  });
});
