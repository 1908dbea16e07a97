import type { Settings } from './settings/schema';

/**
 * How core talks to the world. Adapters implement these: keytar and a file store in the harness,
 * keytar and electron-store in Electron, in-memory doubles only where no real part can run.
 */

/** The OS keychain. Fails with `keychain_unavailable`; a secret never falls back to a file. */
export interface SecretStore {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** Resolves true when something was deleted. */
  delete(account: string): Promise<boolean>;
}

/** Settings and profiles: no secrets. Reads return migrated, validated settings. */
export interface SettingsStore {
  read(): Promise<Settings>;
  write(settings: Settings): Promise<void>;
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
}

/**
 * Opens a URL in the user's default browser (the system browser, never an embedded view). Core only
 * ever opens the identity provider's authorization endpoint and says which origin that is, so the
 * adapter can refuse anything else.
 */
export interface ExternalBrowser {
  open(url: string, identityProviderOrigin: string): Promise<void>;
}
