import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction } from 'oidc-provider';
import { KEYWAY_ENROLMENT_PARAM, LoginId, Password } from '../../protocol/api';
import { KeywayError } from '../../protocol/errors';
import { statusOf } from '../http/problem';
import { createLimiter } from '../http/rate-limiter';
import { LANDING_CSS } from '../landing/landing-css';
import {
  cancelUrl,
  finishLogin,
  interaction,
  interactionPath,
  knownBrowserOf,
  isRecord,
  refuseForm,
  saveGrant,
  sendPage,
  showSignIn,
  textOf,
  type InteractionDeps,
  type UidRoute,
} from './interaction-kit';
import { OIDC_MOUNT_PATH } from './issuer';
import { registerBrokerEndpoints } from './broker-endpoints';
import { registerFederationInteractionRoutes, routeByDomain } from './federation-interaction';
import { registerMfaInteractionRoutes, showMfaOnReturn, startMfa } from './mfa-interaction';
import { MFA_PAGE_CSS } from './mfa-pages';
import { confirmAccountPage, SIGN_IN_CSS_PATH, SIGN_IN_FORM_CSS } from './pages';
import { KEYWAY_CLIENT_NAME } from './provider';
import { onlyConfirmationMissing } from './session-reuse';

export type { InteractionDeps } from './interaction-kit';

const SIGN_IN_CSS = `${LANDING_CSS}${SIGN_IN_FORM_CSS}${MFA_PAGE_CSS}`;

/**
 * The provider's interaction pages: the sign-in form (login and select_account prompts), the second
 * step when MFA applies (mfa-interaction.ts), the automatic consent of the first-party Keyway client,
 * and Cancel. Passwords are checked by the same SessionService as the password API, with its
 * lock-out, plus the same per-source limit; MFA follows the same policy as the API.
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
      if (await showMfaOnReturn(deps, reply, details, request.query)) return reply;
      if (request.query.another === undefined) {
        const confirmable = await confirmableAccount(deps, details);
        if (confirmable) return showConfirmAccount(deps, reply, details, confirmable);
      }
      if (await routeByDomain(deps, reply, details, request.query)) return reply;
      return showSignIn(deps, reply, details, {});
    });

    scope.post<UidRoute>(`${base}/login`, async (request, reply) => {
      const details = await interaction(deps, request, reply);
      if (!details) return reply;
      const form = isRecord(request.body) ? request.body : {};
      if (!deps.csrf.check(details.uid, form.csrf)) return refuseForm(deps, reply, details);
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
        // Where the admin offers only enterprise sign-in, a password is refused here, not just hidden.
        if (!(await deps.federation.passwordOffered([login]))) throw passwordNotOffered();
        user = await deps.sessions.authenticate(login, password, 'oidc', undefined, knownBrowserOf(deps, request));
        if (!(await deps.federation.passwordOffered([user.loginId, user.email, ...user.aliases]))) {
          throw passwordNotOffered();
        }
      } catch (error) {
        if (!(error instanceof KeywayError)) throw error;
        if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
        return showSignIn(deps, reply, details, { status: statusOf(error.code), login, error });
      }
      // The login is finished only once the second step succeeds, in the same interaction.
      if (await deps.mfa.gate.startForInteraction(user, details.uid, details.params[KEYWAY_ENROLMENT_PARAM]))
        return startMfa(deps, reply, details);
      return finishLogin(deps, request, reply, details, String(user.id), ['pwd']);
    });

    // "Continue as …": hands the existing session to this request, once the person has clicked.
    scope.post<UidRoute>(`${base}/confirm`, async (request, reply) => {
      const details = await interaction(deps, request, reply);
      if (!details) return reply;
      const form = isRecord(request.body) ? request.body : {};
      if (!deps.csrf.check(details.uid, form.csrf)) return refuseForm(deps, reply, details);
      // Only what the GET offered: a login_hint for another account, prompt=login or max_age are never
      // satisfied by a click (session-reuse.ts).
      const account = await confirmableAccount(deps, details);
      const session =
        details.session?.uid === undefined ? undefined : await deps.provider().Session.findByUid(details.session.uid);
      if (!account || session?.accountId !== account.accountId) return showSignIn(deps, reply, details, {});
      const grantId = await saveGrant(deps.provider(), details, account.accountId);
      reply.hijack();
      // The sign-in behind the session, not a new one: its time and methods stay what they were.
      const login = {
        accountId: account.accountId,
        remember: true,
        ...(session.loginTs === undefined ? {} : { ts: session.loginTs }),
        ...(session.amr === undefined ? {} : { amr: session.amr }),
        ...(session.acr === undefined ? {} : { acr: session.acr }),
      };
      await deps
        .provider()
        .interactionFinished(
          request.raw,
          reply.raw,
          { login, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
      return reply;
    });

    scope.get<UidRoute>(`${base}/cancel`, async (request, reply) => {
      const details = await interaction(deps, request, reply);
      if (!details) return reply;
      // A link, but still checked: another site must not be able to end someone's sign-in.
      if (!deps.csrf.check(details.uid, request.query.csrf)) return refuseForm(deps, reply, details);
      reply.hijack();
      await deps.provider().interactionFinished(request.raw, reply.raw, {
        error: 'access_denied',
        error_description: 'The user cancelled the sign-in.',
      });
      return reply;
    });

    registerMfaInteractionRoutes(scope, deps, perSource);
    registerFederationInteractionRoutes(scope, deps, perSource);
    done();
  });
  await registerBrokerEndpoints(app, deps);
}

interface ConfirmableAccount {
  accountId: string;
  displayName: string;
  email: string;
}

/** The signed-in account this interaction may continue as after one click, if that is all it waits for. */
async function confirmableAccount(
  deps: InteractionDeps,
  details: Interaction,
): Promise<ConfirmableAccount | undefined> {
  const accountId = details.session?.accountId;
  if (accountId === undefined || details.prompt.name !== 'login') return undefined;
  if (!onlyConfirmationMissing(details.prompt.reasons)) return undefined;
  const user = /^[1-9]\d{0,15}$/.test(accountId) ? await deps.users.findById(Number(accountId)) : undefined;
  return user && { accountId, displayName: user.displayName, email: user.email };
}

function showConfirmAccount(
  deps: InteractionDeps,
  reply: FastifyReply,
  details: Interaction,
  account: ConfirmableAccount,
): FastifyReply {
  const base = interactionPath(details.uid);
  return sendPage(
    reply,
    200,
    confirmAccountPage({
      text: textOf(reply, details),
      serverName: deps.serverName(),
      clientName: KEYWAY_CLIENT_NAME,
      displayName: account.displayName,
      email: account.email,
      action: `${base}/confirm`,
      csrfToken: deps.csrf.tokenFor(details.uid),
      otherAccountUrl: `${base}?another=1`,
      cancelUrl: cancelUrl(deps, details.uid),
    }),
  );
}

function passwordNotOffered(): KeywayError {
  return new KeywayError(
    'unified_login_required',
    'This account signs in with your organisation’s sign-in, not a password here. Use the button above.',
  );
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
