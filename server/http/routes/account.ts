import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { LoginId, Password } from '../../../protocol/api';
import { KeywayError } from '../../../protocol/errors';
import { ACCOUNT_PATH, accountMessagePage, accountSignInPage, selfDeploymentPage } from '../../account/account-pages';
import {
  challengeOf,
  chooseWay,
  showSecondStep,
  startSecondStep,
  verifyCode,
  verifyPasskey,
  recoverWithCode,
  showNewRecoveryCodes,
  type StepContext,
} from '../../account/account-second-step';
import {
  ACCOUNT_SESSION_TTL_MS,
  SECOND_FACTOR_TTL_MS,
  type AccountSession,
  type AccountSessionStore,
} from '../../account/account-sessions';
import type { SelfDeployment } from '../../account/self-deployment';
import {
  FormGuard,
  WebCookies,
  csrfTokenOf,
  formFields,
  registerFormScope,
  sameOrigin,
  sendHtml,
  sessionPostAccepted,
  tokensMatch,
} from '../web-form';
import type { Limits } from '../../config';
import type { ServerIdentity } from '../../identity';
import type { Federation } from '../../federation/federation';
import { qrSvg } from '../../landing/qr';
import { mfaRecoveryCodesPage } from '../../oidc/mfa-pages';
import type { MfaServices } from '../../services';
import type { SessionService } from '../../sessions/session-service';
import { isLockedByAdmin } from '../../users/user-lock';
import type { UserRecord, UserStore } from '../../users/user-store';
import { ACCOUNT_PASSKEYS_PATH, addPasskeyPage, passkeysSection } from '../../account/account-passkeys';
import { DEFAULT_PASSKEY_NAME } from '../../mfa/passkeys';
import { sendPasskeyPage } from '../../mfa/passkeys-page';
import { pageLanguage } from '../languages';
import { pageText, type PageText } from '../page-messages';
import { statusOf } from '../problem';
import { createLimiter } from '../rate-limiter';

export interface AccountRouteDeps {
  identity: ServerIdentity;
  sessions: SessionService;
  mfa: MfaServices;
  users: UserStore;
  accountSessions: AccountSessionStore;
  selfDeployment: SelfDeployment;
  limits: Limits;
  /** Where the admin offers only enterprise sign-in (--hide-password), no local password works here either. */
  federation: Pick<Federation, 'passwordOffered'>;
}

const SESSION_COOKIE = 'keyway-account';
const SIGN_IN_PURPOSE = 'account-sign-in';
const SESSION_PURPOSE = 'account';
/** Links made per account session per minute (each page view makes one). */
const LINKS_PER_SESSION_PER_MINUTE = 20;

interface IdParams {
  Params: { id: string };
}

interface AccountQuery {
  Querystring: { mfa?: string; csrf?: string };
}

/**
 * The account page: a user signs in with their password (and MFA, as on the OpenID Provider's pages,
 * with the same lock-out and limits) and gets a fresh deployment link for themself, as a QR code, an
 * "Open Keyway" button and a code (journey 3). A browser session in an HttpOnly cookie; every post
 * carries a CSRF token and must come from this origin; pages are never cached (no-store).
 */
export async function registerAccountRoutes(app: FastifyInstance, deps: AccountRouteDeps): Promise<void> {
  const { identity, accountSessions } = deps;
  const origin = (): string => identity.origin;
  const cookies = new WebCookies(origin);
  const forms = new FormGuard(cookies, origin);

  /** The session behind this browser's cookie, with its cookie value (the CSRF tokens derive from it). */
  const current = async (request: FastifyRequest): Promise<{ id: string; session: AccountSession } | undefined> => {
    const id = cookies.read(request, SESSION_COOKIE);
    const session = id === undefined ? undefined : await accountSessions.find(id);
    return id !== undefined && session ? { id, session } : undefined;
  };

  /** The pages' words for this request: the browser's Accept-Language (server/http/languages.ts). */
  const textOf = (request: FastifyRequest): PageText => pageText(pageLanguage(request));

  const signInPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    state: { login?: string; error?: string | KeywayError },
  ): FastifyReply => {
    const text = textOf(request);
    return sendHtml(
      reply,
      status,
      accountSignInPage({
        text,
        serverName: identity.name,
        csrfToken: forms.tokenFor(request, reply, SIGN_IN_PURPOSE),
        login: state.login ?? '',
        error: typeof state.error === 'object' ? text.error(state.error) : state.error,
      }),
    );
  };

  const stepContext = (
    request: FastifyRequest,
    reply: FastifyReply,
    held: { id: string; session: AccountSession },
  ): StepContext => {
    const csrfToken = csrfTokenOf(held.id, SESSION_PURPOSE);
    return {
      mfa: deps.mfa,
      text: textOf(request),
      serverName: identity.name,
      session: held.session,
      csrfToken,
      cancelUrl: `${ACCOUNT_PATH}/sign-out?csrf=${encodeURIComponent(csrfToken)}`,
      signInCsrfToken: () => forms.tokenFor(request, reply, SIGN_IN_PURPOSE),
    };
  };

  const refused = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const text = textOf(request);
    return sendHtml(
      reply,
      403,
      accountMessagePage(text, identity.name, text.t('formRefusedHeading'), [text.t('formRefusedPage')]),
    );
  };

  const endSession = async (reply: FastifyReply, held: { session: AccountSession } | undefined): Promise<void> => {
    if (held) await accountSessions.end(held.session.idHash);
    cookies.clear(reply, SESSION_COOKIE);
  };

  await registerFormScope(app, (scope) => {
    const signInPerSource = createLimiter(scope, {
      max: deps.limits.signInPerSourcePerMinute,
      windowSeconds: 60,
      what: 'sign-in attempts from this address',
    });
    const mfaPerSource = createLimiter(scope, {
      max: deps.limits.mfaPerSourcePerMinute,
      windowSeconds: 60,
      what: 'verification requests from this address',
    });
    const linksPerSession = createLimiter(scope, {
      max: LINKS_PER_SESSION_PER_MINUTE,
      windowSeconds: 60,
      what: 'new links for this account page',
    });

    scope.get<AccountQuery>(ACCOUNT_PATH, async (request, reply) => {
      const held = await current(request);
      if (!held) return signInPage(request, reply, 200, {});
      if (held.session.stage === 'second_factor') {
        const wants = request.query.mfa === 'choose' || request.query.mfa === 'recover' ? request.query.mfa : undefined;
        return showSecondStep(stepContext(request, reply, held), reply, wants);
      }
      const user = await deps.users.findById(held.session.userId);
      // A lock (users/user-lock.ts) ends this session too; this also ends one that escaped it.
      if (!user || isLockedByAdmin(user)) {
        await endSession(reply, held);
        return signInPage(request, reply, 200, {});
      }
      try {
        await linksPerSession(request, `account-links:${held.session.idHash}`);
      } catch (error) {
        if (!(error instanceof KeywayError)) throw error;
        if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
        const text = textOf(request);
        return sendHtml(
          reply,
          429,
          accountMessagePage(text, identity.name, text.t('tooManyLinks'), [text.error(error)]),
        );
      }
      const link = await deps.selfDeployment.fresh(held.session, user);
      const text = textOf(request);
      return sendHtml(
        reply,
        200,
        selfDeploymentPage({
          text,
          serverName: identity.name,
          displayName: user.displayName,
          loginId: user.loginId,
          code: link.code,
          deepLink: link.deepLink,
          expiresAt: link.expiresAt,
          qrSvg: await qrSvg(link.deepLink),
          csrfToken: csrfTokenOf(held.id, SESSION_PURPOSE),
          recoveryCodes: await deps.mfa.account.recoveryCodeStatus(user),
          passkeysHtml: (await deps.mfa.policy.forUser(user.id)).channels.includes('passkey')
            ? passkeysSection({
                text,
                passkeys: await deps.mfa.passkeys.list(user.id),
                csrfToken: csrfTokenOf(held.id, SESSION_PURPOSE),
              })
            : undefined,
        }),
      );
    });

    scope.post(`${ACCOUNT_PATH}/sign-in`, async (request, reply) => {
      const fields = formFields(request.body);
      if (!forms.check(request, SIGN_IN_PURPOSE, fields.csrf)) return refused(request, reply);
      const login = (fields.login ?? '').trim();
      const password = fields.password ?? '';
      let user;
      try {
        await signInPerSource(request);
        if (login === '') throw new KeywayError('invalid_input', 'Enter your e-mail address or login ID.');
        if (password === '') throw new KeywayError('invalid_input', 'Enter your password.');
        if (!LoginId.safeParse(login).success || !Password.safeParse(password).success) {
          throw new KeywayError('invalid_credentials', 'The login ID or password is not correct.');
        }
        // Where the admin hid local passwords (--hide-password), a password is refused here as on the
        // provider's sign-in page: checked on the typed name first (no password check at all), then on
        // all of the user's names (an alias outside the routed domain is no way around it).
        if (!(await deps.federation.passwordOffered([login]))) throw passwordNotOffered();
        // Any user, whatever their sign-in method: the same check as the provider's sign-in page.
        user = await deps.sessions.authenticate(login, password, 'oidc');
        if (!(await deps.federation.passwordOffered([user.loginId, user.email, ...user.aliases]))) {
          throw passwordNotOffered();
        }
      } catch (error) {
        if (!(error instanceof KeywayError)) throw error;
        if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
        return signInPage(request, reply, statusOf(error.code), { login, error });
      }
      // A fresh session id on every sign-in (the cookie is overwritten below): a cookie planted before
      // cannot become a signed-in session.
      const previous = await current(request);
      if (previous) await accountSessions.end(previous.session.idHash);
      const started = await accountSessions.start(user.id, 'second_factor');
      const held = { id: started.id, session: await accountSessions.find(started.id) };
      if (!held.session) throw new Error('The new account session vanished.');
      const challenge = await deps.mfa.gate.startForInteraction(user, challengeOf(held.session).interactionUid);
      if (!challenge) {
        await accountSessions.end(held.session.idHash);
        const signedIn = await accountSessions.start(user.id, 'signed_in');
        cookies.set(reply, SESSION_COOKIE, signedIn.id, ACCOUNT_SESSION_TTL_MS / 1000);
        return reply.redirect(ACCOUNT_PATH, 303);
      }
      cookies.set(reply, SESSION_COOKIE, held.id, SECOND_FACTOR_TTL_MS / 1000);
      return startSecondStep(stepContext(request, reply, { id: held.id, session: held.session }), reply);
    });

    // Passkeys on the signed-in page (account-passkeys.ts): add (password, then the ceremony), rename, remove.
    const passkeyForm = async (
      request: FastifyRequest,
      reply: FastifyReply,
      handle: (
        user: UserRecord,
        held: { id: string; session: AccountSession },
        fields: Record<string, string>,
      ) => Promise<FastifyReply>,
    ): Promise<FastifyReply> => {
      const held = await current(request);
      const fields = formFields(request.body);
      const text = textOf(request);
      if (held?.session.stage !== 'signed_in') return signInPage(request, reply, 401, { error: text.t('signInAgain') });
      if (!sessionPostAccepted(request, origin(), held.id, SESSION_PURPOSE, fields.csrf)) {
        return refused(request, reply);
      }
      const user = await deps.users.findById(held.session.userId);
      if (!user) return signInPage(request, reply, 401, { error: text.t('signInAgain') });
      try {
        await mfaPerSource(request);
        return await handle(user, held, fields);
      } catch (error) {
        if (!(error instanceof KeywayError)) throw error;
        if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
        return sendHtml(
          reply,
          statusOf(error.code),
          accountMessagePage(text, identity.name, text.t('passkeysNotChanged'), [text.error(error)]),
        );
      }
    };
    const addBinding = (held: { session: AccountSession }) => `account-add:${held.session.idHash}`;

    scope.post(`${ACCOUNT_PASSKEYS_PATH}/add`, (request, reply) =>
      passkeyForm(request, reply, async (user, held, fields) => {
        const options = await deps.mfa.passkeys.startAccountRegistration(user, fields.password ?? '', addBinding(held));
        const name =
          (fields.name ?? '').trim() === '' ? DEFAULT_PASSKEY_NAME : (fields.name ?? '').trim().slice(0, 100);
        const html = addPasskeyPage({
          text: textOf(request),
          serverName: identity.name,
          csrfToken: csrfTokenOf(held.id, SESSION_PURPOSE),
          name,
          options,
        });
        return sendPasskeyPage(reply, 200, html);
      }),
    );

    scope.post(`${ACCOUNT_PASSKEYS_PATH}/register`, (request, reply) =>
      passkeyForm(request, reply, async (user, held, fields) => {
        const added = await deps.mfa.passkeys.register(user, fields.response, addBinding(held), fields.name);
        // A first second factor: its recovery codes, once, then on to the account page.
        if (added.recoveryCodes !== undefined) {
          const html = mfaRecoveryCodesPage({
            text: textOf(request),
            serverName: identity.name,
            codes: added.recoveryCodes,
            continueUrl: ACCOUNT_PATH,
          });
          return sendHtml(reply, 200, html);
        }
        return reply.redirect(ACCOUNT_PATH, 303);
      }),
    );

    scope.post<IdParams>(`${ACCOUNT_PASSKEYS_PATH}/:id/rename`, (request, reply) =>
      passkeyForm(request, reply, async (user, _held, fields) => {
        await deps.mfa.passkeys.rename(user, request.params.id, fields.name);
        return reply.redirect(ACCOUNT_PATH, 303);
      }),
    );

    scope.post<IdParams>(`${ACCOUNT_PASSKEYS_PATH}/:id/remove`, (request, reply) =>
      passkeyForm(request, reply, async (user, _held, fields) => {
        await deps.mfa.passkeys.remove(user, request.params.id, fields.password ?? '');
        return reply.redirect(ACCOUNT_PATH, 303);
      }),
    );

    // The second step's forms: a channel (or Resend), and the code.
    const secondStepForm = async (
      request: FastifyRequest,
      reply: FastifyReply,
      handle: (context: StepContext, fields: Record<string, string>) => Promise<FastifyReply>,
    ): Promise<FastifyReply> => {
      const held = await current(request);
      const fields = formFields(request.body);
      if (held?.session.stage !== 'second_factor') {
        return signInPage(request, reply, 400, { error: textOf(request).t('signInExpiredAgain') });
      }
      if (!sessionPostAccepted(request, origin(), held.id, SESSION_PURPOSE, fields.csrf)) {
        return refused(request, reply);
      }
      const context = stepContext(request, reply, held);
      try {
        await mfaPerSource(request);
      } catch (error) {
        if (!(error instanceof KeywayError)) throw error;
        if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
        const text = context.text;
        return sendHtml(
          reply,
          429,
          accountMessagePage(text, identity.name, text.t('tooManyTries'), [text.error(error)]),
        );
      }
      return handle(context, fields);
    };

    scope.post(`${ACCOUNT_PATH}/mfa/channel`, (request, reply) =>
      secondStepForm(request, reply, (context, fields) => chooseWay(context, reply, fields.channel)),
    );

    scope.post(`${ACCOUNT_PATH}/mfa/passkey`, (request, reply) =>
      secondStepForm(request, reply, async (context, fields) => {
        if (!(await verifyPasskey(context, reply, fields))) return reply;
        await accountSessions.end(context.session.idHash);
        const signedIn = await accountSessions.start(context.session.userId, 'signed_in');
        cookies.set(reply, SESSION_COOKIE, signedIn.id, ACCOUNT_SESSION_TTL_MS / 1000);
        return reply.redirect(ACCOUNT_PATH, 303);
      }),
    );

    scope.post(`${ACCOUNT_PATH}/mfa/verify`, (request, reply) =>
      secondStepForm(request, reply, async (context, fields) => {
        const verified = await verifyCode(context, reply, fields);
        if (!verified) return reply;
        await accountSessions.end(context.session.idHash);
        const signedIn = await accountSessions.start(context.session.userId, 'signed_in');
        cookies.set(reply, SESSION_COOKIE, signedIn.id, ACCOUNT_SESSION_TTL_MS / 1000);
        // The first second factor: its recovery codes, once, with a link on to the account page.
        if (verified.recoveryCodes) return showNewRecoveryCodes(context, reply, verified.recoveryCodes);
        return reply.redirect(ACCOUNT_PATH, 303);
      }),
    );

    scope.post(`${ACCOUNT_PATH}/mfa/recover`, (request, reply) =>
      secondStepForm(request, reply, async (context, fields) => {
        if (!(await recoverWithCode(context, reply, fields))) return reply;
        await accountSessions.end(context.session.idHash);
        const signedIn = await accountSessions.start(context.session.userId, 'signed_in');
        cookies.set(reply, SESSION_COOKIE, signedIn.id, ACCOUNT_SESSION_TTL_MS / 1000);
        return reply.redirect(ACCOUNT_PATH, 303);
      }),
    );

    // New recovery codes from the signed-in page: the password again, then the codes once.
    scope.post(`${ACCOUNT_PATH}/recovery-codes`, async (request, reply) => {
      const held = await current(request);
      const fields = formFields(request.body);
      const text = textOf(request);
      if (held?.session.stage !== 'signed_in') {
        return signInPage(request, reply, 400, { error: text.t('signInExpiredAgain') });
      }
      if (!sessionPostAccepted(request, origin(), held.id, SESSION_PURPOSE, fields.csrf)) {
        return refused(request, reply);
      }
      const user = await deps.users.findById(held.session.userId);
      if (!user) return signInPage(request, reply, 400, { error: text.t('signInExpiredAgain') });
      let codes: string[];
      try {
        await mfaPerSource(request);
        codes = await deps.mfa.account.regenerateRecoveryCodes(user, fields.password ?? '');
      } catch (error) {
        if (!(error instanceof KeywayError)) throw error;
        if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
        return sendHtml(
          reply,
          statusOf(error.code),
          accountMessagePage(text, identity.name, text.t('noNewCodes'), [text.error(error), text.t('codesNotChanged')]),
        );
      }
      return sendHtml(
        reply,
        200,
        mfaRecoveryCodesPage({ text, serverName: identity.name, codes, continueUrl: ACCOUNT_PATH }),
      );
    });

    const signOut = async (request: FastifyRequest, reply: FastifyReply, token: unknown): Promise<FastifyReply> => {
      const held = await current(request);
      if (held && !tokensMatch(csrfTokenOf(held.id, SESSION_PURPOSE), token)) return refused(request, reply);
      await endSession(reply, held);
      return reply.redirect(ACCOUNT_PATH, 303);
    };
    scope.post(`${ACCOUNT_PATH}/sign-out`, (request, reply) => {
      if (!sameOrigin(request, origin())) return refused(request, reply);
      return signOut(request, reply, formFields(request.body).csrf);
    });
    // The second step's Cancel is a link; it carries the token all the same.
    scope.get<AccountQuery>(`${ACCOUNT_PATH}/sign-out`, (request, reply) =>
      signOut(request, reply, request.query.csrf),
    );
  });
}

function passwordNotOffered(): KeywayError {
  return new KeywayError(
    'unified_login_required',
    'This account signs in with your organisation’s sign-in, not a password here. Use Keyway to sign in.',
  );
}
