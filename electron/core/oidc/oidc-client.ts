import * as client from 'openid-client';
import { KEYWAY_ENROLMENT_PARAM, type UserSummary } from '../../../protocol/api';
import { KeywayError } from '../../../protocol/errors';
import { assertPlainHttpAllowed, isLoopbackHost } from '../../../protocol/server-origin';
import type { ExternalBrowser, Fetch } from '../ports';
import type { CustomSchemeRedirect } from './custom-scheme-redirect';
import { startLoopbackRedirect } from './loopback-redirect';
import { oidcError } from './oidc-errors';

/**
 * Unified login with openid-client v6: authorization code + PKCE S256, state, nonce, `login_hint`,
 * the loopback redirect, and the RFC 9207 `iss` check (openid-client enforces it when the provider
 * advertises it). The authorization URL opens in the system browser, never in Keyway.
 */
export interface OidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  /**
   * From a fresh deployment redemption only (protocol/api.ts SignInMethod): sent once as
   * `keyway_enrolment` so this installation's first sign-in may enrol a first authenticator.
   */
  readonly enrolmentTicket?: string | undefined;
}

export interface OidcSession {
  readonly refreshToken: string | null;
  readonly accessToken: string;
  readonly expiresIn: number;
  /** From the ID token; absent on refreshes that return none. */
  readonly user: UserSummary | null;
}

const OIDC_SCOPE = 'openid email profile offline_access';
const BROWSER_TIMEOUT_MS = 5 * 60_000;
/** Every request to the provider (discovery, token, refresh, revocation, device polls) gives up after this. */
const NETWORK_TIMEOUT_MS = 15_000;

export class OidcClient {
  readonly #configurations = new Map<string, Promise<client.Configuration>>();

  constructor(
    private readonly fetchImpl: Fetch,
    private readonly browser: ExternalBrowser,
    private readonly customScheme: CustomSchemeRedirect,
    private readonly browserTimeoutMs = BROWSER_TIMEOUT_MS,
    private readonly loopbackAllowed = true,
    private readonly networkTimeoutMs = NETWORK_TIMEOUT_MS,
    private readonly plainHttpLoopback = false,
  ) {}

  /**
   * Runs the browser sign-in; `onUrl` receives the authorization URL (for "Open the browser again").
   * The redirect is the loopback listener; when it cannot run, the private-use scheme.
   */
  async signIn(
    provider: OidcProvider,
    loginHint: string | null,
    uiLocales: string,
    signal: AbortSignal,
    onUrl: (url: string) => void,
  ): Promise<OidcSession> {
    try {
      const config = await this.configuration(provider);
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const redirect = await this.redirect(signal, state);
      try {
        const url = client.buildAuthorizationUrl(config, {
          redirect_uri: redirect.redirectUri,
          scope: OIDC_SCOPE,
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
          // OIDC Core §3.1.2.1: the provider's pages should speak Keyway's language (a hint it may ignore;
          // the reference server honours it before Accept-Language, server/http/languages.ts).
          ui_locales: uiLocales,
          // With a hint the provider pre-fills the user; without one, make it ask rather than reuse
          // whichever account the browser happens to be signed in to.
          ...(loginHint ? { login_hint: loginHint } : { prompt: 'select_account' }),
          ...(provider.enrolmentTicket ? { [KEYWAY_ENROLMENT_PARAM]: provider.enrolmentTicket } : {}),
        });
        onUrl(url.href);
        await this.browser.open(url.href, authorizationOrigin(config));
        const callback = await redirect.callback;
        const tokens = await client.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: verifier,
          expectedState: state,
          expectedNonce: nonce,
          idTokenExpected: true,
        });
        return sessionOf(tokens);
      } finally {
        redirect.close();
      }
    } catch (error) {
      throw oidcError(error, hostOf(provider));
    }
  }

  /**
   * RFC 8628, the last resort when no redirect can reach Keyway: the user opens a short URL on any
   * browser (this computer or a phone) and types the code `onCode` shows.
   */
  async signInWithDeviceCode(
    provider: OidcProvider,
    loginHint: string | null,
    signal: AbortSignal,
    onCode: (code: { userCode: string; verificationUri: string }) => void,
  ): Promise<OidcSession> {
    try {
      const config = await this.configuration(provider);
      const device = await client.initiateDeviceAuthorization(config, {
        scope: OIDC_SCOPE,
        ...(loginHint ? { login_hint: loginHint } : {}),
      });
      onCode({ userCode: device.user_code, verificationUri: device.verification_uri });
      return sessionOf(await client.pollDeviceAuthorizationGrant(config, device, undefined, { signal }));
    } catch (error) {
      if (signal.aborted) throw new KeywayError('oidc_cancelled', 'Sign-in was cancelled.', { cause: error });
      throw oidcError(error, hostOf(provider));
    }
  }

  private async redirect(
    signal: AbortSignal,
    expectedState: string,
  ): Promise<{ redirectUri: string; callback: Promise<URL>; close: () => void }> {
    try {
      if (!this.loopbackAllowed)
        throw new KeywayError('oidc_loopback_unavailable', 'The loopback redirect is turned off here.');
      return await startLoopbackRedirect({ timeoutMs: this.browserTimeoutMs, expectedState, signal });
    } catch (error) {
      if (!(error instanceof KeywayError) || error.code !== 'oidc_loopback_unavailable') throw error;
      const callback = this.customScheme.wait(this.browserTimeoutMs, signal, expectedState);
      callback.catch(() => undefined);
      return { redirectUri: this.customScheme.redirectUri, callback, close: () => undefined };
    }
  }

  async refresh(provider: OidcProvider, refreshToken: string): Promise<OidcSession> {
    try {
      return sessionOf(await client.refreshTokenGrant(await this.configuration(provider), refreshToken));
    } catch (error) {
      const mapped = oidcError(error, hostOf(provider));
      // invalid_grant: the refresh token was revoked, expired or replayed; the session has ended.
      if (mapped.code === 'oidc_exchange_failed')
        throw new KeywayError('session_invalid', 'Your session has ended. Please sign in again.', { cause: error });
      throw mapped;
    }
  }

  async revoke(provider: OidcProvider, refreshToken: string): Promise<void> {
    try {
      await client.tokenRevocation(await this.configuration(provider), refreshToken);
    } catch (error) {
      throw oidcError(error, hostOf(provider));
    }
  }

  private configuration(provider: OidcProvider): Promise<client.Configuration> {
    const key = `${provider.issuer} ${provider.clientId}`;
    let pending = this.#configurations.get(key);
    if (!pending) {
      pending = this.discover(provider);
      // A failed discovery is not cached: the next attempt asks again.
      pending.catch(() => this.#configurations.delete(key));
      this.#configurations.set(key, pending);
    }
    return pending;
  }

  private async discover(provider: OidcProvider): Promise<client.Configuration> {
    const issuer = new URL(provider.issuer);
    // Plain http only for an identity provider on this computer (development and tests).
    const insecure = issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname);
    if (issuer.protocol !== 'https:' && !insecure) {
      throw new KeywayError('server_insecure', `Refusing the identity provider ${issuer.host}: it must use https.`);
    }
    if (insecure) assertPlainHttpAllowed(issuer.origin, this.plainHttpLoopback);
    try {
      return await client.discovery(issuer, provider.clientId, { token_endpoint_auth_method: 'none' }, client.None(), {
        // Deprecated by design, to stand out: needed only for an http issuer on this computer.
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        execute: insecure ? [client.allowInsecureRequests] : [],
        [client.customFetch]: (url, options) => this.fetchImpl(url, options as RequestInit),
        // Seconds; openid-client keeps it for every later request made with this configuration.
        timeout: this.networkTimeoutMs / 1000,
      });
    } catch (error) {
      const mapped = oidcError(error, issuer.host);
      throw mapped.code.startsWith('server_')
        ? mapped
        : new KeywayError(
            'discovery_failed',
            `Keyway could not read the identity provider's configuration at ${issuer.host}.`,
            { cause: error },
          );
    }
  }
}

function sessionOf(tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers): OidcSession {
  const claims = tokens.claims();
  const user: UserSummary | null = claims
    ? {
        loginId: stringClaim(claims.preferred_username) ?? stringClaim(claims.email) ?? claims.sub,
        displayName: stringClaim(claims.name) ?? stringClaim(claims.email) ?? claims.sub,
        email: stringClaim(claims.email) ?? '',
      }
    : null;
  return {
    refreshToken: tokens.refresh_token ?? null,
    accessToken: tokens.access_token,
    expiresIn: tokens.expires_in ?? 600,
    user,
  };
}

const hostOf = (provider: OidcProvider): string => new URL(provider.issuer).host;

const stringClaim = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The origin of the provider's authorization endpoint, from its discovered metadata. */
function authorizationOrigin(config: client.Configuration): string {
  const endpoint = config.serverMetadata().authorization_endpoint;
  if (!endpoint)
    throw new KeywayError('discovery_failed', 'The identity provider does not publish an authorization endpoint.');
  return new URL(endpoint).origin;
}
