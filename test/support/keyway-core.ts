import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { createFileSettingsStore } from '../../electron/core/adapters/file-settings-store';
import { KeywayCore } from '../../electron/core/keyway-core';
import type { View } from '../../electron/ipc/view';
import { memorySecrets } from './memory-secrets';
import { signInThroughProvider } from './provider-pages';

/** What KeywayCore is made of (its constructor's one argument). */
export type CoreDeps = ConstructorParameters<typeof KeywayCore>[0];

/** The browser port of a test where Keyway must never open the system browser. */
const NO_BROWSER: CoreDeps['browser'] = {
  open: () => Promise.reject(new Error('no browser in this test')),
};

/**
 * Keyway core as the core integration tests run it against the reference server on 127.0.0.1: plain
 * http loopback allowed, a real settings file in a fresh profile directory (or `profileDir`), the real
 * fetch and clock, no machine policy, an in-memory keychain and no system browser, each unless given.
 */
export function testCore(options: Partial<CoreDeps> & { profileDir?: string; profilePrefix?: string } = {}): {
  core: KeywayCore;
  profileDir: string;
} {
  const { profileDir: given, profilePrefix, ...deps } = options;
  const profileDir = given ?? mkdtempSync(path.join(os.tmpdir(), profilePrefix ?? 'keyway-it-profile-'));
  const core = new KeywayCore({
    plainHttpLoopback: true,
    secrets: memorySecrets(),
    settings: createFileSettingsStore(profileDir),
    fetch: globalThis.fetch,
    clock: { now: () => Date.now() },
    policy: {},
    browser: NO_BROWSER,
    ...deps,
  });
  return { core, profileDir };
}

/**
 * A system browser that signs in at the provider with `password` (the login ID from login_hint) and
 * hands the redirect back to Keyway's loopback listener, as a person's browser would; it rejects when
 * the provider stops on a page it cannot pass.
 */
export function providerSignInBrowser(password: string): CoreDeps['browser'] {
  return {
    open: async (url) => {
      const loopback = new URL(new URL(url).searchParams.get('redirect_uri') ?? '');
      const callback = await signInThroughProvider(url, password, (u) => u.host === loopback.host);
      void fetch(callback).catch(() => undefined);
    },
  };
}

/**
 * A first sign-in by Manual Login on `host` as `loginId`: discovery, the license accepted, then
 * whatever the sign-in method does; returns the view once core has settled.
 */
export async function signInByManualLogin(core: KeywayCore, host: string, loginId: string): Promise<View> {
  await core.start();
  core.send({ type: 'manualLogin.opened' });
  core.send({ type: 'manualLogin.changed', host, loginId });
  core.send({ type: 'next.pressed' });
  await core.settled();
  expect(core.getView().screen).toBe('license');
  core.send({ type: 'license.accepted' });
  await core.settled();
  return core.getView();
}
