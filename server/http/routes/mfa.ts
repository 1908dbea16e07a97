import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '../../../protocol/api';
import {
  CodeSent,
  DeviceNonce,
  EnrollRequest,
  RecoverRequest,
  SendCodeRequest,
  TotpEnrollment,
  VerifiedSession,
  VerifyRequest,
} from '../../../protocol/mfa';
import type { Limits } from '../../config';
import { devicePublicKey } from '../../mfa/devices';
import type { MfaServices } from '../../services';
import type { SessionService } from '../../sessions/session-service';
import { parseBody, sendJson } from '../json';
import { createLimiter } from '../rate-limiter';

/**
 * The second step of a password sign-in (protocol/mfa.ts): codes by e-mail or SMS, enrolling an
 * authenticator, verifying; and the nonces remembered devices sign instead.
 */
export function registerMfaRoutes(
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

  // No body needed: a nonce is not tied to anyone until a sign-in spends it.
  app.post(`${API_PREFIX}/sessions/device-nonce`, async (request, reply) => {
    await perSource(request);
    return sendJson(reply, DeviceNonce, await mfa.devices.issueNonce());
  });

  app.post(`${API_PREFIX}/mfa/send`, async (request, reply) => {
    await perSource(request);
    const body = parseBody(SendCodeRequest, request.body);
    return sendJson(reply, CodeSent, await mfa.secondStep.send({ challengeId: body.challengeId }, body.channel));
  });

  app.post(`${API_PREFIX}/mfa/enroll`, async (request, reply) => {
    await perSource(request);
    const body = parseBody(EnrollRequest, request.body);
    return sendJson(reply, TotpEnrollment, await mfa.secondStep.enroll({ challengeId: body.challengeId }));
  });

  app.post(`${API_PREFIX}/mfa/verify`, async (request, reply) => {
    await perSource(request);
    const body = parseBody(VerifyRequest, request.body);
    const remember = body.rememberDevice;
    // Checked before the code, so a bad key does not spend the code or the challenge.
    if (remember) devicePublicKey(remember.publicKey);
    const { user, tokens, remembered, recoveryCodes } = await mfa.secondStep.verify(
      { challengeId: body.challengeId },
      body.channel,
      body.code,
      async ({ user, challenge, recoveryCodes }) => {
        // The session belongs to the installation that typed the password.
        const tokens = await sessions.startSession(user, challenge.installationId);
        if (!remember) return { user, tokens, remembered: undefined, recoveryCodes };
        const trustDays = (await mfa.policy.read()).trustDays;
        const name = remember.name.trim() === '' ? 'This device' : remember.name.trim();
        const device = await mfa.devices.register(user.id, remember.publicKey, name, trustDays);
        await mfa.audit.record({
          type: 'factor.added',
          actor: { kind: 'user', userId: user.id },
          installationId: challenge.installationId,
          details: { kind: 'device' },
        });
        return { user, tokens, remembered: { name, device }, recoveryCodes };
      },
    );
    if (!remembered) return sendJson(reply, VerifiedSession, { ...tokens, ...firstCodes(recoveryCodes) });
    // Told once the session and the device are committed (verify's transaction), never from a retry.
    mfa.notices.tell(user, { kind: 'device-remembered', deviceName: remembered.name });
    const { device } = remembered;
    return sendJson(reply, VerifiedSession, {
      ...tokens,
      ...firstCodes(recoveryCodes),
      trustedDevice: { deviceId: device.id, trustedUntil: device.trustedUntil },
    });
  });

  // A recovery code instead of the second factor (server/mfa/recovery-codes.ts).
  app.post(`${API_PREFIX}/mfa/recover`, async (request, reply) => {
    await perSource(request);
    const body = parseBody(RecoverRequest, request.body);
    const remember = body.rememberDevice;
    if (remember) devicePublicKey(remember.publicKey);
    const { user, tokens, remembered, remaining } = await mfa.secondStep.recover(
      { challengeId: body.challengeId },
      body.recoveryCode,
      async ({ user, challenge, remaining }) => {
        const tokens = await sessions.startSession(user, challenge.installationId);
        if (!remember) return { user, tokens, remembered: undefined, remaining };
        const trustDays = (await mfa.policy.read()).trustDays;
        const name = remember.name.trim() === '' ? 'This device' : remember.name.trim();
        const device = await mfa.devices.register(user.id, remember.publicKey, name, trustDays);
        return { user, tokens, remembered: { name, device }, remaining };
      },
    );
    if (!remembered) return sendJson(reply, VerifiedSession, { ...tokens, recoveryCodesLeft: remaining });
    mfa.notices.tell(user, { kind: 'device-remembered', deviceName: remembered.name });
    return sendJson(reply, VerifiedSession, {
      ...tokens,
      recoveryCodesLeft: remaining,
      trustedDevice: { deviceId: remembered.device.id, trustedUntil: remembered.device.trustedUntil },
    });
  });
}

/** The first second factor's recovery codes, on the answer that confirmed it (once); else nothing. */
function firstCodes(codes: string[] | undefined): { recoveryCodes?: string[] } {
  return codes ? { recoveryCodes: codes } : {};
}
