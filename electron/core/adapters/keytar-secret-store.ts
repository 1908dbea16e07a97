import { KeywayError } from '../../../protocol/errors';
import type { SecretStore } from '../ports';
import { KEYCHAIN_SERVICE } from '../secrets/accounts';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

const UNAVAILABLE =
  'The system keychain is not available, so Keyway cannot keep you signed in. On Linux, install and unlock a Secret Service keychain (for example gnome-keyring).';

/**
 * The OS keychain through keytar: Keychain on macOS, Credential Manager on Windows, Secret Service
 * (gnome-keyring, KWallet) on Linux. keytar is loaded lazily so a missing native build or a missing
 * keychain becomes `keychain_unavailable` at the moment a secret is needed, never a crash at start.
 */
export function createKeytarSecretStore(
  service = KEYCHAIN_SERVICE,
  load: () => Promise<Keytar> = loadKeytar,
): SecretStore {
  let keytar: Promise<Keytar> | null = null;
  const withKeytar = async <T>(action: (k: Keytar) => Promise<T>): Promise<T> => {
    try {
      keytar ??= load();
      return await action(await keytar);
    } catch (error) {
      throw new KeywayError('keychain_unavailable', UNAVAILABLE, { cause: error });
    }
  };
  return {
    get: (account) => withKeytar((k) => k.getPassword(service, account)),
    set: (account, secret) => withKeytar((k) => k.setPassword(service, account, secret)),
    delete: (account) => withKeytar((k) => k.deletePassword(service, account)),
  };
}

async function loadKeytar(): Promise<Keytar> {
  const module = (await import('keytar')) as Keytar & { default?: Keytar };
  return module.default ?? module;
}
