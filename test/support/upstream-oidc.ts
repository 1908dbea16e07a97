// oidc-provider ships no types; the server's declaration of its API is part of this program only through this.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- a script (declare module), not importable
/// <reference path="../../server/oidc/oidc-provider.d.ts" />
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Provider } from 'oidc-provider';
import { SecretBox } from '../../server/mfa/secret-box';
import { DatabaseAdapter } from '../../server/oidc/adapter';
import { loadOidcProvider } from '../../server/oidc/load';
import { runMigrations } from '../../server/storage/migrations';
import { sqliteStorage } from '../../server/storage/storage';
import { openSqlite } from '../../server/storage/sqlite';

/** The claims an upstream account has; `sub` is its key. */
export interface UpstreamAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface UpstreamOidc {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, UpstreamAccount>;
  /**
   * Who signs in at the next interaction: an account's `sub`, or 'deny' to answer access_denied.
   * The upstream has no form: like an IdP where the user already has a session, it signs them in.
   */
  signInAs: string;
  close(): Promise<void>;
}

/**
 * A second, real oidc-provider instance on 127.0.0.1, as the enterprise's upstream OpenID provider
 * (Entra ID, Okta, Google …), with one confidential client for Keyway's broker. Its cookies have
 * their own names: browsers share cookies between ports of one host, and they must not collide
 * with the reference server's provider. ID tokens carry only `sub` (oidc-provider's default, as Entra
 * ID without optional claims), so the broker has to read the e-mail from userinfo.
 */
export async function startUpstreamOidc(options: {
  redirectUri: string;
  authMethod?: 'client_secret_basic' | 'client_secret_post';
}): Promise<UpstreamOidc> {
  const library = await loadOidcProvider();
  const accounts = new Map<string, UpstreamAccount>();
  const clientId = 'keyway-broker';
  const clientSecret = randomBytes(24).toString('base64url');
  const state: { signInAs: string; provider?: Provider } = { signInAs: '' };

  const server = http.createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(error instanceof Error ? error.message : String(error));
    });
  });
  const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const provider = state.provider;
    if (!provider) throw new Error('not ready');
    if (!(request.url ?? '').startsWith('/interaction/')) {
      await provider.callback()(request, response);
      return;
    }
    const details = await provider.interactionDetails(request, response);
    if (state.signInAs === 'deny') {
      await provider.interactionFinished(request, response, {
        error: 'access_denied',
        error_description: 'The user said no.',
      });
      return;
    }
    const accountId = state.signInAs;
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(
      request,
      response,
      { login: { accountId }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Real storage and keys (an in-memory SQLite with the server's schema), so the provider starts quietly.
  const storage = sqliteStorage(openSqlite(':memory:'));
  await runMigrations(storage);
  const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  state.provider = new library.Provider(issuer, {
    // Its own key file in a fresh directory, as a data dir would have.
    adapter: await DatabaseAdapter.factory(
      storage,
      SecretBox.inDataDir(mkdtempSync(path.join(os.tmpdir(), 'keyway-upstream-'))),
    ),
    jwks: { keys: [{ ...signingKey, kid: 'upstream', alg: 'ES256', use: 'sig' }] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: options.authMethod ?? 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    cookies: {
      keys: [randomBytes(16).toString('hex')],
      names: { session: '_upstream_session', interaction: '_upstream_interaction', resume: '_upstream_resume' },
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      return Promise.resolve(account && { accountId: sub, claims: () => ({ ...account }) });
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
  });

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    get signInAs() {
      return state.signInAs;
    },
    set signInAs(value: string) {
      state.signInAs = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          // Storage.close() is idempotent.
          void storage.close().then(resolve);
        });
      }),
  };
}
