import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction, Provider } from 'oidc-provider';
import type { KeywayError } from '../../protocol/errors';
import type { Limits } from '../config';
import type { Federation } from '../federation/federation';
import { pageLanguage } from '../http/languages';
import { pageText, type PageText } from '../http/page-messages';
import { WebCookies } from '../http/web-form';
import type { MfaServices } from '../services';
import type { SessionService } from '../sessions/session-service';
import type { UserStore } from '../users/user-store';
import type { InteractionCsrf } from './csrf';
import { OIDC_MOUNT_PATH } from './issuer';
import { expiredPage, messagePage, SIGN_IN_PAGE_CSP, signInPage } from './pages';
import { KEYWAY_CLIENT_NAME } from './provider';

export interface InteractionDeps {
  provider: () => Provider;
  sessions: SessionService;
  /** Names the signed-in account on the "Continue as …" page. */
  users: UserStore;
  mfa: MfaServices;
  csrf: InteractionCsrf;
  serverName: () => string;
  limits: Limits;
  federation: Federation;
  /** The server's public origin, which identity providers redirect back to. */
  publicOrigin: () => string;
  log: (line: string) => void;
}

export interface UidRoute {
  Params: { uid: string };
  Querystring: Record<string, string | string[] | undefined>;
}

/** The provider pages' known-browser cookie (`__Host-` on https), and how long a browser stays known. */
const KNOWN_BROWSER_COOKIE = 'keyway-browser';
const KNOWN_BROWSER_MAX_AGE_SECONDS = 180 * 24 * 60 * 60;

/** The known-browser cookie this request carries, if any (checked against the user at sign-in). */
export function knownBrowserOf(
  deps: Pick<InteractionDeps, 'publicOrigin'>,
  request: FastifyRequest,
): string | undefined {
  return new WebCookies(deps.publicOrigin).read(request, KNOWN_BROWSER_COOKIE);
}

/** Scopes the provider knows; the first-party client is granted whichever of them it asked for. */
const GRANTABLE_SCOPES = new Set(['openid', 'email', 'profile', 'offline_access']);

/**
 * The words of an interaction's pages: the language Keyway asked for with `ui_locales` on the
 * authorization request (oidc-provider keeps it in the interaction's params), else the browser's
 * Accept-Language, else English (server/http/languages.ts).
 */
export function textOf(reply: FastifyReply, details?: Interaction): PageText {
  return pageText(pageLanguage(reply.request, details?.params.ui_locales));
}

/** The interaction's own path: /oidc/interaction/<uid>. */
export function interactionPath(uid: string): string {
  return `${OIDC_MOUNT_PATH}/interaction/${encodeURIComponent(uid)}`;
}

/** The interaction this browser is in, if it is the one in the URL and has not expired; else the expired page. */
export async function interaction(
  deps: InteractionDeps,
  request: FastifyRequest<UidRoute>,
  reply: FastifyReply,
): Promise<Interaction | undefined> {
  try {
    const details = await deps.provider().interactionDetails(request.raw, reply.raw);
    if (details.uid === request.params.uid) return details;
  } catch (error) {
    // oidc-provider's errors.SessionNotFound: no interaction cookie, or its interaction is gone.
    if (!(error instanceof Error && error.name === 'SessionNotFound')) throw error;
  }
  sendPage(reply, 400, expiredPage(textOf(reply), deps.serverName()));
  return undefined;
}

/** Ends the interaction with the user signed in (and Keyway's grant), sending the browser on. */
export async function finishLogin(
  deps: InteractionDeps,
  request: FastifyRequest<UidRoute>,
  reply: FastifyReply,
  details: Interaction,
  accountId: string,
  amr: string[],
  /**
   * A page to show before going on (the first second factor's recovery codes, shown once): it gets the
   * URL that resumes the authorization (oidc-provider's interactionResult, which interactionFinished
   * redirects to: node_modules/oidc-provider/lib/provider.js) and links to it instead of redirecting.
   */
  interstitial?: (resumeUrl: string) => string,
): Promise<FastifyReply> {
  const grantId = await saveGrant(deps.provider(), details, accountId);
  if (interstitial) {
    const known = await deps.sessions.rememberBrowser(Number(accountId));
    void reply.header(
      'set-cookie',
      new WebCookies(deps.publicOrigin).serialize(KNOWN_BROWSER_COOKIE, known, KNOWN_BROWSER_MAX_AGE_SECONDS),
    );
    const login = amr.length > 0 ? { accountId, remember: true, amr } : { accountId, remember: true };
    const resumeUrl = await deps
      .provider()
      .interactionResult(
        request.raw,
        reply.raw,
        { select_account: {}, login, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
    return sendPage(reply, 200, interstitial(resumeUrl));
  }
  reply.hijack();
  // This browser is now one the user signs in with: it keeps its own password lock-out count (see
  // SessionService.lockSubject). Set on the raw response, which oidc-provider writes; its cookie
  // library appends to a Set-Cookie header already there (cookies/index.js pushCookie).
  const known = await deps.sessions.rememberBrowser(Number(accountId));
  reply.raw.appendHeader(
    'set-cookie',
    new WebCookies(deps.publicOrigin).serialize(KNOWN_BROWSER_COOKIE, known, KNOWN_BROWSER_MAX_AGE_SECONDS),
  );
  // A brokered sign-in has no registered method to name (RFC 8176): no amr rather than a wrong one.
  const login = amr.length > 0 ? { accountId, remember: true, amr } : { accountId, remember: true };
  await deps
    .provider()
    .interactionFinished(
      request.raw,
      reply.raw,
      { select_account: {}, login, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  return reply;
}

export async function saveGrant(provider: Provider, details: Interaction, accountId: string): Promise<string> {
  const existing = details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId);
  const grant =
    existing?.accountId === accountId
      ? existing
      : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  const requested = typeof details.params.scope === 'string' ? details.params.scope.split(' ') : [];
  grant.addOIDCScope(requested.filter((scope) => GRANTABLE_SCOPES.has(scope)).join(' '));
  return grant.save();
}

export async function showSignIn(
  deps: InteractionDeps,
  reply: FastifyReply,
  details: Interaction,
  /** `error`: words already in the page's language, or a service's refusal (worded per language here). */
  state: { status?: number; login?: string; error?: string | KeywayError },
): Promise<FastifyReply> {
  const text = textOf(reply, details);
  const token = deps.csrf.tokenFor(details.uid);
  const hint = loginHint(details);
  const base = interactionPath(details.uid);
  const login = state.login ?? hint ?? '';
  return sendPage(
    reply,
    state.status ?? 200,
    signInPage({
      text,
      serverName: deps.serverName(),
      clientName: KEYWAY_CLIENT_NAME,
      action: `${base}/login`,
      cancelUrl: cancelUrl(deps, details.uid),
      csrfToken: token,
      login,
      error: typeof state.error === 'object' ? text.error(state.error) : state.error,
      providers: (await deps.federation.providers.list()).map((provider) => ({
        name: provider.displayName,
        action: ssoStartPath(details.uid, provider.id),
      })),
      passwordForm: await deps.federation.passwordOffered(login === '' ? [] : [login]),
      passkeyUrl: (await deps.mfa.policy.read()).channels.includes('passkey') ? `${base}/passkey` : undefined,
    }),
  );
}

/** Where a "Login with …" button posts to start a brokered sign-in with that provider. */
export function ssoStartPath(uid: string, providerId: string): string {
  return `${interactionPath(uid)}/sso/${encodeURIComponent(providerId)}`;
}

/** The login_hint of the authorization request (Keyway sends the e-mail typed in the app). */
export function loginHint(details: Interaction): string | undefined {
  const hint = details.params.login_hint;
  return typeof hint === 'string' && hint.trim() !== '' ? hint.trim() : undefined;
}

/** The Cancel link; it carries the CSRF token, since it ends the sign-in. */
export function cancelUrl(deps: InteractionDeps, uid: string): string {
  return `${interactionPath(uid)}/cancel?csrf=${encodeURIComponent(deps.csrf.tokenFor(uid))}`;
}

export function refuseForm(deps: InteractionDeps, reply: FastifyReply, details: Interaction): FastifyReply {
  const text = textOf(reply, details);
  return sendPage(
    reply,
    403,
    messagePage(text, deps.serverName(), text.t('formRefusedHeading'), [
      text.t('formRefusedSignIn'),
      text.t('startAgainInKeyway'),
    ]),
  );
}

export function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', SIGN_IN_PAGE_CSP)
    .type('text/html; charset=utf-8')
    .send(html);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
