import * as client from 'openid-client';
import { isLoopbackHost } from '../../protocol/server-origin';
import type { Attempt, UpstreamIdentity } from './attempts';
import { FederationError } from './federation-errors';
import { emailTrusted } from './identity-mapping';
import type { IdentityProvider } from './provider-config';

type OidcProvider = Extract<IdentityProvider, { kind: 'oidc' }>;

/** Where the upstream provider sends the browser back; register it there as the redirect URI. */
export function oidcRedirectUri(origin: string, provider: { id: string }): string {
  return `${origin}/sso/oidc/${encodeURIComponent(provider.id)}/callback`;
}

/** What the server asks an upstream provider for: who the user is, with their address and name. */
const UPSTREAM_SCOPE = 'openid email profile';

/** A request to the upstream provider, ready but for the state of the attempt it belongs to. */
export interface PreparedRequest {
  nonce: string;
  codeVerifier: string;
  urlFor: (state: string) => string;
}

/**
 * Keyway's server as a confidential client of an upstream OpenID provider (Entra ID, Okta, Google,
 * Keycloak, …), on openid-client: discovery from the issuer, authorization code with PKCE S256,
 * state and nonce, client_secret_basic or _post, the ID token's signature, issuer, audience and nonce,
 * and the RFC 9207 `iss` of the authorization response whenever the provider advertises it. Plain
 * http is allowed only for an issuer on this computer (development and tests).
 */
export class OidcBroker {
  readonly #configurations = new Map<string, { version: number; config: Promise<client.Configuration> }>();

  constructor(
    private readonly clientSecret: (providerId: string) => Promise<string>,
    private readonly version: (providerId: string) => Promise<number | undefined>,
  ) {}

  /** Reads the provider's configuration and makes the nonce and PKCE pair of a new attempt. */
  async prepare(origin: string, provider: OidcProvider, loginHint: string | undefined): Promise<PreparedRequest> {
    const config = await this.configuration(provider);
    const nonce = client.randomNonce();
    const codeVerifier = client.randomPKCECodeVerifier();
    const challenge = await client.calculatePKCECodeChallenge(codeVerifier);
    const urlFor = (state: string): string =>
      client.buildAuthorizationUrl(config, {
        redirect_uri: oidcRedirectUri(origin, provider),
        scope: UPSTREAM_SCOPE,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state,
        nonce,
        ...(loginHint === undefined ? {} : { login_hint: loginHint }),
      }).href;
    return { nonce, codeVerifier, urlFor };
  }

  /** Trades the callback's code for tokens and returns who signed in; throws FederationError. */
  async verify(provider: OidcProvider, attempt: Attempt, state: string, callbackUrl: URL): Promise<UpstreamIdentity> {
    const config = await this.configuration(provider);
    if (attempt.nonce === undefined || attempt.codeVerifier === undefined) {
      throw new FederationError('sso_not_requested', 'This answer does not belong to a sign-in Keyway started.');
    }
    let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedState: state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw refusal(provider, error);
    }
    const claims = tokens.claims();
    if (!claims) throw new FederationError('oidc_upstream_exchange_failed', 'The provider returned no ID token.');
    let email = stringClaim(claims.email);
    let verified = claims.email_verified;
    let name = stringClaim(claims.name);
    if (email === undefined && config.serverMetadata().userinfo_endpoint !== undefined) {
      // Some providers (Entra ID without optional claims) keep the address out of the ID token.
      try {
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        email = stringClaim(info.email);
        verified = info.email_verified;
        name ??= stringClaim(info.name);
      } catch {
        // Without userinfo the sign-in can still follow a stored link; the mapping says if not.
      }
    }
    return {
      issuer: claims.iss,
      subject: claims.sub,
      ...(email === undefined ? {} : { email }),
      emailTrusted: email !== undefined && emailTrusted(provider, email, verified === true),
      ...(name === undefined ? {} : { name }),
    };
  }

  /** Discovery once per provider version; a changed provider (or a failed discovery) is looked up again. */
  private async configuration(provider: OidcProvider): Promise<client.Configuration> {
    const version = (await this.version(provider.id)) ?? 0;
    const cached = this.#configurations.get(provider.id);
    if (cached?.version === version) return cached.config;
    const config = this.discover(provider);
    config.catch(() => this.#configurations.delete(provider.id));
    this.#configurations.set(provider.id, { version, config });
    return config;
  }

  private async discover(provider: OidcProvider): Promise<client.Configuration> {
    const issuer = new URL(provider.oidc.issuer);
    const insecure = issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname);
    const secret = await this.clientSecret(provider.id);
    const authentication =
      provider.oidc.tokenEndpointAuthMethod === 'client_secret_post'
        ? client.ClientSecretPost(secret)
        : client.ClientSecretBasic(secret);
    try {
      return await client.discovery(issuer, provider.oidc.clientId, undefined, authentication, {
        // Deprecated by design, to stand out: only for an issuer on this computer (dev and tests).
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        execute: insecure ? [client.allowInsecureRequests] : [],
        timeout: 15,
      });
    } catch (error) {
      throw new FederationError(
        'sso_unavailable',
        `${provider.displayName} cannot be reached right now (its configuration at ${issuer.host} could not be read). Try again later.`,
        { cause: error },
      );
    }
  }
}

function refusal(provider: OidcProvider, error: unknown): FederationError {
  if (error instanceof FederationError) return error;
  const detail = messages(error);
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (code === 'OAUTH_AUTHORIZATION_RESPONSE_ERROR') {
    const { error: kind, error_description: description } = error as { error?: string; error_description?: string };
    return new FederationError(
      'oidc_upstream_error',
      `${provider.displayName} did not sign you in (${kind ?? 'error'}${description ? `: ${description}` : ''}).`,
      { cause: error },
    );
  }
  if (detail.includes('"iss"')) {
    return new FederationError(
      'oidc_upstream_issuer_mismatch',
      `The answer came from another issuer than ${provider.displayName} (${provider.oidc.issuer}), so it was refused.`,
      { cause: error },
    );
  }
  return new FederationError(
    'oidc_upstream_exchange_failed',
    `The sign-in with ${provider.displayName} could not be completed (${firstLine(detail)}). Try again.`,
    { cause: error },
  );
}

function messages(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    parts.push(current.message);
    current = current.cause;
  }
  return parts.join(' | ');
}

function firstLine(detail: string): string {
  return (detail.split(' | ').at(-1) ?? detail).slice(0, 200);
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
