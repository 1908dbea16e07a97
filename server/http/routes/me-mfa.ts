import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '../../../protocol/api';
import {
  AuthenticatorEnrollment,
  ConfirmAuthenticator,
  MfaOverview,
  Reauthentication,
  RecoveryCodes,
} from '../../../protocol/mfa';
import type { Limits } from '../../config';
import type { MfaServices } from '../../services';
import type { SessionService } from '../../sessions/session-service';
import { parseBody, sendJson } from '../json';
import { createLimiter } from '../rate-limiter';

interface IdRoute {
  Params: { id: string };
}

/** The signed-in user's MFA settings (Bearer access token): authenticators and remembered devices. */
export function registerMeMfaRoutes(
  app: FastifyInstance,
  sessions: SessionService,
  mfa: MfaServices,
  limits: Limits,
): void {
  const perSource = createLimiter(app, {
    max: limits.mfaPerSourcePerMinute,
    windowSeconds: 60,
    what: 'verification requests from this address',
  });
  const base = `${API_PREFIX}/me/mfa`;

  app.get(base, async (request, reply) =>
    sendJson(
      reply,
      MfaOverview,
      await mfa.account.overview(await sessions.userOfBearer(request.headers.authorization)),
    ),
  );

  app.post(`${base}/authenticators`, async (request, reply) => {
    const user = await sessions.userOfBearer(request.headers.authorization);
    await perSource(request);
    const body = parseBody(Reauthentication, request.body);
    return sendJson(reply, AuthenticatorEnrollment, await mfa.account.startEnrollment(user, body.password));
  });

  app.post(`${base}/authenticators/confirm`, async (request, reply) => {
    const user = await sessions.userOfBearer(request.headers.authorization);
    await perSource(request);
    const body = parseBody(ConfirmAuthenticator, request.body);
    const { recoveryCodes } = await mfa.account.confirmEnrollment(user, body.enrollmentId, body.code, body.name);
    // The user's first second factor: its recovery codes, on this answer only.
    if (recoveryCodes) return sendJson(reply, RecoveryCodes, { recoveryCodes });
    return reply.code(204).send();
  });

  // A new set of recovery codes; the old set stops working (re-authentication required).
  app.post(`${base}/recovery-codes`, async (request, reply) => {
    const user = await sessions.userOfBearer(request.headers.authorization);
    await perSource(request);
    const body = parseBody(Reauthentication, request.body);
    return sendJson(reply, RecoveryCodes, {
      recoveryCodes: await mfa.account.regenerateRecoveryCodes(user, body.password),
    });
  });

  app.post<IdRoute>(`${base}/authenticators/:id/remove`, async (request, reply) => {
    const user = await sessions.userOfBearer(request.headers.authorization);
    await perSource(request);
    const body = parseBody(Reauthentication, request.body);
    await mfa.account.removeAuthenticator(user, request.params.id, body.password);
    return reply.code(204).send();
  });

  app.post<IdRoute>(`${base}/devices/:id/remove`, async (request, reply) => {
    const user = await sessions.userOfBearer(request.headers.authorization);
    await mfa.account.removeDevice(user, request.params.id);
    return reply.code(204).send();
  });
}
