import type * as OidcProviderModule from 'oidc-provider';

export type OidcProviderLibrary = typeof OidcProviderModule;

const RUNTIME_WARNING = 'oidc-provider WARNING: Unsupported runtime.';

/**
 * Imports oidc-provider. On import it warns "Unsupported runtime" on any Node older than 22, though
 * it runs on the Node 20.19+ Keyway supports (every provider test passes there); that one line is
 * left out so `npm start` does not greet people with a false alarm. Other output passes through.
 */
export async function loadOidcProvider(): Promise<OidcProviderLibrary> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith(RUNTIME_WARNING)) return;
    warn(...args);
  };
  try {
    return await import('oidc-provider');
  } finally {
    console.warn = warn;
  }
}
