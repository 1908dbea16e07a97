import type { FastifyInstance } from 'fastify';
import { API_PREFIX, Me, RefreshRequest, RevokeRequest, SessionTokens } from '../../../protocol/api';
import { MfaPasswordSignInRequest, PasswordSignInResponse } from '../../../protocol/mfa';
import type { Limits } from '../../config';
import type { SessionService } from '../../sessions/session-service';
import { parseBody, sendJson } from '../json';
import { createLimiter } from '../rate-limiter';

export function registerSessionRoutes(app: FastifyInstance, sessions: SessionService, limits: Limits): void {
  // Per-account lock-out stops guessing one password; this stops one address spraying many accounts.
  const signInPerSource = createLimiter(app, {
    max: limits.signInPerSourcePerMinute,
    windowSeconds: 60,
    what: 'sign-in attempts from this address',
  });
  const sessionCallsPerSource = createLimiter(app, {
    max: limits.sessionCallsPerSourcePerMinute,
    windowSeconds: 60,
    what: 'session requests from this address',
  });

  app.post(`${API_PREFIX}/sessions`, async (request, reply) => {
    await signInPerSource(request);
    // The MFA form of the request: PasswordSignInRequest plus an optional device proof.
    const body = parseBody(MfaPasswordSignInRequest, request.body);
    return sendJson(reply, PasswordSignInResponse, await sessions.signIn(body));
  });

  app.post(`${API_PREFIX}/sessions/refresh`, async (request, reply) => {
    await sessionCallsPerSource(request);
    const body = parseBody(RefreshRequest, request.body);
    return sendJson(reply, SessionTokens, await sessions.refresh(body.refreshToken));
  });

  // Always 204, known token or not (RFC 7009 §2.2): revoking must not tell anyone what exists, nor
  // whether `everywhere` found a live session to end.
  app.post(`${API_PREFIX}/sessions/revoke`, async (request, reply) => {
    await sessionCallsPerSource(request);
    const body = parseBody(RevokeRequest, request.body);
    await sessions.revoke(body.refreshToken, body.everywhere === true, body.kind === 'oidc');
    return reply.code(204).send();
  });

  app.get(`${API_PREFIX}/me`, async (request, reply) =>
    sendJson(reply, Me, await sessions.me(request.headers.authorization)),
  );
}
