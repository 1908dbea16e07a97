import { readFileSync, statSync } from 'node:fs';
import { storedBytes } from '../../support/stored-data';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { SessionTokens } from '../../../protocol/api';
import { AuthenticatorEnrollment, MfaOverview } from '../../../protocol/mfa';
import { MFA_KEY_FILE } from '../../../server/index';
import { startSmtpSink } from '../../support/smtp-sink';
import {
  bearer,
  challenged,
  enrolAna,
  enroll,
  postAuthorized,
  redeemFreshDeployment,
  startMfaServer,
  totpCode,
  verify,
} from './mfa-fixture';
import { ANA, expectProblem, getJson, postJson, TEST_ENGINE, type TestServer } from './server-fixture';

const ME_MFA = '/api/v1/me/mfa';

async function overview(test: TestServer, accessToken: string): Promise<MfaOverview> {
  const response = await getJson(test.origin, ME_MFA, bearer(accessToken));
  expect(response.status).toBe(200);
  return MfaOverview.parse(response.body);
}

describe('MFA in the profile (/api/v1/me/mfa)', () => {
  it('needs a live access token', async () => {
    const test = await startMfaServer();
    expectProblem(await getJson(test.origin, ME_MFA), 'unauthorized', 401);
    expectProblem(await postJson(test.origin, `${ME_MFA}/devices/abc/remove`, {}), 'unauthorized', 401);
    expectProblem(
      await postJson(test.origin, `${ME_MFA}/authenticators`, { password: ANA.password }),
      'unauthorized',
      401,
    );
  });

  it('adds a second authenticator after re-authentication; either one then passes sign-in', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const { secret, session } = await enrolAna(test);
    const before = await overview(test, session.accessToken);
    expect(before.policy).toEqual({ channels: ['totp'], mode: 'enforced', trustDays: 30 });
    expect(before.authenticators).toEqual([
      { id: expect.any(String) as unknown, name: 'Authenticator app', createdAt: expect.any(Number) as unknown },
    ]);

    const wrong = await postAuthorized(test.origin, `${ME_MFA}/authenticators`, session.accessToken, {
      password: 'not the password',
    });
    expectProblem(wrong, 'reauthentication_required', 401);

    const started = await postAuthorized(test.origin, `${ME_MFA}/authenticators`, session.accessToken, {
      password: ANA.password,
    });
    expect(started.status).toBe(200);
    const enrollment = AuthenticatorEnrollment.parse(started.body);
    expect(enrollment.secret).not.toBe(secret);
    // Pending enrolments are not authenticators yet.
    expect((await overview(test, session.accessToken)).authenticators).toHaveLength(1);

    const confirm = (code: string) =>
      postAuthorized(test.origin, `${ME_MFA}/authenticators/confirm`, session.accessToken, {
        enrollmentId: enrollment.enrollmentId,
        code,
        name: 'Work phone',
      });
    const right = totpCode(enrollment.secret, test);
    expectProblem(await confirm(right === '000000' ? '111111' : '000000'), 'mfa_code_invalid', 401);
    expect((await confirm(right)).status).toBe(204);
    expectProblem(await confirm(right), 'mfa_challenge_expired', 410);
    const after = await overview(test, session.accessToken);
    expect(after.authenticators.map((each) => each.name)).toEqual(['Authenticator app', 'Work phone']);

    test.advance(30_000);
    for (const each of [secret, enrollment.secret]) {
      const required = await challenged(test.origin);
      expect(
        (await verify(test.origin, { challengeId: required.challengeId, channel: 'totp', code: totpCode(each, test) }))
          .status,
      ).toBe(200);
    }
  });

  it('expires a profile enrolment nobody confirmed after ten minutes', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const { session } = await enrolAna(test);
    const enrollment = AuthenticatorEnrollment.parse(
      (await postAuthorized(test.origin, `${ME_MFA}/authenticators`, session.accessToken, { password: ANA.password }))
        .body,
    );
    test.advance(10 * 60 * 1000);
    // The access token has expired too (10 minutes); a refreshed one finds the enrolment gone.
    const refreshed = SessionTokens.parse(
      (await postJson(test.origin, '/api/v1/sessions/refresh', { refreshToken: session.refreshToken })).body,
    );
    const late = await postAuthorized(test.origin, `${ME_MFA}/authenticators/confirm`, refreshed.accessToken, {
      enrollmentId: enrollment.enrollmentId,
      code: totpCode(enrollment.secret, test),
      name: 'Late',
    });
    expectProblem(late, 'mfa_challenge_expired', 410);
  });

  it('counts wrong re-authentication passwords toward the account lock-out', async () => {
    const test = await startMfaServer({ mode: 'enforced' }, { limits: { maxConsecutiveFailures: 3 } });
    const { session } = await enrolAna(test);
    for (let attempt = 1; attempt <= 2; attempt++) {
      expectProblem(
        await postAuthorized(test.origin, `${ME_MFA}/authenticators`, session.accessToken, { password: 'wrong' }),
        'reauthentication_required',
        401,
      );
    }
    const locked = await postAuthorized(test.origin, `${ME_MFA}/authenticators`, session.accessToken, {
      password: 'wrong',
    });
    expect(expectProblem(locked, 'account_locked', 423).retryAfter).toBe(900);
    expectProblem(
      await postJson(test.origin, '/api/v1/sessions', { loginId: ANA.loginId, password: ANA.password }),
      'account_locked',
      423,
    );
  });

  it('removes an authenticator after re-authentication, but not the last one while policy needs it', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const { session } = await enrolAna(test);
    const [only] = (await overview(test, session.accessToken)).authenticators;
    const remove = (id: string, password: string = ANA.password) =>
      postAuthorized(test.origin, `${ME_MFA}/authenticators/${id}/remove`, session.accessToken, { password });

    expectProblem(await remove(only?.id ?? '', 'wrong'), 'reauthentication_required', 401);
    const conflict = expectProblem(await remove(only?.id ?? ''), 'invalid_input', 409);
    expect(conflict.detail).toMatch(/only authenticator app.*add another authenticator first/);
    expectProblem(await remove('no-such-authenticator'), 'not_found', 404);

    // With e-mail codes allowed there is another way, so the last one may go.
    await test.server.admin.setMfaPolicy({ channels: 'totp,email' });
    expect((await remove(only?.id ?? '')).status).toBe(204);
    const after = await overview(test, session.accessToken);
    expect(after.authenticators).toEqual([]);
    const required = await challenged(test.origin);
    // Enrolling again needs a fresh deployment (or the profile, after an e-mail code): not the password alone.
    expect(required.enrollmentRequired).toBe(false);
    expect(required.channels).toEqual([
      { channel: 'totp', hint: '', available: false },
      { channel: 'email', hint: 'a•••@example.com', available: true },
    ]);
  });

  it('answers 404 for a device that is not the user’s', async () => {
    const test = await startMfaServer();
    const tokens = (await postJson(test.origin, '/api/v1/sessions', { loginId: ANA.loginId, password: ANA.password }))
      .body as { accessToken: string };
    expectProblem(
      await postAuthorized(test.origin, `${ME_MFA}/devices/unknown-device-000/remove`, tokens.accessToken, {}),
      'not_found',
      404,
    );
  });
});

describe('MFA secrets at rest', () => {
  it('keeps no TOTP secret, challenge id or e-mail code in plaintext in the database', async () => {
    const sink = await startSmtpSink();
    try {
      const test = await startMfaServer(
        { mode: 'enforced', channels: 'totp,email' },
        { smtp: { host: '127.0.0.1', port: sink.port, insecure: true } },
      );
      await redeemFreshDeployment(test);
      const required = await challenged(test.origin);
      const { secret } = await enroll(test.origin, required.challengeId);
      expect(
        (await postJson(test.origin, '/api/v1/mfa/send', { challengeId: required.challengeId, channel: 'email' }))
          .status,
      ).toBe(200);
      const mail = await sink.waitForMail(() => true);
      const code = /^\s+(\d{6})$/m.exec(mail.text ?? '')?.[1] ?? '';
      expect(code).toMatch(/^\d{6}$/);

      // Everything the server stored, on either engine (SQLite files, or every PostgreSQL row).
      const stored = await storedBytes(test);
      expect(stored.includes(ANA.email)).toBe(true);
      const rawSecret = Buffer.from(OTPAuth.Secret.fromBase32(secret).bytes);
      expect(stored.includes(secret)).toBe(false);
      expect(stored.includes(secret.toLowerCase())).toBe(false);
      expect(stored.includes(rawSecret)).toBe(false);
      expect(stored.includes(required.challengeId)).toBe(false);
      // Only as an HMAC: the six digits never appear next to the challenge's row.
      expect(stored.includes(`"${code}"`)).toBe(false);

      // On SQLite the key that opens the secrets is elsewhere, owner-only. On PostgreSQL it is in the
      // database's server_secrets on purpose (server/mfa/secret-key.ts: instances with different data
      // dirs share it), unless KEYWAY_SECRET_KEY gives it; either way the secret still works.
      if (TEST_ENGINE === 'sqlite') {
        expect(statSync(path.join(test.dataDir, MFA_KEY_FILE)).mode & 0o777).toBe(0o600);
        expect(stored.includes(readFileSync(path.join(test.dataDir, MFA_KEY_FILE), 'utf8').trim())).toBe(false);
      }
      const verified = await verify(test.origin, {
        challengeId: required.challengeId,
        channel: 'totp',
        code: totpCode(secret, test),
      });
      expect(verified.status).toBe(200);
    } finally {
      await sink.close();
    }
  });
});
