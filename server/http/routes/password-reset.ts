import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '../../../protocol/api';
import { KeywayError } from '../../../protocol/errors';
import {
  PASSWORD_RESET_PAGE_PATH,
  PasswordResetRequest,
  PasswordResetRequested,
} from '../../../protocol/password-reset';
import { FormGuard, WebCookies, formFields, registerFormScope, sendHtml } from '../web-form';
import { pageLanguage } from '../languages';
import { pageText } from '../page-messages';
import type { Limits } from '../../config';
import type { ServerIdentity } from '../../identity';
import type { LinkProblem, PasswordResetService } from '../../password-reset/password-reset-service';
import { linkProblemPage, refusedFormPage, resetDonePage, resetFormPage } from '../../password-reset/reset-pages';
import { parseBody, sendJson } from '../json';
import { createLimiter } from '../rate-limiter';

/**
 * Every request answer waits until this long after the request arrived, so its timing is the same
 * whether or not a link was made (the mail itself is sent after the answer).
 */
export const RESET_REQUEST_FLOOR_MS = 250;

const PURPOSE = 'password-reset';

interface TokenQuery {
  Querystring: { token?: string | string[] };
}

/** Forgot password: the API request Keyway makes, and the reset page the e-mail links to. */
export async function registerPasswordResetRoutes(
  app: FastifyInstance,
  resets: PasswordResetService,
  identity: ServerIdentity,
  limits: Limits,
): Promise<void> {
  const perSource = createLimiter(app, {
    max: limits.passwordResetPerSourcePerMinute,
    windowSeconds: 60,
    what: 'password reset requests from this address',
  });

  app.post(`${API_PREFIX}/password-reset`, async (request, reply) => {
    const floor = sleep(RESET_REQUEST_FLOOR_MS);
    await perSource(request);
    const body = parseBody(PasswordResetRequest, request.body);
    const answer = await resets.request(body.loginId);
    await floor;
    return sendJson(reply, PasswordResetRequested, answer, 202);
  });

  const forms = new FormGuard(new WebCookies(() => identity.origin), () => identity.origin);
  await registerFormScope(app, (scope) => {
    const submitsPerSource = createLimiter(scope, {
      max: limits.passwordResetPerSourcePerMinute,
      windowSeconds: 60,
      what: 'password changes from this address',
    });

    scope.get<TokenQuery>(PASSWORD_RESET_PAGE_PATH, async (request, reply) => {
      const text = pageText(pageLanguage(request));
      const token = typeof request.query.token === 'string' ? request.query.token : '';
      const checked = await resets.check(token);
      if (!checked.ok)
        return sendHtml(reply, linkStatus(checked.problem), linkProblemPage(text, identity.name, checked.problem));
      const csrfToken = forms.tokenFor(request, reply, PURPOSE);
      return sendHtml(
        reply,
        200,
        resetFormPage({ text, serverName: identity.name, loginId: checked.user.loginId, token, csrfToken }),
      );
    });

    scope.post(PASSWORD_RESET_PAGE_PATH, async (request, reply) => {
      const text = pageText(pageLanguage(request));
      const fields = formFields(request.body);
      if (!forms.check(request, PURPOSE, fields.csrf)) {
        return sendHtml(reply, 403, refusedFormPage(text, identity.name));
      }
      const token = fields.token ?? '';
      const password = fields.password ?? '';
      const again = (status: number, error: string, loginId: string) =>
        sendHtml(
          reply,
          status,
          resetFormPage({
            text,
            serverName: identity.name,
            loginId,
            token,
            csrfToken: forms.tokenFor(request, reply, PURPOSE),
            error,
          }),
        );
      const checked = await resets.check(token);
      if (!checked.ok)
        return sendHtml(reply, linkStatus(checked.problem), linkProblemPage(text, identity.name, checked.problem));
      try {
        await submitsPerSource(request);
      } catch (error) {
        if (!(error instanceof KeywayError)) throw error;
        if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
        return again(429, text.error(error), checked.user.loginId);
      }
      if (password === '') return again(400, text.t('enterNewPassword'), checked.user.loginId);
      if (password !== fields.confirm) return again(400, text.t('passwordsDiffer'), checked.user.loginId);
      const outcome = await resets.complete(token, password);
      switch (outcome.outcome) {
        case 'rejected':
          // The password policy words its reasons in English; other languages get the rules' summary.
          return again(400, text.error({ code: 'password_rejected', message: outcome.reason }), outcome.user.loginId);
        case 'link':
          return sendHtml(reply, linkStatus(outcome.problem), linkProblemPage(text, identity.name, outcome.problem));
        case 'reset':
          return sendHtml(reply, 200, resetDonePage(text, identity.name, outcome.user.loginId));
      }
    });
  });
}

function linkStatus(problem: LinkProblem): number {
  switch (problem) {
    case 'disabled':
      return 403;
    case 'unknown':
      return 404;
    case 'expired':
      return 410;
    case 'used':
      return 409;
    case 'locked':
      // account_locked_by_admin's status (protocol/errors.ts).
      return 403;
  }
}
