import type { Account, Adapter, Configuration, KoaContextWithOIDC, Provider } from 'oidc-provider';
import {
  KEYWAY_ENROLMENT_PARAM,
  KEYWAY_OIDC_CLIENT_ID,
  KEYWAY_OIDC_CUSTOM_REDIRECT,
  KEYWAY_OIDC_LOOPBACK_PATH,
} from '../../protocol/api';
import { PAGE_LANGUAGES } from '../http/languages';
import type { UserStore } from '../users/user-store';
import { deviceSources, renderError } from './device-pages';
import { OIDC_MOUNT_PATH } from './issuer';
import { SIGNING_ALG, type OidcSecrets } from './keys';
import type { OidcProviderLibrary } from './load';
import { isAllowedRedirectUri } from './redirect-uris';
import { REUSE_REASONS, reuseRefusals, type ReuseInput } from './session-reuse';
import { isLockedByAdmin } from '../users/user-lock';

export const KEYWAY_CLIENT_NAME = 'Keyway';

/** Seconds. Short-lived artifacts stay short; the refresh token is what keeps Keyway signed in. */
const OIDC_TTL = {
  AccessToken: 10 * 60,
  AuthorizationCode: 60,
  IdToken: 10 * 60,
  DeviceCode: 10 * 60,
  Interaction: 10 * 60,
  Session: 24 * 60 * 60,
  // Each rotation issues a fresh 30 days; the grant behind the chain lives a year.
  RefreshToken: 30 * 24 * 60 * 60,
  Grant: 365 * 24 * 60 * 60,
} as const;

export interface OidcProviderDeps {
  issuer: string;
  adapter: (model: string) => Adapter;
  secrets: OidcSecrets;
  users: UserStore;
  serverName: () => string;
  log: (line: string) => void;
}

/** CSP for the pages oidc-provider renders itself; it adds a hash to script-src for its form_post page. */
const PROVIDER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The OpenID Provider for unified login, with Keyway as its one, public, native client. */
export function createOidcProvider(library: OidcProviderLibrary, deps: OidcProviderDeps): Provider {
  const { interactionPolicy } = library;
  const policy = interactionPolicy.base();
  // Not in the base policy: without it prompt=select_account is refused. It shows the sign-in page.
  policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);
  // No silent reuse of the browser session for the public native client, and never for another account
  // than login_hint names (session-reuse.ts, RFC 8252 §8.6). oidc-provider runs a prompt's checks on
  // every authorization request and opens an interaction when one answers true
  // (lib/helpers/interaction_policy/check.js; "interactions.policy" in its configuration docs).
  const login = policy.get('login');
  if (!login) throw new Error("oidc-provider's base interaction policy has no login prompt.");
  for (const reason of Object.values(REUSE_REASONS)) {
    login.checks.add(
      // login_required, as for the login prompt's own checks: what prompt=none answers.
      new interactionPolicy.Check(
        reason,
        'The signed-in account must be confirmed or signed in again',
        'login_required',
        // Awaited by oidc-provider (lib/actions/authorization/interactions.js: `await check(ctx)`).
        async (ctx) => reuseRefusals(await reuseInput(deps.users, ctx)).includes(reason),
      ),
    );
  }

  const configuration: Configuration = {
    adapter: deps.adapter,
    clients: [
      {
        client_id: KEYWAY_OIDC_CLIENT_ID,
        client_name: KEYWAY_CLIENT_NAME,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
        id_token_signed_response_alg: SIGNING_ALG,
        // Loopback entries stand for any port (redirect-uris.ts).
        redirect_uris: [
          `http://127.0.0.1${KEYWAY_OIDC_LOOPBACK_PATH}`,
          `http://[::1]${KEYWAY_OIDC_LOOPBACK_PATH}`,
          KEYWAY_OIDC_CUSTOM_REDIRECT,
        ],
      },
    ],
    jwks: { keys: deps.secrets.signingKeys },
    cookies: { keys: deps.secrets.cookieKeys },
    findAccount: (_ctx, sub) => findAccount(deps.users, sub),
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    // oidc-provider passes recognised extra authorization parameters to the interaction's `params`
    // (docs/README.md "extraParams", panva/node-oidc-provider); any other parameter is dropped.
    extraParams: [KEYWAY_ENROLMENT_PARAM],
    // Code flow only: no implicit or hybrid responses (RFC 9700 §2.1.2); there is no password grant.
    responseTypes: ['code'],
    pkce: { required: () => true },
    // Keyway reads the user's name and e-mail from the ID token; it does not call userinfo.
    conformIdTokenClaims: false,
    // A public client's refresh token rotates on every use; a replayed one revokes the grant.
    rotateRefreshToken: true,
    issueRefreshToken: (_ctx, client, source) =>
      Promise.resolve(client.grantTypeAllowed('refresh_token') && source.scopes.has('offline_access')),
    // A native app, not a browser page: no cross-origin calls to allow.
    clientBasedCORS: () => false,
    // The languages of the sign-in pages; an authorization request's ui_locales picks one of them
    // (OpenID Connect Discovery 1.0 §3, Core 1.0 §3.1.2.1; server/http/languages.ts).
    discovery: { ui_locales_supported: [...PAGE_LANGUAGES] },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true, ...deviceSources(deps.serverName) },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: false },
      resourceIndicators: { enabled: false },
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => `${OIDC_MOUNT_PATH}/interaction/${interaction.uid}`,
    },
    renderError: renderError(deps.serverName),
    ttl: { ...OIDC_TTL },
  };

  const provider = new library.Provider(deps.issuer, configuration);
  // RFC 8252 §7.3: loopback redirects match on any port. oidc-provider's own check also accepts
  // localhost; ours accepts exactly the registered 127.0.0.1 and [::1] callbacks (redirect-uris.ts).
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value: string): boolean {
    return isAllowedRedirectUri(value, this.redirectUris);
  };
  // The mount pins X-Forwarded-* to the public origin (mount.ts), so endpoint URLs and secure
  // cookies follow the issuer whatever Host header a request carries.
  provider.proxy = true;
  provider.use(securityHeaders);
  provider.use(firstPartyOfflineAccess);
  provider.use(endSessionOnRevocation);
  provider.on('server_error', (ctx, error) =>
    deps.log(`error: oidc ${ctx.method} ${ctx.path}: ${error.stack ?? error.message}`),
  );
  provider.on('error', (error) => deps.log(`error: oidc: ${error.stack ?? error.message}`));
  return provider;
}

async function reuseInput(users: UserStore, ctx: KoaContextWithOIDC): Promise<ReuseInput> {
  const params = ctx.oidc.params ?? {};
  const hint =
    typeof params.login_hint === 'string' && params.login_hint.trim() !== '' ? params.login_hint.trim() : undefined;
  const hinted = hint === undefined ? undefined : await users.findByName(hint);
  return {
    clientId: typeof params.client_id === 'string' ? params.client_id : undefined,
    sessionAccountId: ctx.oidc.session?.accountId,
    loginHint: hint,
    hintAccountId: hinted === undefined ? undefined : String(hinted.id),
    interactedNow: ctx.oidc.result?.login !== undefined,
  };
}

async function findAccount(users: UserStore, sub: string): Promise<Account | undefined> {
  // The subject is the user's stable row id, never a name the admin may change.
  const user = /^[1-9]\d{0,15}$/.test(sub) ? await users.findById(Number(sub)) : undefined;
  // A locked user (users/user-lock.ts) is no account to oidc-provider: it then refuses to exchange an
  // authorization code or a refresh token of theirs ("invalid_grant … referenced account not found",
  // node_modules/oidc-provider/lib/helpers/grant_common.js validateAccount, used by the
  // authorization_code and refresh_token grants), and a browser session of theirs counts as no
  // session (lib/actions/authorization/session.js loadAccount). The sign-in pages refuse them first,
  // with the reason; this also covers SSO and a session confirmed with one click.
  if (!user || isLockedByAdmin(user)) return undefined;
  return {
    accountId: sub,
    claims: () => ({
      sub,
      email: user.email,
      // The IT admin provisions the address and the server mails deployments to it.
      email_verified: true,
      name: user.displayName,
      preferred_username: user.loginId,
    }),
  };
}

async function securityHeaders(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  ctx.set('content-security-policy', PROVIDER_CSP);
  ctx.set('x-content-type-options', 'nosniff');
  // Authorization codes travel in redirect URLs; never hand them on as a Referer.
  ctx.set('referrer-policy', 'no-referrer');
  await next();
}

/**
 * Keyway's sign-out ends the provider session it created, without a browser window: Keyway revokes its
 * refresh token at the revocation endpoint (RFC 7009; core's OidcClient.revoke, openid-client's
 * tokenRevocation), and the browser session that token was issued in (its sessionUid, kept through
 * every rotation by oidc-provider's refresh_token grant) ends with it. Without this, the next sign-in
 * in the same browser, by anyone at the computer, would find the old session (session-reuse.ts asks
 * to confirm it, but a click is all it takes). RP-initiated logout would need a browser window and the
 * ID token; possession of the refresh token, which the revocation endpoint already checks, proves as
 * much. Only the session of the revoked token ends, and only for a token of the client revoking it
 * (oidc-provider's default revocation.allowedPolicy).
 */
async function endSessionOnRevocation(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  await next();
  if (ctx.method !== 'POST' || ctx.path !== '/token/revocation' || ctx.status !== 200) return;
  const token = ctx.oidc.entities.RefreshToken;
  if (token?.kind !== 'RefreshToken' || token.sessionUid === undefined) return;
  if (token.clientId !== KEYWAY_OIDC_CLIENT_ID || ctx.oidc.client?.clientId !== token.clientId) return;
  const session = await ctx.oidc.provider.Session.findByUid(token.sessionUid);
  await session?.destroy();
}

/**
 * OIDC Core §11 asks consent for offline_access, and oidc-provider drops the scope from any
 * authorization request without prompt=consent. For the first-party Keyway client, consent is implied
 * and given in the interaction itself (interactions.ts grants what it asked for, without a screen),
 * so the request is marked as asking for it: Keyway gets the refresh token it needs to keep the user
 * signed in, without sending prompt=consent. prompt=none stays silent (and without a refresh token).
 */
async function firstPartyOfflineAccess(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  if (ctx.method === 'GET' && ctx.path === '/auth') {
    const { client_id: clientId, scope, prompt = '' } = ctx.query;
    if (
      clientId === KEYWAY_OIDC_CLIENT_ID &&
      typeof scope === 'string' &&
      typeof prompt === 'string' &&
      scope.split(' ').includes('offline_access')
    ) {
      const prompts = prompt.split(' ').filter((each) => each !== '');
      if (!prompts.includes('none') && !prompts.includes('consent')) {
        ctx.query = { ...ctx.query, prompt: [...prompts, 'consent'].join(' ') };
        // oidc-provider finds its mount path by locating the URL in originalUrl (mount.ts).
        ctx.req.originalUrl = `${OIDC_MOUNT_PATH}${ctx.url}`;
      }
    }
  }
  await next();
}
