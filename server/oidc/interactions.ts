import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction, Provider } from 'oidc-provider';
import { LoginId, Password } from '../../protocol/api';
import { KeywayError } from '../../protocol/errors';
import type { Limits } from '../config';
import { statusOf } from '../http/problem';
import { createLimiter } from '../http/rate-limiter';
import { LANDING_CSS } from '../landing/landing-css';
import type { SessionService } from '../sessions/session-service';
import type { InteractionCsrf } from './csrf';
import { OIDC_MOUNT_PATH } from './issuer';
import { expiredPage, messagePage, SIGN_IN_CSS_PATH, SIGN_IN_FORM_CSS, SIGN_IN_PAGE_CSP, signInPage } from './pages';
import { KEYWAY_CLIENT_NAME } from './provider';

export interface InteractionDeps {
  provider: () => Provider;
  sessions: SessionService;
  csrf: InteractionCsrf;
  serverName: () => string;
  limits: Limits;
}

/** Scopes the provider knows; the first-party client is granted whichever of them it asked for. */
const GRANTABLE_SCOPES = new Set(['openid', 'email', 'profile', 'offline_access']);
const SIGN_IN_CSS = `${LANDING_CSS}${SIGN_IN_FORM_CSS}`;

interface UidRoute {
  Params: { uid: string };
  Querystring: Record<string, string | string[] | undefined>;
}

/**
 * The provider's interaction pages: the sign-in form (login and select_account prompts), the
 * automatic consent of the first-party Keyway client, and Cancel. Passwords are checked by the same
 * SessionService as the password API, with its lock-out, plus the same per-source limit.
 */
export async function registerInteractionRoutes(app: FastifyInstance, deps: InteractionDeps): Promise<void> {
  app.get(SIGN_IN_CSS_PATH, (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(SIGN_IN_CSS),
  );

  await app.register((scope, _options, done) => {
    // A sign-in form is a few hundred bytes of application/x-www-form-urlencoded.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 8 * 1024 },
      (_request, body, parsed) => parsed(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const perSource = createLimiter(scope, {
      max: deps.limits.signInPerSourcePerMinute,
      windowSeconds: 60,
      what: 'sign-in attempts from this address',
    });
    const base = `${OIDC_MOUNT_PATH}/interaction/:uid`;

    scope.get<UidRoute>(base, async (request, reply) => {
      const details = await interaction(deps, request, reply);
      if (!details) return reply;
      if (details.prompt.name === 'consent') return grantConsent(deps, request, reply, details);
      return showSignIn(deps, reply, details, {});
    });

    scope.post<UidRoute>(`${base}/login`, async (request, reply) => {
      const details = await interaction(deps, request, reply);
      if (!details) return reply;
      const form = isRecord(request.body) ? request.body : {};
      if (!deps.csrf.check(details.uid, form.csrf)) return refuseForm(deps, reply);
      const login = typeof form.login === 'string' ? form.login.trim() : '';
      const password = typeof form.password === 'string' ? form.password : '';
      let user;
      try {
        await perSource(request);
        if (login === '') throw new KeywayError('invalid_input', 'Enter your e-mail address or login ID.');
        if (password === '') throw new KeywayError('invalid_input', 'Enter your password.');
        if (!LoginId.safeParse(login).success || !Password.safeParse(password).success) {
          throw new KeywayError('invalid_credentials', 'The login ID or password is not correct.');
        }
        user = await deps.sessions.authenticate(login, password, 'oidc');
      } catch (error) {
        if (!(error instanceof KeywayError)) throw error;
        if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
        return showSignIn(deps, reply, details, { status: statusOf(error.code), login, error: error.message });
      }
      const accountId = String(user.id);
      const grantId = await saveGrant(deps.provider(), details, accountId);
      reply.hijack();
      await deps
        .provider()
        .interactionFinished(
          request.raw,
          reply.raw,
          { select_account: {}, login: { accountId, remember: true, amr: ['pwd'] }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
      return reply;
    });

    scope.get<UidRoute>(`${base}/cancel`, async (request, reply) => {
      const details = await interaction(deps, request, reply);
      if (!details) return reply;
      // A link, but still checked: another site must not be able to end someone's sign-in.
      if (!deps.csrf.check(details.uid, request.query.csrf)) return refuseForm(deps, reply);
      reply.hijack();
      await deps.provider().interactionFinished(request.raw, reply.raw, {
        error: 'access_denied',
        error_description: 'The user cancelled the sign-in.',
      });
      return reply;
    });
    done();
  });
}

/** The interaction this browser is in, if it is the one in the URL and has not expired; else the expired page. */
async function interaction(
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
  sendPage(reply, 400, expiredPage(deps.serverName()));
  return undefined;
}

/** Keyway is first-party: what it asks for is granted without a consent screen. */
async function grantConsent(
  deps: InteractionDeps,
  request: FastifyRequest<UidRoute>,
  reply: FastifyReply,
  details: Interaction,
): Promise<FastifyReply> {
  const accountId = details.session?.accountId;
  if (accountId === undefined) return showSignIn(deps, reply, details, {});
  const grantId = await saveGrant(deps.provider(), details, accountId);
  reply.hijack();
  await deps.provider().interactionFinished(request.raw, reply.raw, { consent: { grantId } });
  return reply;
}

async function saveGrant(provider: Provider, details: Interaction, accountId: string): Promise<string> {
  const existing = details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId);
  const grant =
    existing?.accountId === accountId
      ? existing
      : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  const requested = typeof details.params.scope === 'string' ? details.params.scope.split(' ') : [];
  grant.addOIDCScope(requested.filter((scope) => GRANTABLE_SCOPES.has(scope)).join(' '));
  return grant.save();
}

function showSignIn(
  deps: InteractionDeps,
  reply: FastifyReply,
  details: Interaction,
  state: { status?: number; login?: string; error?: string },
): FastifyReply {
  const token = deps.csrf.tokenFor(details.uid);
  const hint = details.params.login_hint;
  const base = `${OIDC_MOUNT_PATH}/interaction/${encodeURIComponent(details.uid)}`;
  return sendPage(
    reply,
    state.status ?? 200,
    signInPage({
      serverName: deps.serverName(),
      clientName: KEYWAY_CLIENT_NAME,
      action: `${base}/login`,
      cancelUrl: `${base}/cancel?csrf=${encodeURIComponent(token)}`,
      csrfToken: token,
      login: state.login ?? (typeof hint === 'string' ? hint : ''),
      error: state.error,
    }),
  );
}

function refuseForm(deps: InteractionDeps, reply: FastifyReply): FastifyReply {
  return sendPage(
    reply,
    403,
    messagePage(deps.serverName(), 'This form was not accepted', [
      'It did not come from this sign-in page, or the page is out of date.',
      'Go back to Keyway and start signing in again.',
    ]),
  );
}

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', SIGN_IN_PAGE_CSP)
    .type('text/html; charset=utf-8')
    .send(html);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
