import { onTestFinished, describe, expect, it } from 'vitest';
import { Problem } from '../../../protocol/api';
import { AuthenticatorEnrollment, MfaOverview, VerifiedSession } from '../../../protocol/mfa';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import {
  INSTALLATION,
  challenged,
  deviceProof,
  enrolAna,
  enroll,
  newDeviceKey,
  passwordSignIn,
  bearer,
  postAuthorized,
  redeemFreshDeployment,
  startMfaServer,
  totpCode,
  verify,
} from './mfa-fixture';
import { ANA, expectProblem, getJson, postJson, type JsonResponse, type TestServer } from './server-fixture';

const BOB = {
  loginId: 'bob',
  email: 'bob@example.com',
  displayName: 'Bob Example',
  password: 'bob horse battery staple',
};

/** A six-digit code that no step within ±1 of now accepts for `secret`. */
function wrongCode(secret: string, test: TestServer): string {
  const right = new Set([-1, 0, 1].map((offset) => totpCode(secret, test, offset)));
  for (let guess = 0; ; guess++) {
    const candidate = String(guess).padStart(6, '0');
    if (!right.has(candidate)) return candidate;
  }
}

function codeOf(response: JsonResponse): string {
  return Problem.parse(response.body).code;
}

async function sinkServer(policy: Parameters<typeof startMfaServer>[0]): Promise<{ test: TestServer; sink: SmtpSink }> {
  const sink = await startSmtpSink();
  onTestFinished(() => sink.close());
  const test = await startMfaServer(policy, { smtp: { host: '127.0.0.1', port: sink.port, insecure: true } });
  return { test, sink };
}

function mailTo(sink: SmtpSink, email: string, subject: string) {
  return sink.waitForMail(
    (mail) => JSON.stringify(mail.to ?? '').includes(email) && mail.subject?.startsWith(subject) === true,
    10_000,
  );
}

describe('attack: enrolling a first authenticator with the password alone (API)', () => {
  it('is refused without a fresh deployment by this installation, and allowed only at its first sign-in', async () => {
    const test = await startMfaServer({ mode: 'enforced', channels: 'totp,email' });
    const noDeployment = await challenged(test.origin);
    expect(noDeployment.enrollmentRequired).toBe(false);
    expectProblem(
      await postJson(test.origin, '/api/v1/mfa/enroll', { challengeId: noDeployment.challengeId }),
      'mfa_channel_not_allowed',
      403,
    );

    // A deployment redeemed by another installation does not help this one.
    await redeemFreshDeployment(test, 'installation-of-someone-else');
    const other = await challenged(test.origin);
    expect(other.enrollmentRequired).toBe(false);
    expectProblem(
      await postJson(test.origin, '/api/v1/mfa/enroll', { challengeId: other.challengeId }),
      'mfa_channel_not_allowed',
      403,
    );

    // A deployment redeemed more than an hour ago is not fresh.
    await redeemFreshDeployment(test);
    test.advance(61 * 60 * 1000);
    const stale = await challenged(test.origin);
    expect(stale.enrollmentRequired).toBe(false);
    expectProblem(
      await postJson(test.origin, '/api/v1/mfa/enroll', { challengeId: stale.challengeId }),
      'mfa_channel_not_allowed',
      403,
    );

    // A fresh one: its installation's first sign-in may enrol.
    await redeemFreshDeployment(test);
    const fresh = await challenged(test.origin);
    expect(fresh.enrollmentRequired).toBe(true);
    const { secret } = await enroll(test.origin, fresh.challengeId);
    expect(
      (await verify(test.origin, { challengeId: fresh.challengeId, channel: 'totp', code: totpCode(secret, test) }))
        .status,
    ).toBe(200);
  });

  it('is refused once the deployed installation has signed in (the deployment is spent for enrolment)', async () => {
    const test = await startMfaServer({ mode: 'enforced', channels: 'totp,email' });
    await redeemFreshDeployment(test);
    await test.server.admin.setMfaPolicy({ mode: 'optional' });
    expect((await passwordSignIn(test.origin)).status).toBe(200);
    await test.server.admin.setMfaPolicy({ mode: 'enforced' });
    const after = await challenged(test.origin);
    expect(after.enrollmentRequired).toBe(false);
    expectProblem(
      await postJson(test.origin, '/api/v1/mfa/enroll', { challengeId: after.challengeId }),
      'mfa_channel_not_allowed',
      403,
    );
  });
});

describe('attack: guessing second-factor codes across challenges', () => {
  it('locks the second step after 10 wrong codes in any number of challenges; a correct password does not reset it; the user is e-mailed', async () => {
    const { test, sink } = await sinkServer({ mode: 'enforced' });
    const { secret } = await enrolAna(test);
    await mailTo(sink, ANA.email, 'An authenticator app was added');
    const wrong = wrongCode(secret, test);
    const answers: string[] = [];
    let challenge = (await challenged(test.origin)).challengeId;
    for (let attempt = 1; attempt <= 10; attempt++) {
      const answer = await verify(test.origin, { challengeId: challenge, channel: 'totp', code: wrong });
      answers.push(codeOf(answer));
      // Each challenge still dies after five; a new password opens a new one.
      if (codeOf(answer) === 'mfa_too_many_attempts') challenge = (await challenged(test.origin)).challengeId;
    }
    expect(answers.slice(0, 4)).toEqual(Array(4).fill('mfa_code_invalid'));
    expect(answers[4]).toBe('mfa_too_many_attempts');
    expect(answers[9]).toBe('account_locked');

    // The right code, in a new challenge opened with the right password, is refused while locked.
    const fresh = await challenged(test.origin);
    const refused = await verify(test.origin, {
      challengeId: fresh.challengeId,
      channel: 'totp',
      code: totpCode(secret, test),
    });
    expect(expectProblem(refused, 'account_locked', 423).retryAfter).toBeGreaterThan(0);
    await mailTo(sink, ANA.email, 'Too many wrong sign-in codes');

    // After the lock, the right code works (and clears the count).
    test.advance(15 * 60 * 1000 + 1000);
    const later = await challenged(test.origin);
    const done = await verify(test.origin, {
      challengeId: later.challengeId,
      channel: 'totp',
      code: totpCode(secret, test),
    });
    expect(done.status).toBe(200);
  });

  it('counts wrong authenticator codes when issuing one-time passwords too', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const { secret, session } = await enrolAna(test);
    const wrong = wrongCode(secret, test);
    const answers: string[] = [];
    for (let attempt = 1; attempt <= 10; attempt++) {
      const answer = await postAuthorized(test.origin, '/api/v1/me/otp', session.accessToken, {
        authenticatorCode: wrong,
      });
      answers.push(codeOf(answer));
    }
    expect(answers.slice(0, 9)).toEqual(Array(9).fill('mfa_code_invalid'));
    expect(answers[9]).toBe('account_locked');
    // The lock is the account's: the right code at sign-in is refused as well.
    const required = await challenged(test.origin);
    expectProblem(
      await verify(test.origin, { challengeId: required.challengeId, channel: 'totp', code: totpCode(secret, test) }),
      'account_locked',
      423,
    );
  });
});

describe('attack: someone else’s remembered device', () => {
  it('Bob’s remembered device never skips Ana’s second step; remembering it e-mails Bob', async () => {
    const { test, sink } = await sinkServer({ mode: 'enforced' });
    await test.server.admin.createUser({ ...BOB, sendWelcomeEmail: false });
    const { code } = await test.server.admin.createDeployment(BOB.loginId);
    expect(
      (await postJson(test.origin, '/api/v1/deployments/redeem', { code, installationId: 'installation-bob-laptop' }))
        .status,
    ).toBe(200);
    const bobRequired = await challenged(test.origin, {
      loginId: BOB.loginId,
      password: BOB.password,
      installationId: 'installation-bob-laptop',
    });
    const { secret } = await enroll(test.origin, bobRequired.challengeId);
    const key = newDeviceKey();
    const bob = VerifiedSession.parse(
      (
        await verify(test.origin, {
          challengeId: bobRequired.challengeId,
          channel: 'totp',
          code: totpCode(secret, test),
          rememberDevice: { publicKey: key.publicKey, name: 'Bob laptop' },
        })
      ).body,
    );
    const deviceId = bob.trustedDevice?.deviceId ?? '';
    expect(deviceId).not.toBe('');
    await mailTo(sink, BOB.email, 'A device will skip the second sign-in step');

    // Bob's own proof works for Bob…
    const bobAgain = await passwordSignIn(test.origin, {
      loginId: BOB.loginId,
      password: BOB.password,
      installationId: 'installation-bob-laptop',
      deviceProof: await deviceProof(test.origin, deviceId, key),
    });
    expect(bobAgain.body).toHaveProperty('accessToken');
    // …and never for Ana.
    const ana = await challenged(test.origin, { deviceProof: await deviceProof(test.origin, deviceId, key) });
    expect(ana.status).toBe('mfa_required');
  });
});

describe('attack: password lock-out', () => {
  it('answers account_locked during a lock whether the password is right or wrong (nothing else differs)', async () => {
    const test = await startMfaServer();
    for (let attempt = 1; attempt <= 10; attempt++) await passwordSignIn(test.origin, { password: 'wrong password' });
    const wrong = await passwordSignIn(test.origin, { password: 'another wrong password' });
    const right = await passwordSignIn(test.origin);
    expect(wrong.status).toBe(423);
    expect(right.status).toBe(423);
    expect(right.body).toEqual(wrong.body);
    expect(codeOf(right)).toBe('account_locked');
  });

  it('a targeted lock-out does not lock out an installation that has signed this user in before', async () => {
    const test = await startMfaServer();
    // Ana's own installation signed in once before.
    expect((await passwordSignIn(test.origin)).status).toBe(200);
    // Someone else fails her password ten times (no installation, or a made-up one).
    for (let attempt = 1; attempt <= 10; attempt++) {
      await passwordSignIn(test.origin, {
        password: 'wrong password',
        installationId: `installation-guess-${attempt % 2}0000`,
      });
    }
    expectProblem(
      await passwordSignIn(test.origin, { installationId: 'installation-new-000000' }),
      'account_locked',
      423,
    );
    // Ana's installation still signs in…
    expect((await passwordSignIn(test.origin)).status).toBe(200);
    // …and has its own NIST bound: ten wrong passwords from it lock it too.
    for (let attempt = 1; attempt <= 10; attempt++) await passwordSignIn(test.origin, { password: 'wrong password' });
    expectProblem(await passwordSignIn(test.origin), 'account_locked', 423);
    expect(INSTALLATION).toBe('installation-mfa-aaaa');
  });
});

describe('notices: the user hears of every change to their second factors', () => {
  it('e-mails when an authenticator is added or removed in the profile', async () => {
    const { test, sink } = await sinkServer({ mode: 'enforced' });
    const { session } = await enrolAna(test);
    await mailTo(sink, ANA.email, 'An authenticator app was added');
    const before = sink.messages.length;
    const started = AuthenticatorEnrollment.parse(
      (
        await postAuthorized(test.origin, '/api/v1/me/mfa/authenticators', session.accessToken, {
          password: ANA.password,
        })
      ).body,
    );
    const confirmed = await postAuthorized(test.origin, '/api/v1/me/mfa/authenticators/confirm', session.accessToken, {
      enrollmentId: started.enrollmentId,
      code: totpCode(started.secret, test),
      name: 'Second phone',
    });
    expect(confirmed.status).toBe(204);
    await sink.waitForMail(
      (mail) =>
        sink.messages.indexOf(mail) >= before && mail.subject?.startsWith('An authenticator app was added') === true,
      10_000,
    );
    const overview = MfaOverview.parse(
      (await getJson(test.origin, '/api/v1/me/mfa', bearer(session.accessToken))).body,
    );
    const second = overview.authenticators.find((each) => each.name === 'Second phone');
    const removed = await postAuthorized(
      test.origin,
      `/api/v1/me/mfa/authenticators/${second?.id ?? ''}/remove`,
      session.accessToken,
      { password: ANA.password },
    );
    expect(removed.status).toBe(204);
    await mailTo(sink, ANA.email, 'An authenticator app was removed');
  });
});
