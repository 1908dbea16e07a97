import { ipcMain, type BrowserWindow } from 'electron';
import type { KeywayCore } from '../core/keyway-core';
import { createCoreHandlers } from '../core/keyway-core';
import { createDispatcher, encodeEvent } from '../ipc/dispatcher';
import { ELECTRON_EVENT_CHANNEL, ELECTRON_INVOKE_CHANNEL } from '../ipc/bridge';
import { isAppPageUrl } from './trusted-page';

/**
 * Serves the IPC contract over Electron IPC. Every call is checked to come from a frame showing the
 * app's own page; anything else (a navigated-away frame, a subframe with another URL) is refused.
 */
export function serveContractOverIpc(
  core: KeywayCore,
  appPageUrl: string,
  getWindow: () => BrowserWindow | null,
): void {
  const dispatch = createDispatcher(createCoreHandlers(core));
  ipcMain.handle(ELECTRON_INVOKE_CHANNEL, (event, raw: unknown) => {
    if (!isAppPageUrl(event.senderFrame?.url, appPageUrl)) {
      return {
        ok: false,
        error: { code: 'ipc_untrusted_sender', message: 'IPC refused: the caller is not the Keyway page.' },
      };
    }
    return dispatch(raw);
  });
  core.onView((view) => {
    const window = getWindow();
    if (window && !window.isDestroyed()) window.webContents.send(ELECTRON_EVENT_CHANNEL, encodeEvent('view', view));
  });
}
