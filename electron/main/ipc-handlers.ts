import type { BrowserWindow, IpcMain } from 'electron';
import type { KeywayCore } from '../core/keyway-core';
import { ELECTRON_EVENT_CHANNEL, ELECTRON_INVOKE_CHANNEL } from '../ipc/bridge';
import { encodeEvent } from '../ipc/dispatcher';
import type { ResponseEnvelope } from '../ipc/wire';
import { ipcSenderDecision } from './guards';
import { liveWindow } from './lifecycle';

export type Dispatch = (raw: unknown) => Promise<ResponseEnvelope>;

/**
 * Serves the IPC contract over Electron IPC. Registered synchronously at start-up, before any window
 * can exist, with core's dispatcher as a promise: a window opened early (a `second-instance` or macOS
 * `open-url` during start-up) has its first calls answered once core is ready, never rejected for want
 * of a handler. Every call is first checked to come from the app window's own main frame showing the
 * app (guards.ts ipcSenderDecision); anything else is refused with `ipc_untrusted_sender`.
 */
export function serveContractOverIpc(
  ipc: Pick<IpcMain, 'handle'>,
  options: {
    readonly dispatch: Promise<Dispatch>;
    readonly appPageUrl: string;
    readonly getWindow: () => BrowserWindow | null;
  },
): void {
  // A start-up failure is reported by its own dialog (startup-failure.ts); here it must only not be
  // an unhandled rejection, and calls made meanwhile get an answer instead of hanging.
  options.dispatch.catch(() => undefined);
  ipc.handle(ELECTRON_INVOKE_CHANNEL, async (event, raw: unknown): Promise<ResponseEnvelope> => {
    const window = liveWindow(options.getWindow());
    const verdict = ipcSenderDecision(
      { sender: event.sender, senderFrame: event.senderFrame },
      window ? { webContents: window.webContents, mainFrame: window.webContents.mainFrame } : null,
      options.appPageUrl,
    );
    if (!verdict.trusted) {
      return {
        ok: false,
        error: { code: 'ipc_untrusted_sender', message: 'IPC refused: the caller is not the Keyway page.' },
      };
    }
    let dispatch: Dispatch;
    try {
      dispatch = await options.dispatch;
    } catch {
      return { ok: false, error: { code: 'internal', message: 'Keyway could not start. Please restart it.' } };
    }
    return dispatch(raw);
  });
}

/** Pushes every view core publishes to the app window, when there is one (a new window asks for the current view). */
export function forwardViews(core: Pick<KeywayCore, 'onView'>, getWindow: () => BrowserWindow | null): void {
  core.onView((view) => {
    liveWindow(getWindow())?.webContents.send(ELECTRON_EVENT_CHANNEL, encodeEvent('view', view));
  });
}
