import type { SecretStore } from '../../electron/core/ports';

/** An in-memory keychain for core tests that are not about the keychain; `entries` shows what was stored. */
export function memorySecrets(): SecretStore & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: (a) => Promise.resolve(entries.get(a) ?? null),
    set: (a, s) => Promise.resolve(void entries.set(a, s)),
    delete: (a) => Promise.resolve(entries.delete(a)),
  };
}
