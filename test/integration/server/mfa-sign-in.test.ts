import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { Me, SessionTokens } from '../../../protocol/api';
import { MfaOverview, VerifiedSession } from '../../../protocol/mfa';
import {
  bearer,
  challenged,
  deviceProof,
  enrolAna,
  enroll,
  newDeviceKey,
  passwordSignIn,
  postAuthorized,
  redeemFreshDeployment,
  signedInWithPassword,
  startMfaServer,
  totpCode,
  verify,
} from './mfa-fixture';
import { ANA, expectProblem, getJson, postJson } from './server-fixture';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('MFA at password sign-in (POST /api/v1/sessions)', () => {
  it('signs in with the password alone under the default policy (optional, no authenticator)', async () => {
    const test = await startMfaServer();
    const tokens = await signedInWithPassword(test.origin);
    expect(tokens.user.loginId).toBe(ANA.loginId);
    expect(await test.server.admin.mfaPolicy()).toEqual({ channels: ['totp'], mode: 'optional', trustDays: 30 });
  });

  it('enforced without an authenticator: MfaRequired asks for enrolment, a first code signs in, the next sign-in asks again', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    await redeemFreshDeployment(test);
    const required = await challenged(test.origin);
    expect(required).toEqual({
      status: 'mfa_required',
      challengeId: expect.stringMatching(/^[\w-]{43}$/) as unknown,
      expiresIn: 600,
      channels: [{ channel: 'totp', hint: '', available: false }],
      enrollmentRequired: true,
      trustDays: 30,
      // No recovery codes before a first second factor.
      recoveryCode: false,
    });

    const enrollment = await enroll(test.origin, required.challengeId);
    const app = OTPAuth.URI.parse(enrollment.otpauthUri);
    expect(app).toBeInstanceOf(OTPAuth.TOTP);
    expect(app.issuer).toBe('Keyway reference server');
    expect(app.label).toBe(ANA.loginId);
    expect(app.secret.base32).toBe(enrollment.secret);
    // Asking again in the same challenge gives the same secret: the user may have scanned it already.
    expect((await enroll(test.origin, required.challengeId)).secret).toBe(enrollment.secret);

    const response = await verify(test.origin, {
      challengeId: required.challengeId,
      channel: 'totp',
      code: totpCode(enrollment.secret, test),
    });
    expect(response.status).toBe(200);
    const session = VerifiedSession.parse(response.body);
    expect(session.trustedDevice).toBeUndefined();
    expect(Me.parse((await getJson(test.origin, '/api/v1/me', bearer(session.accessToken))).body).user.loginId).toBe(
      ANA.loginId,
    );

    // No remembered device: the next sign-in asks again, now for the confirmed authenticator.
    const again = await challenged(test.origin);
    expect(again.enrollmentRequired).toBe(false);
    expect(again.channels).toEqual([{ channel: 'totp', hint: '', available: true }]);
    expectProblem(
      await postJson(test.origin, '/api/v1/mfa/enroll', { challengeId: again.challengeId }),
      'mfa_channel_not_allowed',
      403,
    );
    test.advance(30_000);
    const next = await verify(test.origin, {
      challengeId: again.challengeId,
      channel: 'totp',
      code: totpCode(enrollment.secret, test),
    });
    expect(next.status).toBe(200);
  });

  it('asks a user who opted in with an authenticator even when the policy is optional', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const { secret } = await enrolAna(test);
    await test.server.admin.setMfaPolicy({ mode: 'optional' });
    const required = await challenged(test.origin);
    expect(required.enrollmentRequired).toBe(false);
    const response = await verify(test.origin, {
      challengeId: required.challengeId,
      channel: 'totp',
      code: totpCode(secret, test),
    });
    expect(SessionTokens.safeParse(response.body).success).toBe(true);

    // With authenticator apps switched off, the authenticator is dormant and the password is enough.
    await test.server.admin.setMfaPolicy({ channels: 'email' });
    await signedInWithPassword(test.origin);
  });

  it('accepts a TOTP code once: a replay in its window is mfa_code_used and does not count as wrong', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const { secret } = await enrolAna(test);
    const code = totpCode(secret, test);
    const first = await challenged(test.origin);
    expect((await verify(test.origin, { challengeId: first.challengeId, channel: 'totp', code })).status).toBe(200);

    const second = await challenged(test.origin);
    for (let attempt = 0; attempt < 6; attempt++) {
      const replay = await verify(test.origin, { challengeId: second.challengeId, channel: 'totp', code });
      expectProblem(replay, 'mfa_code_used', 409);
    }
    // Still within the drift window 20 s later, and the previous step's code is older still.
    test.advance(20_000);
    expectProblem(
      await verify(test.origin, { challengeId: second.challengeId, channel: 'totp', code: totpCode(secret, test, -1) }),
      'mfa_code_used',
      409,
    );
    test.advance(10_000);
    const fresh = await verify(test.origin, {
      challengeId: second.challengeId,
      channel: 'totp',
      code: totpCode(secret, test),
    });
    expect(fresh.status).toBe(200);
    // A finished challenge cannot be used again.
    expectProblem(
      await verify(test.origin, { challengeId: second.challengeId, channel: 'totp', code: totpCode(secret, test, 1) }),
      'mfa_challenge_expired',
      410,
    );
  });

  it('kills the challenge after five wrong TOTP codes', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const { secret } = await enrolAna(test);
    const required = await challenged(test.origin);
    const right = totpCode(secret, test);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt <= 4; attempt++) {
      const problem = expectProblem(
        await verify(test.origin, { challengeId: required.challengeId, channel: 'totp', code: wrong }),
        'mfa_code_invalid',
        401,
      );
      expect(problem.detail).toContain(`${5 - attempt} more`);
    }
    expectProblem(
      await verify(test.origin, { challengeId: required.challengeId, channel: 'totp', code: wrong }),
      'mfa_too_many_attempts',
      429,
    );
    expectProblem(
      await verify(test.origin, { challengeId: required.challengeId, channel: 'totp', code: right }),
      'mfa_too_many_attempts',
      429,
    );
    // A new password sign-in starts over.
    const fresh = await challenged(test.origin);
    expect((await verify(test.origin, { challengeId: fresh.challengeId, channel: 'totp', code: right })).status).toBe(
      200,
    );
  });

  it('refuses unknown and expired challenges, channels the policy does not allow, and bad device keys', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const { secret } = await enrolAna(test);
    expectProblem(
      await verify(test.origin, { challengeId: 'x'.repeat(43), channel: 'totp', code: '123456' }),
      'mfa_challenge_expired',
      410,
    );
    const required = await challenged(test.origin);
    expectProblem(
      await verify(test.origin, { challengeId: required.challengeId, channel: 'email', code: '123456' }),
      'mfa_channel_not_allowed',
      403,
    );
    expectProblem(
      await postJson(test.origin, '/api/v1/mfa/send', { challengeId: required.challengeId, channel: 'sms' }),
      'mfa_channel_not_allowed',
      403,
    );
    const badKey = { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'B'.repeat(43) };
    const refused = await verify(test.origin, {
      challengeId: required.challengeId,
      channel: 'totp',
      code: totpCode(secret, test),
      rememberDevice: { publicKey: badKey, name: 'Laptop' },
    });
    expect(expectProblem(refused, 'invalid_input', 400).detail).toMatch(/P-256/);
    expectProblem(
      await verify(test.origin, { challengeId: required.challengeId, channel: 'totp', code: '12345' }),
      'invalid_input',
      400,
    );

    test.advance(10 * 60 * 1000);
    expectProblem(
      await verify(test.origin, { challengeId: required.challengeId, channel: 'totp', code: totpCode(secret, test) }),
      'mfa_challenge_expired',
      410,
    );
  });
});

describe('remembered devices', () => {
  it('skips MFA with a valid device proof until the device is removed; a bad proof only means MFA is asked', async () => {
    const test = await startMfaServer({ mode: 'enforced', trustDays: 14 });
    const { secret } = await enrolAna(test);
    const key = newDeviceKey();
    const required = await challenged(test.origin);
    const response = await verify(test.origin, {
      challengeId: required.challengeId,
      channel: 'totp',
      code: totpCode(secret, test),
      rememberDevice: { publicKey: key.publicKey, name: "Ana's laptop" },
    });
    expect(response.status).toBe(200);
    const session = VerifiedSession.parse(response.body);
    const deviceId = session.trustedDevice?.deviceId ?? '';
    expect(deviceId).toMatch(/^[\w-]{16,64}$/);
    expect(session.trustedDevice?.trustedUntil).toBe(test.now() + 14 * DAY_MS);

    // The device proves itself: no second step.
    const proof = await deviceProof(test.origin, deviceId, key);
    const tokens = await signedInWithPassword(test.origin, { deviceProof: proof });
    // A nonce works once.
    await challenged(test.origin, { deviceProof: proof });
    // A wrong password is still wrong, proof or not.
    expectProblem(
      await passwordSignIn(test.origin, {
        password: 'not the password',
        deviceProof: await deviceProof(test.origin, deviceId, key),
      }),
      'invalid_credentials',
      401,
    );
    // Another key's signature, and an unknown device, only mean MFA is asked.
    const stranger = newDeviceKey();
    await challenged(test.origin, { deviceProof: await deviceProof(test.origin, deviceId, stranger) });
    await challenged(test.origin, { deviceProof: await deviceProof(test.origin, 'unknown-device-id-0', key) });

    const overview = MfaOverview.parse((await getJson(test.origin, '/api/v1/me/mfa', bearer(tokens.accessToken))).body);
    expect(overview.trustedDevices).toEqual([
      { deviceId, name: "Ana's laptop", lastUsedAt: test.now(), trustedUntil: test.now() + 14 * DAY_MS },
    ]);

    const removed = await postAuthorized(
      test.origin,
      `/api/v1/me/mfa/devices/${deviceId}/remove`,
      tokens.accessToken,
      {},
    );
    expect(removed.status).toBe(204);
    await challenged(test.origin, { deviceProof: await deviceProof(test.origin, deviceId, key) });
    const after = MfaOverview.parse((await getJson(test.origin, '/api/v1/me/mfa', bearer(tokens.accessToken))).body);
    expect(after.trustedDevices).toEqual([]);
  });

  it('stops trusting a device when its trust runs out, or sooner when the admin shortens it', async () => {
    const test = await startMfaServer({ mode: 'enforced', trustDays: 30 });
    const { secret } = await enrolAna(test);
    const key = newDeviceKey();
    const required = await challenged(test.origin);
    const session = VerifiedSession.parse(
      (
        await verify(test.origin, {
          challengeId: required.challengeId,
          channel: 'totp',
          code: totpCode(secret, test),
          rememberDevice: { publicKey: key.publicKey, name: 'Laptop' },
        })
      ).body,
    );
    const deviceId = session.trustedDevice?.deviceId ?? '';

    test.advance(10 * DAY_MS);
    await signedInWithPassword(test.origin, { deviceProof: await deviceProof(test.origin, deviceId, key) });
    await test.server.admin.setMfaPolicy({ trustDays: 7 });
    await challenged(test.origin, { deviceProof: await deviceProof(test.origin, deviceId, key) });
    await test.server.admin.setMfaPolicy({ trustDays: 30 });
    await signedInWithPassword(test.origin, { deviceProof: await deviceProof(test.origin, deviceId, key) });
    test.advance(20 * DAY_MS);
    await challenged(test.origin, { deviceProof: await deviceProof(test.origin, deviceId, key) });
  });
});
