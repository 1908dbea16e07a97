import { app, type BrowserWindow } from 'electron';
import { autoUpdater } from 'electron-updater';
import type { ClientConfig } from '../../protocol/client-config';
import type { KeywayCore } from '../core/keyway-core';
import { pushedUpdateChannel } from '../core/managed-config';
import type { MachinePolicy } from '../core/machine-policy/schema';
import { createUpdateSchedule, decideUpdates, type UpdateDecisionInput } from '../core/updates';
import { ELECTRON_EVENT_CHANNEL } from '../ipc/bridge';
import { encodeEvent } from '../ipc/dispatcher';
import { liveWindow, updaterStaysUnconfigured } from './lifecycle';

/**
 * Wires electron-updater to core's decisions (electron/core/updates, tested in Node): whether to update
 * at all (packaged, not disabled by policy), where from (the server's /updates/ feed, https only), and
 * when (shortly after start, then daily). electron-updater downloads in the background, checks the
 * sha512 that latest*.yml gives for the file, and on Windows the installer's publisher against the
 * running app's (app-update.yml's publisherName, written by electron-builder from the signing
 * certificate); macOS's Squirrel.Mac checks the code signature. The download installs at the next quit,
 * or at once on "Restart to update".
 * https://www.electron.build/auto-update (setFeedURL, events, quitAndInstall).
 */
export function startAutoUpdates(options: {
  readonly core: KeywayCore;
  readonly policy: MachinePolicy | null;
  /** The active profile's server and what its organisation pushed (settings file; parsed by core). */
  readonly readActive: () => Promise<{ origin: string | null; managed: ClientConfig | undefined }>;
  readonly getWindow: () => BrowserWindow | null;
  readonly log?: (line: string) => void;
}): void {
  const log = options.log ?? ((line: string) => console.log(line));
  const input = (active: { origin: string | null; managed?: ClientConfig | undefined }): UpdateDecisionInput => ({
    isPackaged: app.isPackaged,
    disableAutoUpdate: options.policy?.disableAutoUpdate,
    presetServer: options.policy?.presetServer,
    activeOrigin: active.origin,
    appVersion: app.getVersion(),
    // The machine policy's disableAutoUpdate beats a pushed channel (managed-config.ts).
    pushedChannel: pushedUpdateChannel(options.policy?.disableAutoUpdate, active.managed),
  });
  // Decided before electron-updater is touched: off in development and under the policy, it is never
  // configured at all (its `autoUpdater` is created on first access).
  const first = decideUpdates(input({ origin: null }));
  if (updaterStaysUnconfigured(first)) {
    log(`updates: off (${first.detail})`);
    return;
  }

  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.allowDowngrade = false;
  autoUpdater.on('update-downloaded', (info) => {
    options.core.updates.markReady(info.version, () => autoUpdater.quitAndInstall());
  });
  autoUpdater.on('error', (error: Error) => log(`updates: ${error.message}`));
  options.core.updates.onChange((state) => {
    const window = liveWindow(options.getWindow());
    if (window) {
      window.webContents.send(ELECTRON_EVENT_CHANNEL, encodeEvent('update', state));
    }
  });

  let feedUrl: string | null = null;
  createUpdateSchedule({
    timers: { setTimeout: (run, ms) => setTimeout(run, ms), clearTimeout: (handle) => clearTimeout(handle as never) },
    log,
    check: async () => {
      // Asked at every check: the user may have signed in (or moved server) since the last one.
      const decision = decideUpdates(input(await options.readActive().catch(() => ({ origin: null }))));
      if (!decision.enabled) {
        log(`updates: not checked (${decision.detail})`);
        return false;
      }
      if (feedUrl !== decision.feed.url) {
        autoUpdater.setFeedURL(decision.feed);
        feedUrl = decision.feed.url;
      }
      const result = await autoUpdater.checkForUpdates();
      await result?.downloadPromise;
      return options.core.updates.get().ready;
    },
  }).start();
}
