import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '../../../protocol/api';
import { KeywayError } from '../../../protocol/errors';
import { IssuedOtp, OtpIssueRequest, OtpOptions, OtpVerdict, OtpVerifyRequest } from '../../../protocol/otp';
import type { Limits } from '../../config';
import type { OtpClientStore } from '../../otp/otp-clients';
import type { OtpService } from '../../otp/otp-service';
import type { SessionService } from '../../sessions/session-service';
import { identifierKey } from '../../users/identifiers';
import { parseBody, sendJson } from '../json';
import { createLimiter } from '../rate-limiter';

/** OTP requests per signed-in user per minute (each needs the password or an authenticator code). */
const ISSUES_PER_USER_PER_MINUTE = 10;

/**
 * One-time passwords for other services: the signed-in user's side (Bearer access token) and the
 * verify endpoint front ends call with their API key (docs/otp-verify.md).
 */
export function registerOtpRoutes(
  app: FastifyInstance,
  sessions: SessionService,
  otp: OtpService,
  clients: OtpClientStore,
  limits: Limits,
): void {
  const issuePerSource = createLimiter(app, {
    max: limits.mfaPerSourcePerMinute,
    windowSeconds: 60,
    what: 'one-time password requests from this address',
  });
  const issuePerUser = createLimiter(app, {
    max: ISSUES_PER_USER_PER_MINUTE,
    windowSeconds: 60,
    what: 'one-time password requests for this account',
  });
  const verifyPerClient = createLimiter(app, {
    max: limits.otpVerifyPerClientPerMinute,
    windowSeconds: 60,
    what: 'checks from this front end',
  });
  const verifyPerLogin = createLimiter(app, {
    max: limits.otpVerifyPerLoginPerMinute,
    windowSeconds: 60,
    what: 'checks for this login ID',
  });

  app.get(`${API_PREFIX}/me/otp`, async (request, reply) =>
    sendJson(reply, OtpOptions, await otp.options(await sessions.userOfBearer(request.headers.authorization))),
  );

  app.post(`${API_PREFIX}/me/otp`, async (request, reply) => {
    const user = await sessions.userOfBearer(request.headers.authorization);
    await issuePerSource(request);
    await issuePerUser(request, `otp-issue:${user.id}`);
    const body = parseBody(OtpIssueRequest, request.body);
    return sendJson(reply, IssuedOtp, await otp.issue(user, body));
  });

  app.post(`${API_PREFIX}/otp/verify`, async (request, reply) => {
    // Per source first, so guessing API keys is as slow as anything else; then the key itself.
    await verifyPerClient(request);
    const client = await clients.authenticate(request.headers.authorization);
    if (!client) {
      throw new KeywayError('unauthorized', 'The front-end API key is missing, wrong or revoked.');
    }
    await verifyPerClient(request, `otp-client:${client.id}`);
    const body = parseBody(OtpVerifyRequest, request.body);
    // Unknown names are limited like accounts, so the limit says nothing about who exists.
    await verifyPerLogin(request, `otp-login:${identifierKey(body.loginId)}`);
    return sendJson(reply, OtpVerdict, await otp.verify(body.loginId, body.otp));
  });
}
