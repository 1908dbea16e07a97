import { KeywayError } from '../../../protocol/errors';
import type { SecretStore } from '../ports';
import { KEYCHAIN_SERVICE } from '../secrets/accounts';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/**
 * Long enough for a person to type the keychain password into the OS's unlock prompt, short enough
 * that a keychain that never answers (a hung daemon) cannot leave Keyway waiting for ever.
 */
const KEYCHAIN_TIMEOUT_MS = 30_000;

/** The account `probe()` writes and removes at once; its value is no secret. */
const PROBE_ACCOUNT = 'keyway-probe';

/**
 * The OS keychain through keytar: Keychain on macOS, Credential Manager on Windows, Secret Service
 * (gnome-keyring, KWallet) on Linux. keytar is loaded lazily so a missing native build or a missing
 * keychain becomes `keychain_unavailable` at the moment a secret is needed, never a crash at start;
 * a locked keychain is `keychain_locked`. Both say what to do, and a secret never goes to a file.
 */
export function createKeytarSecretStore(
  service = KEYCHAIN_SERVICE,
  load: () => Keytar | Promise<Keytar> = loadKeytar,
  timeoutMs = KEYCHAIN_TIMEOUT_MS,
): SecretStore {
  let keytar: Promise<Keytar> | null = null;
  const withKeytar = async <T>(action: (k: Keytar) => Promise<T>): Promise<T> => {
    try {
      // A loader that throws (no native build for this architecture) is the same as one that rejects.
      keytar ??= Promise.resolve().then(load);
      return await withTimeout(action(await keytar), timeoutMs);
    } catch (error) {
      throw keychainError(error);
    }
  };
  return {
    get: (account) => withKeytar((k) => k.getPassword(service, account)),
    set: (account, secret) => withKeytar((k) => k.setPassword(service, account, secret)),
    delete: (account) => withKeytar((k) => k.deletePassword(service, account)),
    // A locked Secret Service answers "nothing stored" to a read, but refuses a write: so write.
    probe: async () => {
      await withKeytar((k) => k.setPassword(service, PROBE_ACCOUNT, 'probe'));
      await withKeytar((k) => k.deletePassword(service, PROBE_ACCOUNT)).catch(() => false);
    },
  };
}

/** What the keychain's own error means for the user (the libraries' messages are the only signal). */
function keychainError(error: unknown): KeywayError {
  if (error instanceof KeywayError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (LOCKED.test(detail)) {
    return new KeywayError(
      'keychain_locked',
      'Your system keychain is locked, so Keyway cannot keep you signed in. Unlock it (on Linux, for example with “Passwords and Keys”), then press Try again.',
      { cause: error },
    );
  }
  return new KeywayError('keychain_unavailable', unavailableMessage(), { cause: error });
}

/**
 * libsecret: "Cannot create an item in a locked collection", "Object does not exist at path
 * …/collection/login" (no default keyring unlocked, and no prompt to create one); macOS Security:
 * "User interaction is not allowed", "The user name or passphrase you entered is not correct".
 */
const LOCKED =
  /locked collection|is locked|collection\/login|prompt (was )?dismissed|user interaction is not allowed|passphrase you entered/i;

function unavailableMessage(): string {
  if (process.platform === 'linux') {
    return 'Keyway can’t reach your system keychain (Secret Service), so it cannot keep you signed in. Start or install gnome-keyring (or another Secret Service such as KWallet) and unlock it, then press Try again.';
  }
  return 'Keyway can’t reach your system keychain, so it cannot keep you signed in. Check that you are signed in to this computer normally, then press Try again.';
}

function withTimeout<T>(operation: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`The keychain did not answer within ${Math.round(timeoutMs / 1000)} seconds.`)),
      timeoutMs,
    );
  });
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A plain CommonJS `require` with a literal name, not `import()`: esbuild keeps it as `require("keytar")` in
 * main.cjs (keytar is external, scripts/build-node.mjs), so Electron loads the native module through its
 * CommonJS loader, which redirects `app.asar/…/keytar.node` to `app.asar.unpacked` (electron-builder's
 * asarUnpack; https://www.electronjs.org/docs/latest/tutorial/asar-archives#executing-binaries-inside-asar-archive),
 * rather than through the ESM loader, whose asar support has failed before (`import()` of a package inside
 * app.asar: ERR_MODULE_NOT_FOUND, electron/electron#38957, electron/asar#249). ESM bundles (harness, bench) get the same call through the `require` their banner defines;
 * Vitest provides one.
 */
export function loadKeytar(): Keytar {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the static require is the point (see above)
  const module = require('keytar') as Keytar & { default?: Keytar };
  return module.default ?? module;
}
