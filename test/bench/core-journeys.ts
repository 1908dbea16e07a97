import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFileSettingsStore } from '../../electron/core/adapters/file-settings-store';
import { createKeytarSecretStore } from '../../electron/core/adapters/keytar-secret-store';
import { KeywayCore } from '../../electron/core/keyway-core';
import type { View } from '../../electron/ipc/view';

/**
 * Core driven the way the renderer would, with no human delay: the real keychain (keytar), a real
 * settings file in a fresh profile, Node's fetch. Kept free of benchmark machinery so the memory
 * benchmark can load it alone in a process.
 */
export function newCore(browserOpen: (url: string, core: KeywayCore) => void = () => undefined): KeywayCore {
  const core: KeywayCore = new KeywayCore({
    plainHttpLoopback: true,
    secrets: createKeytarSecretStore(),
    settings: createFileSettingsStore(mkdtempSync(path.join(os.tmpdir(), 'keyway-bench-profile-'))),
    fetch: globalThis.fetch,
    clock: { now: () => Date.now() },
    policy: {},
    browser: {
      open: (url) => {
        browserOpen(url, core);
        return Promise.resolve();
      },
    },
  });
  return core;
}

/** Resolves with the first view on `screen`; answers the screens in `answers` at once. */
export function until(
  core: KeywayCore,
  screen: View['screen'],
  answers: Partial<Record<View['screen'], () => void>>,
): Promise<View> {
  return new Promise((resolve, reject) => {
    const off = core.onView((view) => {
      if (view.screen === screen) {
        off();
        resolve(view);
        return;
      }
      const error = 'error' in view ? (view.error as { code?: string } | null | undefined) : undefined;
      if (error) {
        off();
        reject(new Error(`core stopped on ${view.screen}: ${error.code ?? 'unknown error'}`));
        return;
      }
      const answer = answers[view.screen];
      // Answer after this listener returns: core is still publishing the view.
      if (answer) queueMicrotask(answer);
    });
  });
}

/** Hands `link` to a started core and answers confirm, license and password; ms until Home. */
export async function deepLinkJourney(link: string, password: string, core = newCore()): Promise<number> {
  await core.start();
  const home = until(core, 'home', {
    confirmServer: () => core.send({ type: 'server.confirmed' }),
    license: () => core.send({ type: 'license.accepted' }),
    password: () => core.send({ type: 'password.submitted', password }),
  });
  const started = performance.now();
  core.openDeepLink(link);
  await home;
  const elapsed = performance.now() - started;
  await core.settled();
  return elapsed;
}
