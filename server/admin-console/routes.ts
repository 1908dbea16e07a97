import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KeywayError } from '../../protocol/errors';
import { MfaChannel } from '../../protocol/mfa';
import type { AdminService } from '../admin/admin-service';
import { consoleActor } from '../audit/actors';
import type { AuditLog } from '../audit/audit-log';
import type { Limits } from '../config';
import {
  FormGuard,
  WebCookies,
  csrfTokenOf,
  formFields,
  registerFormScope,
  sameOrigin,
  sendHtml,
  sessionPostAccepted,
} from '../http/web-form';
import { negotiateLanguage } from '../http/languages';
import { createLimiter } from '../http/rate-limiter';
import type { ServerIdentity } from '../identity';
import { tellAfterCommit } from '../mfa/notices';
import { passkeyForm, sendPasskeyPage } from '../mfa/passkeys-page';
import { pageText } from '../http/page-messages';
import { acceptAuthenticatorCode, countWrongCode } from '../mfa/verify-code';
import type { MfaServices } from '../services';
import type { SessionService } from '../sessions/session-service';
import type { Storage } from '../storage/storage';
import type { UserRecord, UserStore } from '../users/user-store';
import { lockedByAdminError } from '../users/user-lock';
import type { AdminRoleStore } from './admin-roles';
import type { AdminSession, AdminSessionStore } from './admin-sessions';
import { AdminSignInStore, type PendingSignIn } from './admin-sign-ins';
import {
  AUDIT_PAGE_SIZE,
  auditPage,
  auditQueryOf,
  eventsCsv,
  eventsJsonLines,
  exportEvents,
  type AuditFilterFields,
} from './audit-page';
import { ADMIN_CSS, ADMIN_CSS_PATH } from './console-css';
import { checkRows, importRows, readImportCsv } from './csv-import';
import { registerDeploymentPages, userDeployments } from './deployment-routes';
import { translator, type Translate } from './messages';
import { refusalText } from './validation-texts';
import {
  ADMIN_PATH,
  importPage,
  messagePage,
  SECOND_STEP_PATH,
  secondStepPage,
  settingsPage,
  signInPage,
  userPage,
  usersPage,
  type PageFrame,
} from './pages';
import type { PageCursor, SearchField } from './user-directory';

export interface AdminConsoleDeps {
  identity: ServerIdentity;
  storage: Storage;
  sessions: SessionService;
  mfa: MfaServices;
  users: UserStore;
  adminRoles: AdminRoleStore;
  adminSessions: AdminSessionStore;
  /** The audit trail (server/audit), for the audit page and its exports. */
  audit: AuditLog;
  /** The same AdminService the CLI uses; made once the server knows its origin (server.ts). */
  admin: () => AdminService | undefined;
  limits: Limits;
  /** The server's clock: authenticator codes are judged at its time (tests move it). */
  clock: () => number;
}

/**
 * The console's session cookie. Always `__Host-` with Secure, Path=/ and no Domain, so the browser
 * keeps it to this exact origin and never sends it over plain http to anything but loopback. Chromium
 * treats http://127.0.0.1 and http://localhost as secure for cookies (net/cookies/cookie_base.cc: a
 * Secure or prefixed cookie is allowed where the URL is "potentially trustworthy"; Chrome 89+,
 * https://bugs.chromium.org/p/chromium/issues/detail?id=1056543; checked here with Debian's Chromium
 * 156 against an http://127.0.0.1 server: the __Host- cookie was stored and sent back), which the e2e
 * tests rely on. SameSite=Strict: another site's page cannot make the browser send it.
 */
const ADMIN_COOKIE_BASE = 'keyway-admin';
export const ADMIN_COOKIE = `__Host-${ADMIN_COOKIE_BASE}`;
const SIGN_IN_PURPOSE = 'admin-sign-in';
/** The pending sign-in's cookie (between the password and the second factor), `__Host-` like the session's. */
const PENDING_COOKIE_BASE = 'keyway-admin-pending';
export const PENDING_COOKIE = `__Host-${PENDING_COOKIE_BASE}`;
const SECOND_STEP_PURPOSE = 'admin-second-step';
/** The passkey refusals recorded by their own reason (admin.console-sign-in-failed); others as passkey_refused. */
const PASSKEY_REFUSALS = ['passkey_refused', 'passkey_challenge_used', 'passkey_cloned'] as const;
type SignInRefusal =
  | 'not_admin'
  | 'no_authenticator'
  | 'mfa_code_invalid'
  | 'mfa_code_used'
  | 'account_locked'
  | 'account_locked_by_admin'
  | (typeof PASSKEY_REFUSALS)[number];
const SESSION_PURPOSE = 'admin-console';
/** Requests per admin per minute, every page and form (a console user clicks; a script would not stop). */
const REQUESTS_PER_ADMIN_PER_MINUTE = 120;

interface Held {
  id: string;
  session: AdminSession;
  admin: UserRecord;
  frame: PageFrame;
  service: AdminService;
}

type Handler = (held: Held, request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/** A pending sign-in at its second step: the cookie value, the row, its user and what they can use. */
interface Pending {
  id: string;
  pending: PendingSignIn;
  user: UserRecord;
  frame: PageFrame;
  factors: { totp: boolean; passkey: boolean };
}

function isPending(value: Pending | FastifyReply): value is Pending {
  return 'pending' in value && 'factors' in value;
}

/** What a passkey ceremony of the console is bound to: this pending sign-in, so no other page's answer fits. */
function passkeyBinding(pending: PendingSignIn): string {
  return `admin-console:${pending.idHash}`;
}

/**
 * The admin web console at /admin (issue 18), over the AdminService the CLI uses. Sign-in always takes
 * two steps, whatever the user MFA policy says: the password, which leaves a pending sign-in (in the
 * database, bound to this browser by a `__Host-` cookie, single use, 5 minutes: admin-sign-ins.ts), then a
 * code from an authenticator app or the admin's own passkey; every form
 * carries a CSRF token derived from the session cookie and must come from this origin; destructive
 * actions ask for the admin's password again; every admin has a request budget in the shared
 * rate-limit store.
 */
export async function registerAdminConsole(app: FastifyInstance, deps: AdminConsoleDeps): Promise<void> {
  const origin = (): string => deps.identity.origin;
  // Only for the sign-in form's double-submit cookie (before any session exists).
  const forms = new FormGuard(new WebCookies(origin), origin);
  // The session cookie: the web-form kit's cookie, always __Host- with Secure (see ADMIN_COOKIE).
  const sessionCookies = new WebCookies(origin, 'always');
  // The pending sign-in's cookie: the same attributes (see ADMIN_COOKIE).
  const pendingCookies = sessionCookies;
  const signIns = new AdminSignInStore(deps.storage, deps.clock);

  const frameOf = (request: FastifyRequest): PageFrame => {
    const language = negotiateLanguage(request.headers['accept-language']);
    return { t: translator(language), language, serverName: deps.identity.name };
  };

  const readCookie = (request: FastifyRequest): string | undefined => sessionCookies.read(request, ADMIN_COOKIE_BASE);

  const refused = (reply: FastifyReply, frame: PageFrame): FastifyReply =>
    sendHtml(reply, 403, messagePage(frame, frame.t('refusedHeading'), [frame.t('refusedBody')], signInLink(frame.t)));

  const showSignIn = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    state: { login?: string; error?: string },
  ): FastifyReply =>
    sendHtml(
      reply,
      status,
      signInPage(frameOf(request), {
        csrfToken: forms.tokenFor(request, reply, SIGN_IN_PURPOSE),
        login: state.login ?? '',
        error: state.error,
      }),
    );

  app.get(ADMIN_CSS_PATH, (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(ADMIN_CSS),
  );

  await registerFormScope(app, (scope) => {
    const signInPerSource = createLimiter(scope, {
      max: deps.limits.signInPerSourcePerMinute,
      windowSeconds: 60,
      what: 'admin sign-in attempts from this address',
    });
    const perAdmin = createLimiter(scope, {
      max: REQUESTS_PER_ADMIN_PER_MINUTE,
      windowSeconds: 60,
      what: 'admin console requests by this admin',
    });

    /** Runs `handler` for a live admin session; refuses everything else with a page that says why. */
    const guarded =
      (method: 'get' | 'post', handler: Handler) =>
      async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
        const frame = frameOf(request);
        // A post from another site is refused before anything else is looked at (the cookie is
        // SameSite=Strict, so such a post usually arrives without it; either way it changes nothing).
        if (method === 'post' && !sameOrigin(request, origin())) return refused(reply, frame);
        const id = readCookie(request);
        const session = id === undefined ? undefined : await deps.adminSessions.use(id);
        const admin = session && (await deps.users.findById(session.userId));
        const service = deps.admin();
        if (id === undefined || !session || !admin || !service) {
          if (id === undefined && method === 'get') return showSignIn(request, reply, 200, {});
          sessionCookies.clear(reply, ADMIN_COOKIE_BASE);
          return sendHtml(
            reply,
            401,
            messagePage(frame, frame.t('expiredHeading'), [frame.t('expiredBody')], signInLink(frame.t)),
          );
        }
        const csrfToken = csrfTokenOf(id, SESSION_PURPOSE);
        if (
          method === 'post' &&
          !sessionPostAccepted(request, origin(), id, SESSION_PURPOSE, formFields(request.body).csrf)
        ) {
          return refused(reply, frame);
        }
        try {
          await perAdmin(request, `admin:${session.userId}`);
        } catch (error) {
          if (!(error instanceof KeywayError)) throw error;
          if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
          return sendHtml(reply, 429, messagePage(frame, frame.t('tooMany'), [error.message]));
        }
        // Every action is recorded as this admin's ("console:<login ID>"), not the server's CLI user.
        const acting = service.actingAs(consoleActor(admin.loginId).name);
        return handler(
          {
            id,
            session,
            admin,
            service: acting,
            frame: {
              ...frame,
              signedIn: { loginId: admin.loginId, csrfToken, path: request.routeOptions.url ?? request.url },
            },
          },
          request,
          reply,
        );
      };

    /** The admin's own password again, for what cannot be undone; false (and nothing done) when wrong. */
    const reauthenticated = async (held: Held, password: string | undefined): Promise<boolean> => {
      if (password === undefined || password === '') return false;
      try {
        await deps.sessions.authenticate(held.admin.loginId, password, 'reauthentication');
        return true;
      } catch (error) {
        if (error instanceof KeywayError) return false;
        throw error;
      }
    };

    scope.get(ADMIN_PATH, async (request, reply) => {
      const id = readCookie(request);
      if (id !== undefined && (await deps.adminSessions.use(id))) return reply.redirect(`${ADMIN_PATH}/users`, 303);
      // A GET changes nothing: a second step under way stays (a link from anywhere must not end it). Only
      // the second step's Cancel (a same-origin POST, below) or a new password in this browser ends it.
      return showSignIn(request, reply, 200, {});
    });

    /** Refusals after a right password are recorded (a wrong password already is, by authenticate). */
    const refusedAs = (user: UserRecord, reason: SignInRefusal) =>
      deps.audit.record({
        type: 'admin.console-sign-in-failed',
        actor: { kind: 'anonymous' },
        userId: user.id,
        reason,
        details: {},
      });

    /** What this admin can finish the sign-in with: a confirmed authenticator app, a usable passkey. */
    const factorsOf = async (user: UserRecord) => ({
      totp: (await deps.mfa.authenticators.confirmedOf(user.id)).length > 0,
      // Where available: the server's (and the user's profile's) MFA policy allows passkeys, and the admin has one.
      passkey: await deps.mfa.passkeys.usableBy(user.id),
    });

    // Step 1: the password (same form guard, rate limit and audit as every sign-in of the console).
    scope.post(`${ADMIN_PATH}/sign-in`, async (request, reply) => {
      const frame = frameOf(request);
      const { t } = frame;
      const fields = formFields(request.body);
      if (!forms.check(request, SIGN_IN_PURPOSE, fields.csrf)) return refused(reply, frame);
      const login = (fields.login ?? '').trim();
      const password = fields.password ?? '';
      if (login === '' || password === '') {
        return showSignIn(request, reply, 400, { login, error: t('missingFields') });
      }
      let user: UserRecord;
      try {
        await signInPerSource(request);
        // Recorded as the console's own sign-in method (a wrong password here is no provider page's).
        user = await deps.sessions.authenticate(login, password, 'admin-console');
      } catch (error) {
        if (!(error instanceof KeywayError)) throw error;
        if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
        const status = error.code === 'rate_limited' ? 429 : error.code === 'account_locked_by_admin' ? 403 : 401;
        return showSignIn(request, reply, status, {
          login,
          error: messageFor(t, error),
        });
      }
      if (!(await deps.adminRoles.isAdmin(user.id))) {
        await refusedAs(user, 'not_admin');
        return sendHtml(reply, 403, messagePage(frame, t('notAdminHeading'), [t('notAdminBody')], signInLink(t)));
      }
      const factors = await factorsOf(user);
      // No exception for admins without a second factor, whatever the user MFA policy says.
      if (!factors.totp && !factors.passkey) {
        await refusedAs(user, 'no_authenticator');
        return sendHtml(reply, 403, messagePage(frame, t('noFactorHeading'), [t('noFactorBody')], signInLink(t)));
      }
      // A pending sign-in, never a session: only the second step's pages accept its cookie.
      const previous = pendingCookies.read(request, PENDING_COOKIE_BASE);
      const before = previous === undefined ? undefined : await signIns.find(previous);
      if (before) await signIns.end(before.idHash);
      const pending = await signIns.start(user.id);
      pendingCookies.set(reply, PENDING_COOKIE_BASE, pending.id, Math.floor(signIns.ttlMs / 1000));
      return reply.redirect(SECOND_STEP_PATH, 303);
    });

    /**
     * The pending sign-in behind this browser's cookie, with its user, while it can still be finished;
     * else the page that says why not has been sent. Posts must come from this origin and carry the
     * token derived from the pending cookie (another browser, or another site, has neither).
     */
    const pendingStep = async (
      request: FastifyRequest,
      reply: FastifyReply,
      method: 'get' | 'post',
    ): Promise<Pending | FastifyReply> => {
      const frame = frameOf(request);
      const { t } = frame;
      if (method === 'post' && !sameOrigin(request, origin())) return refused(reply, frame);
      const id = pendingCookies.read(request, PENDING_COOKIE_BASE);
      const pending = id === undefined ? undefined : await signIns.find(id);
      const user = pending && (await deps.users.findById(pending.userId));
      if (id === undefined || !pending || !user) {
        pendingCookies.clear(reply, PENDING_COOKIE_BASE);
        return sendHtml(
          reply,
          401,
          messagePage(frame, t('pendingExpiredHeading'), [t('pendingExpiredBody')], signInLink(t)),
        );
      }
      if (
        method === 'post' &&
        !sessionPostAccepted(request, origin(), id, SECOND_STEP_PURPOSE, formFields(request.body).csrf)
      ) {
        return refused(reply, frame);
      }
      if (method === 'post') {
        try {
          await signInPerSource(request);
        } catch (error) {
          if (!(error instanceof KeywayError)) throw error;
          if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
          return sendHtml(reply, 429, messagePage(frame, t('tooMany'), [error.message]));
        }
      }
      // An admin's lock since the password (lock-user) ends the sign-in with the password step's answer
      // for that lock: 403 and the same text, on the sign-in form (no Retry-After: it lasts until unlocked).
      if (pending.lockedByAdmin) {
        await signIns.end(pending.idHash);
        pendingCookies.clear(reply, PENDING_COOKIE_BASE);
        if (method === 'post') await refusedAs(user, 'account_locked_by_admin');
        return showSignIn(request, reply, 403, { login: user.loginId, error: messageFor(t, lockedByAdminError()) });
      }
      // The role again: revoke-admin between the two steps ends the sign-in here.
      if (!(await deps.adminRoles.isAdmin(user.id))) {
        await signIns.end(pending.idHash);
        pendingCookies.clear(reply, PENDING_COOKIE_BASE);
        if (method === 'post') await refusedAs(user, 'not_admin');
        return sendHtml(reply, 403, messagePage(frame, t('notAdminHeading'), [t('notAdminBody')], signInLink(t)));
      }
      return { id, pending, user, frame, factors: await factorsOf(user) };
    };

    /** The second step's page: the code form and/or the passkey form (a new ceremony, bound to this sign-in). */
    const showSecondStep = async (
      reply: FastifyReply,
      held: Pending,
      status: number,
      error?: string,
    ): Promise<FastifyReply> => {
      const { frame, factors, user } = held;
      const { t } = frame;
      if (!factors.totp && !factors.passkey) {
        return sendHtml(reply, 403, messagePage(frame, t('noFactorHeading'), [t('noFactorBody')], signInLink(t)));
      }
      const csrfToken = csrfTokenOf(held.id, SECOND_STEP_PURPOSE);
      const passkeyHtml = factors.passkey
        ? passkeyForm({
            text: pageText(frame.language),
            ceremony: 'get',
            // Only this admin's passkeys (allowCredentials), user verification as the provider's passkey
            // step asks ('second-factor': preferred), the challenge bound to this pending sign-in.
            options: await deps.mfa.passkeys.webauthn.authenticationOptions(
              user,
              'second-factor',
              passkeyBinding(held.pending),
            ),
            action: `${SECOND_STEP_PATH}/passkey`,
            hidden: { csrf: csrfToken },
            button: t('usePasskey'),
            fallback: t(factors.totp ? 'passkeyFallbackTotp' : 'passkeyFallbackNone'),
          })
        : undefined;
      const html = secondStepPage(frame, {
        csrfToken,
        loginId: user.loginId,
        totp: factors.totp,
        passkeyForm: passkeyHtml,
        error,
      });
      // The passkey page's CSP adds the server's own script (script-src 'self'); otherwise no script at all.
      return passkeyHtml === undefined ? sendHtml(reply, status, html) : sendPasskeyPage(reply, status, html);
    };

    /** In the verdict's transaction: the pending sign-in taken (once), the lock cleared, the success recorded. */
    const finish = async (
      user: UserRecord,
      pending: PendingSignIn,
      factor: 'totp' | 'passkey',
    ): Promise<'accepted' | KeywayError> => {
      if (!(await signIns.take(pending.idHash))) return new KeywayError('mfa_challenge_expired', 'expired');
      await deps.mfa.lock.clear(user.id);
      await deps.audit.record({
        type: 'admin.console-signed-in',
        actor: consoleActor(user.loginId),
        userId: user.id,
        details: { factor },
      });
      return 'accepted';
    };

    const afterVerdict = async (
      request: FastifyRequest,
      reply: FastifyReply,
      held: Pending,
      verdict: 'accepted' | KeywayError,
    ): Promise<FastifyReply> => {
      const { frame } = held;
      const { t } = frame;
      if (verdict === 'accepted') {
        // The admin session starts exactly as a one-step sign-in did: an older one in this browser ends.
        const previous = readCookie(request);
        const old = previous === undefined ? undefined : await deps.adminSessions.use(previous);
        if (old) await deps.adminSessions.end(old.idHash);
        pendingCookies.clear(reply, PENDING_COOKIE_BASE);
        const started = await deps.adminSessions.start(held.user.id);
        sessionCookies.set(
          reply,
          ADMIN_COOKIE_BASE,
          started.id,
          Math.floor(deps.adminSessions.times.absoluteMs / 1000),
        );
        return reply.redirect(`${ADMIN_PATH}/users`, 303);
      }
      if (verdict.code === 'mfa_challenge_expired') {
        pendingCookies.clear(reply, PENDING_COOKIE_BASE);
        return sendHtml(
          reply,
          401,
          messagePage(frame, t('pendingExpiredHeading'), [t('pendingExpiredBody')], signInLink(t)),
        );
      }
      if (verdict.retryAfter !== undefined) void reply.header('retry-after', String(verdict.retryAfter));
      const message = verdict.code.startsWith('passkey_')
        ? pageText(frame.language).error(verdict)
        : messageFor(t, verdict);
      return showSecondStep(reply, held, verdict.code === 'passkey_unavailable' ? 400 : 401, message);
    };

    // Cancel at step 2: a POST from this origin with the pending sign-in's own token (a cross-site page has
    // neither), so no link or cross-origin form can end an admin's sign-in under way. It ends the row, live
    // or not, drops the cookie and goes back to the password form.
    scope.post(`${SECOND_STEP_PATH}/cancel`, async (request, reply) => {
      const id = pendingCookies.read(request, PENDING_COOKIE_BASE);
      if (id !== undefined) {
        // sessionPostAccepted: the same-origin check (Sec-Fetch-Site/Origin) and the token, as every console post.
        if (!sessionPostAccepted(request, origin(), id, SECOND_STEP_PURPOSE, formFields(request.body).csrf)) {
          return refused(reply, frameOf(request));
        }
        await signIns.cancel(id);
      }
      // Without a cookie there is nothing to end: only the (absent) cookie is cleared.
      pendingCookies.clear(reply, PENDING_COOKIE_BASE);
      return reply.redirect(ADMIN_PATH, 303);
    });

    scope.get(SECOND_STEP_PATH, async (request, reply) => {
      const held = await pendingStep(request, reply, 'get');
      if (!isPending(held)) return held;
      return showSecondStep(reply, held, 200);
    });

    // Step 2, the authenticator code: the same rules as every other second step. The account-wide lock
    // (failure-lock.ts) is checked first, a wrong code counts toward it, a code is accepted once (its time
    // step is spent), and the check and the count are one transaction; the lock's e-mail goes out after it.
    scope.post(`${SECOND_STEP_PATH}/code`, async (request, reply) => {
      const held = await pendingStep(request, reply, 'post');
      if (!isPending(held)) return held;
      const { t } = held.frame;
      const user = held.user;
      if (!held.factors.totp) return showSecondStep(reply, held, 400, t('noTotp'));
      const code = (formFields(request.body).code ?? '').replace(/\s/g, '');
      if (!/^\d{6}$/.test(code)) return showSecondStep(reply, held, 400, t('enterCode'));
      const candidates = await deps.mfa.authenticators.confirmedOf(user.id);
      const verdict = await tellAfterCommit(deps.storage, deps.mfa.notices, async (notices) => {
        const locked = await deps.mfa.lock.lockError(user.id);
        if (locked) {
          await refusedAs(user, 'account_locked');
          return locked;
        }
        const outcome = await acceptAuthenticatorCode(deps.mfa.authenticators, candidates, code, deps.clock());
        if (outcome.verdict === 'accepted') return finish(user, held.pending, 'totp');
        if (outcome.verdict === 'used') {
          await refusedAs(user, 'mfa_code_used');
          return new KeywayError('mfa_code_used', t('usedCode'));
        }
        const lockedNow = await countWrongCode({ lock: deps.mfa.lock, notices, audit: deps.mfa.audit }, user);
        // This attempt's reason is the wrong code; a lock it caused is its own event (second-factor.locked-out).
        await refusedAs(user, 'mfa_code_invalid');
        return lockedNow ?? new KeywayError('mfa_code_invalid', t('wrongCode'));
      });
      return afterVerdict(request, reply, held, verdict);
    });

    // Step 2, a passkey: the server's WebAuthn ceremony (webauthn.ts) for this admin's own passkeys, bound to
    // this pending sign-in; the same account-wide lock, checked first, and a refused answer counts toward it.
    scope.post(`${SECOND_STEP_PATH}/passkey`, async (request, reply) => {
      const held = await pendingStep(request, reply, 'post');
      if (!isPending(held)) return held;
      const { t } = held.frame;
      const user = held.user;
      if (!held.factors.passkey) return showSecondStep(reply, held, 400, t('noPasskey'));
      const answer = formFields(request.body).response;
      const verdict = await tellAfterCommit(deps.storage, deps.mfa.notices, async (notices) => {
        const locked = await deps.mfa.lock.lockError(user.id);
        if (locked) {
          await refusedAs(user, 'account_locked');
          return locked;
        }
        try {
          // Spends the ceremony's challenge whatever the verdict (single use), checks that it was opened for
          // this pending sign-in, that the credential is this admin's, then origin, RP ID and signature.
          await deps.mfa.passkeys.webauthn.verifyAuthentication(answer, {
            purpose: 'second-factor',
            binding: passkeyBinding(held.pending),
            userId: user.id,
          });
        } catch (error) {
          if (!(error instanceof KeywayError)) throw error;
          // No answer at all (no WebAuthn, an empty post) is no attempt; anything else is a refused one.
          if (error.code === 'passkey_unavailable') return error;
          const lockedNow = await countWrongCode({ lock: deps.mfa.lock, notices, audit: deps.mfa.audit }, user);
          await refusedAs(user, PASSKEY_REFUSALS.find((each) => each === error.code) ?? 'passkey_refused');
          return lockedNow ?? error;
        }
        return finish(user, held.pending, 'passkey');
      });
      return afterVerdict(request, reply, held, verdict);
    });

    scope.post(
      `${ADMIN_PATH}/sign-out`,
      guarded('post', async (held, _request, reply) => {
        await deps.adminSessions.end(held.session.idHash);
        sessionCookies.clear(reply, ADMIN_COOKIE_BASE);
        return reply.redirect(ADMIN_PATH, 303);
      }),
    );

    scope.get<{ Querystring: { by?: string; q?: string; after?: string; afterId?: string } }>(
      `${ADMIN_PATH}/users`,
      guarded('get', async (held, request, reply) => {
        const query = request.query as { by?: string; q?: string; after?: string; afterId?: string };
        const field: SearchField = query.by === 'name' ? 'name' : 'login';
        const text = (query.q ?? '').slice(0, 200);
        const afterId = Number(query.afterId);
        const after: PageCursor | undefined =
          query.after !== undefined && Number.isSafeInteger(afterId)
            ? { key: query.after.slice(0, 400), id: afterId }
            : undefined;
        const page = await held.service.searchUsers(field, text, after);
        return sendHtml(reply, 200, usersPage(held.frame, { field, query: text, page }));
      }),
    );

    scope.post(
      `${ADMIN_PATH}/users/create`,
      guarded('post', async (held, request, reply) => {
        const fields = formFields(request.body);
        const detail = await attempt(async () => {
          const created = await held.service.createUser({
            loginId: (fields.loginId ?? '').trim(),
            email: (fields.email ?? '').trim(),
            displayName: fields.displayName ?? '',
            phone: blankToUndefined(fields.phone),
            aliases: lines(fields.aliases),
            password: blankToUndefined(fields.initialPassword),
          });
          return held.service.userDetail(created.user.loginId);
        });
        if (detail instanceof KeywayError) {
          const page = await held.service.searchUsers('login', '', undefined);
          return sendHtml(
            reply,
            400,
            usersPage(held.frame, { field: 'login', query: '', page, error: detail.message }),
          );
        }
        return sendHtml(
          reply,
          200,
          userPage(
            held.frame,
            detail,
            { notice: held.frame.t('created') },
            await userDeployments(held, detail.user.loginId),
          ),
        );
      }),
    );

    scope.get<{ Querystring: { name?: string } }>(
      `${ADMIN_PATH}/user`,
      guarded('get', async (held, request, reply) => {
        const name = (request.query as { name?: string }).name ?? '';
        const detail = await attempt(() => held.service.userDetail(name));
        if (detail instanceof KeywayError) {
          const page = await held.service.searchUsers('login', '', undefined);
          return sendHtml(
            reply,
            404,
            usersPage(held.frame, { field: 'login', query: '', page, error: detail.message }),
          );
        }
        return sendHtml(reply, 200, userPage(held.frame, detail, {}, await userDeployments(held, detail.user.loginId)));
      }),
    );

    /** A form about one user: runs `act`, then shows the user's page with its outcome (or error). */
    const userAction = (
      act: (held: Held, name: string, fields: Record<string, string>) => Promise<{ notice: string; secret?: string }>,
      options: { reauthenticate: boolean },
    ): ((request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
      guarded('post', async (held, request, reply) => {
        const fields = formFields(request.body);
        const name = fields.name ?? '';
        let detail;
        try {
          detail = await held.service.userDetail(name);
        } catch (error) {
          if (!(error instanceof KeywayError)) throw error;
          const page = await held.service.searchUsers('login', '', undefined);
          return sendHtml(reply, 404, usersPage(held.frame, { field: 'login', query: '', page, error: error.message }));
        }
        if (options.reauthenticate && !(await reauthenticated(held, fields.reauth))) {
          return sendHtml(
            reply,
            403,
            userPage(
              held.frame,
              detail,
              { error: held.frame.t('reauthFailed') },
              await userDeployments(held, detail.user.loginId),
            ),
          );
        }
        const outcome = await attempt(() => act(held, detail.user.loginId, fields));
        if (outcome instanceof KeywayError) {
          return sendHtml(
            reply,
            400,
            userPage(
              held.frame,
              detail,
              { error: messageFor(held.frame.t, outcome) },
              await userDeployments(held, detail.user.loginId),
            ),
          );
        }
        return sendHtml(
          reply,
          200,
          userPage(
            held.frame,
            await held.service.userDetail(detail.user.loginId),
            outcome,
            await userDeployments(held, detail.user.loginId),
          ),
        );
      });

    scope.post(
      `${ADMIN_PATH}/user/edit`,
      userAction(
        async (held, name, fields) => {
          await held.service.editUser(name, {
            displayName: fields.displayName,
            email: fields.email?.trim(),
            aliases: lines(fields.aliases),
            phone: fields.phone ?? '',
          });
          return { notice: held.frame.t('saved') };
        },
        { reauthenticate: false },
      ),
    );

    scope.post(
      `${ADMIN_PATH}/user/sign-in-method`,
      userAction(
        async (held, name, fields) => {
          await held.service.setSignInMethod(name, fields.method ?? '');
          return { notice: held.frame.t('saved') };
        },
        { reauthenticate: false },
      ),
    );

    scope.post(
      `${ADMIN_PATH}/user/reset-password`,
      userAction(
        async (held, name) => {
          const reset = await held.service.resetPassword(name);
          return { notice: held.frame.t('passwordReset'), secret: reset.password };
        },
        { reauthenticate: true },
      ),
    );

    scope.post(
      `${ADMIN_PATH}/user/reset-mfa`,
      userAction(
        async (held, name) => {
          const reset = await held.service.resetMfa(name);
          return { notice: held.frame.t('mfaReset', { authenticators: reset.authenticators, devices: reset.devices }) };
        },
        { reauthenticate: true },
      ),
    );

    scope.post(
      `${ADMIN_PATH}/user/revoke-sessions`,
      userAction(
        async (held, name) => {
          const revoked = await held.service.revokeSessions(name);
          return { notice: held.frame.t('sessionsRevoked', { count: revoked.revokedSessions }) };
        },
        { reauthenticate: true },
      ),
    );

    // Lock asks for the admin's password again (it ends every session of the user); unlock does not.
    scope.post(
      `${ADMIN_PATH}/user/lock`,
      userAction(
        async (held, name, fields) => {
          const locked = await held.service.lockUser(name, { reason: fields.lockReason });
          return {
            notice: locked.changed
              ? held.frame.t('userLocked', { count: locked.revokedSessions })
              : held.frame.t('alreadyLocked'),
          };
        },
        { reauthenticate: true },
      ),
    );

    scope.post(
      `${ADMIN_PATH}/user/unlock`,
      userAction(
        async (held, name) => {
          const unlocked = await held.service.unlockUser(name);
          return { notice: unlocked.changed ? held.frame.t('userUnlocked') : held.frame.t('notLocked') };
        },
        { reauthenticate: false },
      ),
    );

    scope.get(
      `${ADMIN_PATH}/import`,
      guarded('get', async (held, _request, reply) => sendHtml(reply, 200, importPage(held.frame, { csv: '' }))),
    );

    scope.post(
      `${ADMIN_PATH}/import`,
      guarded('post', async (held, request, reply) => {
        const { t } = held.frame;
        const fields = formFields(request.body);
        const csv = fields.csv ?? '';
        let parsed;
        try {
          parsed = readImportCsv(csv);
        } catch (error) {
          if (!(error instanceof KeywayError)) throw error;
          return sendHtml(
            reply,
            400,
            importPage(held.frame, { csv, error: `${t('csvUnreadable')}: ${error.message}` }),
          );
        }
        const checked = await checkRows(held.service, parsed);
        const invalid = checked.some((row) => row.error !== undefined);
        if (fields.mode !== 'import' || invalid) {
          return sendHtml(
            reply,
            invalid ? 400 : 200,
            importPage(held.frame, {
              csv,
              rows: checked,
              outcome: t('dryRunNote'),
              error: invalid ? t('importBlocked') : undefined,
            }),
          );
        }
        const results = await importRows(held.service, parsed);
        const created = results.filter((row) => row.created === true).length;
        return sendHtml(
          reply,
          200,
          importPage(held.frame, { csv: '', rows: results, outcome: t('importDone', { count: created }) }),
        );
      }),
    );

    const showSettings = async (
      held: Held,
      reply: FastifyReply,
      status: number,
      outcome: { error?: string; notice?: string; secret?: string } = {},
    ): Promise<FastifyReply> =>
      sendHtml(
        reply,
        status,
        settingsPage(held.frame, {
          mfa: await held.service.mfaPolicy(),
          forgot: await held.service.passwordResetPolicy(),
          otpClients: (await held.service.listOtpClients()).filter((client) => client.revokedAt === undefined),
          providers: (await held.service.identityProviders.list()).map((provider) => ({
            id: provider.id,
            label: `${provider.displayName} (${provider.kind}, ${provider.id}, ${provider.location}${provider.domains.length === 0 ? '' : `; ${provider.domains.join(', ')}`})`,
          })),
          ...outcome,
        }),
      );

    const settingsForm = (
      act: (held: Held, fields: Record<string, string>) => Promise<{ notice: string; secret?: string }>,
    ) =>
      guarded('post', async (held, request, reply) => {
        try {
          return await showSettings(held, reply, 200, await act(held, formFields(request.body)));
        } catch (error) {
          if (!(error instanceof KeywayError)) throw error;
          return showSettings(held, reply, 400, { error: messageFor(held.frame.t, error) });
        }
      });

    scope.get(
      `${ADMIN_PATH}/audit`,
      guarded('get', async (held, request, reply) => {
        const fields = auditFields(request.query);
        const query = await attempt(() => auditQueryOf(deps.users, fields, AUDIT_PAGE_SIZE));
        const page = query instanceof KeywayError ? query : await attempt(() => deps.audit.query(query));
        if (page instanceof KeywayError) {
          return sendHtml(reply, 400, auditPage(held.frame, { fields, events: [], error: page.message }));
        }
        return sendHtml(reply, 200, auditPage(held.frame, { fields, events: page.events, next: page.next }));
      }),
    );

    scope.get(
      `${ADMIN_PATH}/audit/export`,
      guarded('get', async (held, request, reply) => {
        const fields = auditFields(request.query);
        const format = (request.query as { format?: unknown }).format === 'jsonl' ? 'jsonl' : 'csv';
        const query = await attempt(() => auditQueryOf(deps.users, { ...fields, cursor: undefined }, 1000));
        if (query instanceof KeywayError) {
          return sendHtml(reply, 400, auditPage(held.frame, { fields, events: [], error: query.message }));
        }
        const events = await exportEvents(deps.audit, {
          userId: query.userId,
          types: query.types,
          from: query.from,
          to: query.to,
        });
        const stamp = new Date(deps.clock()).toISOString().slice(0, 10);
        return reply
          .code(200)
          .header('content-disposition', `attachment; filename="keyway-audit-${stamp}.${format}"`)
          .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
          .send(format === 'csv' ? eventsCsv(events) : eventsJsonLines(events));
      }),
    );

    scope.get(
      `${ADMIN_PATH}/settings`,
      guarded('get', (held, _request, reply) => showSettings(held, reply, 200)),
    );

    scope.post(
      `${ADMIN_PATH}/settings/mfa`,
      settingsForm(async (held, fields) => {
        const channels = MfaChannel.options.filter((channel) => fields[`channel-${channel}`] === 'on');
        const trustDays = (fields.trustDays ?? '').trim();
        await held.service.setMfaPolicy({
          channels: channels.join(','),
          mode: fields.mode,
          trustDays: /^\d{1,4}$/.test(trustDays) ? Number(trustDays) : Number.NaN,
        });
        return { notice: held.frame.t('saved') };
      }),
    );

    scope.post(
      `${ADMIN_PATH}/settings/forgot-password`,
      settingsForm(async (held, fields) => {
        const minutes = (fields.linkMinutes ?? '').trim();
        await held.service.setPasswordResetPolicy({
          enabled: fields.enabled === 'on',
          linkTtlMinutes: /^\d{1,5}$/.test(minutes) ? Number(minutes) : Number.NaN,
        });
        return { notice: held.frame.t('saved') };
      }),
    );

    scope.post(
      `${ADMIN_PATH}/settings/otp-clients/create`,
      settingsForm(async (held, fields) => {
        const created = await held.service.createOtpClient((fields.otpName ?? '').trim());
        return { notice: held.frame.t('otpKey'), secret: created.apiKey };
      }),
    );

    scope.post(
      `${ADMIN_PATH}/settings/otp-clients/revoke`,
      settingsForm(async (held, fields) => {
        await held.service.revokeOtpClient(fields.name ?? '');
        return { notice: held.frame.t('saved') };
      }),
    );

    /**
     * An identity-provider form: provider-admin.ts validates (the CLI's checks, one place); its refusal
     * carries the field and the reason (KeywayError's detail), which settingsForm words in the admin's
     * language through messageFor.
     */
    const idpForm = settingsForm;
    const idpCommon = (fields: Record<string, string>, kind: 'oidc' | 'saml') => ({
      id: (fields[`${kind}-id`] ?? '').trim(),
      displayName: fields[`${kind}-name`] ?? '',
      domains: (fields[`${kind}-domains`] ?? '').split(/[\s,]+/).filter((domain) => domain !== ''),
      jit: fields[`${kind}-jit`] === 'on',
    });
    const given = (value: string | undefined): string | undefined =>
      value === undefined || value.trim() === '' ? undefined : value.trim();

    scope.post(
      `${ADMIN_PATH}/settings/idp/add-oidc`,
      idpForm(async (held, fields) => {
        await held.service.identityProviders.addOidc({
          ...idpCommon(fields, 'oidc'),
          issuer: (fields['oidc-issuer'] ?? '').trim(),
          clientId: (fields['oidc-client-id'] ?? '').trim(),
          // Required here (a new provider); provider-admin refuses a blank one by name.
          clientSecret: fields['oidc-client-secret'] ?? '',
          tokenEndpointAuthMethod: fields['oidc-auth-method'],
        });
        return { notice: held.frame.t('idpAdded') };
      }),
    );

    scope.post(
      `${ADMIN_PATH}/settings/idp/add-saml`,
      idpForm(async (held, fields) => {
        const certificate = given(fields['saml-certificate']);
        await held.service.identityProviders.addSaml({
          ...idpCommon(fields, 'saml'),
          metadataXml: given(fields['saml-metadata']),
          ssoUrl: given(fields['saml-sso-url']),
          idpEntityId: given(fields['saml-entity-id']),
          idpCertificates: certificate === undefined ? undefined : [certificate],
        });
        return { notice: held.frame.t('idpAdded') };
      }),
    );

    scope.post(
      `${ADMIN_PATH}/settings/idp/remove`,
      guarded('post', async (held, request, reply) => {
        const fields = formFields(request.body);
        // Destructive (its users' links go): the admin's password again, as for revoking sessions.
        if (!(await reauthenticated(held, fields.reauth))) {
          return showSettings(held, reply, 403, { error: held.frame.t('reauthFailed') });
        }
        const outcome = await attempt(() => held.service.identityProviders.remove(fields.id ?? ''));
        if (outcome instanceof KeywayError) return showSettings(held, reply, 400, { error: outcome.message });
        return showSettings(held, reply, 200, { notice: held.frame.t('idpRemoved') });
      }),
    );

    // Deployments, deployment profiles, licenses (deployment-routes.ts), behind the same guard.
    registerDeploymentPages<Held>(scope, { guarded, reauthenticated });
  });
}

/** The work's result, or the KeywayError it threw (a refusal to show on the page); other errors go on. */
async function attempt<T>(work: () => Promise<T>): Promise<T | KeywayError> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof KeywayError) return error;
    throw error;
  }
}

function auditFields(query: unknown): AuditFilterFields {
  const given = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const text = (name: string): string | undefined => {
    const value = given[name];
    return typeof value === 'string' ? value.slice(0, 200) : undefined;
  };
  return { user: text('user'), type: text('type'), from: text('from'), to: text('to'), cursor: text('cursor') };
}

function signInLink(t: Translate): { href: string; text: string } {
  return { href: ADMIN_PATH, text: t('backToSignIn') };
}

function messageFor(t: Translate, error: KeywayError): string {
  switch (error.code) {
    case 'invalid_credentials':
      return t('wrongCredentials');
    case 'account_locked':
      return t('locked');
    case 'account_locked_by_admin':
      return t('lockedByAdmin');
    case 'rate_limited':
      return t('tooMany');
    case 'mfa_code_invalid':
      return t('wrongCode');
    case 'mfa_code_used':
      return t('usedCode');
    default:
      return refusalText(t, error);
  }
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function lines(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\r\n]+/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
