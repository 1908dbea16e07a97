import type { Provider } from 'oidc-provider';
import type { ServerIdentity } from '../identity';
import type { Storage } from '../storage/storage';
import type { UserStore } from '../users/user-store';
import { DatabaseAdapter, type PayloadSealer } from './adapter';
import { InteractionCsrf } from './csrf';
import { oidcIssuer } from './issuer';
import { loadOidcSecrets } from './keys';
import { loadOidcProvider } from './load';
import { createOidcProvider } from './provider';

export interface Oidc {
  /** The provider; made on first use, since its issuer names the origin known only once the server listens. */
  provider: () => Provider;
  csrf: InteractionCsrf;
}

/** Loads (or on the first start generates) the provider's keys and wires it to the server's database. */
export async function createOidc(
  storage: Storage,
  identity: ServerIdentity,
  users: UserStore,
  sealer: PayloadSealer,
  log: (line: string) => void,
): Promise<Oidc> {
  const library = await loadOidcProvider();
  const secrets = await loadOidcSecrets(storage, sealer);
  // Made now: it moves rows stored before ids were hashed, before any request can look one up.
  const adapter = await DatabaseAdapter.factory(storage, sealer);
  let provider: Provider | undefined;
  return {
    csrf: new InteractionCsrf(secrets.csrfKey),
    provider: () => {
      if (identity.origin === '')
        throw new Error('The OpenID Provider needs the server origin; start listening first.');
      provider ??= createOidcProvider(library, {
        issuer: oidcIssuer(identity.origin),
        adapter,
        secrets,
        users,
        serverName: () => identity.name,
        log,
      });
      return provider;
    },
  };
}
