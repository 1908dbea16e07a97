import { KeywayCore } from '../../../electron/core/keyway-core';
import { KeywayError } from '../../../protocol/errors';
import type { SecretStore, SettingsStore } from '../../../electron/core/ports';
import { migrateSettings } from '../../../electron/core/settings/migrations';
import type { Settings } from '../../../electron/core/settings/schema';

/** In-memory doubles for unit tests only; integration and e2e use the real keychain and files. */
export function memorySecretStore(
  options: { unavailable?: boolean } = {},
): SecretStore & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  const guard = (): void => {
    if (options.unavailable) throw new KeywayError('keychain_unavailable', 'No keychain in this test.');
  };
  return {
    entries,
    get: (account) => Promise.resolve().then(() => (guard(), entries.get(account) ?? null)),
    set: (account, secret) => Promise.resolve().then(() => (guard(), void entries.set(account, secret))),
    delete: (account) => Promise.resolve().then(() => (guard(), entries.delete(account))),
  };
}

export function memorySettingsStore(initial?: unknown): SettingsStore & { current: () => unknown } {
  let raw: unknown = initial;
  return {
    current: () => raw,
    read: () => Promise.resolve().then(() => migrateSettings(structuredClone(raw))),
    write: (settings: Settings) => Promise.resolve().then(() => void (raw = structuredClone(settings))),
  };
}

/**
 * A real KeywayCore with in-memory ports and no network or browser: for unit tests of what core publishes
 * and how the transports carry it. `report` collects the problems core reports about itself.
 */
export function offlineCore(options: { report?: (problem: string) => void } = {}): KeywayCore {
  return new KeywayCore({
    plainHttpLoopback: true,
    secrets: memorySecretStore(),
    settings: memorySettingsStore(),
    fetch: () => Promise.reject(new TypeError('fetch failed')),
    clock: { now: () => 0 },
    policy: {},
    browser: { open: () => Promise.reject(new Error('no browser in unit tests')) },
    ...(options.report ? { report: options.report } : {}),
  });
}
