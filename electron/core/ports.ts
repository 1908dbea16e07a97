import type { Settings } from './settings/schema';

/**
 * How core talks to the world. Adapters implement these: keytar and a file store in the harness,
 * keytar and the same settings file in Electron, in-memory doubles only where no real part can run.
 */

/**
 * The OS keychain. Fails with `keychain_unavailable` (none reachable) or `keychain_locked`; a secret
 * never falls back to a file.
 */
export interface SecretStore {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** Resolves true when something was deleted. */
  delete(account: string): Promise<boolean>;
  /**
   * Rejects with `keychain_locked` or `keychain_unavailable` when secrets cannot be stored now. Some
   * keychains answer "nothing stored" while locked, so core asks before concluding a session ended.
   */
  probe?(): Promise<void>;
}

/** Settings and profiles: no secrets. Reads return migrated, validated settings. */
export interface SettingsStore {
  read(): Promise<Settings>;
  write(settings: Settings): Promise<void>;
  /** What the store had to repair when it opened the settings file, reported once (then null). */
  takeRecovery?(): SettingsRecovery | null;
}

/** A damaged settings file, and what became of it. */
export interface SettingsRecovery {
  /** `restored`: the last good copy replaced it; `reset`: there was no good copy, Keyway started fresh. */
  readonly outcome: 'restored' | 'reset';
  /** When the restored copy was saved (epoch ms); null after a reset. */
  readonly savedAt: number | null;
  /** The file name the damaged file was kept under, for support; null if there was nothing to keep. */
  readonly damagedCopy: string | null;
}

export interface Clock {
  now(): number;
}

export type Fetch = typeof fetch;

/** Machine-wide policy set by IT, as core needs it (read and validated by electron/core/machine-policy). */
export interface Policy {
  /** Host patterns (`*.example.com`, `keyway.example.com`); when present, any other server is refused. */
  readonly allowedServers?: readonly string[];
  readonly disableImport?: boolean;
  readonly disableManualLogin?: boolean;
  /** Password sign-in is refused; only the identity provider (OIDC) may be used. */
  readonly forceUnifiedLogin?: boolean;
  /** A server origin: Welcome offers the login-ID page for it instead of the paste step. */
  readonly presetServer?: string;
  /** A BCP 47 tag: the language IT chose; it wins over the operating system's (see core/language.ts). */
  readonly defaultLanguage?: string;
}

/**
 * Opens a URL in the user's default browser (the system browser, never an embedded view). Core only
 * ever opens the identity provider's authorization endpoint and says which origin that is, so the
 * adapter can refuse anything else.
 */
export interface ExternalBrowser {
  open(url: string, identityProviderOrigin: string): Promise<void>;
}
