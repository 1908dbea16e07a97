import { describe, expect, it } from 'vitest';
import { IssuedOtp, OtpOptions, OtpVerdict } from '../../../protocol/otp';
import { runCli } from '../../../server/cli/run-cli';
import { bearer, enrolAna, postAuthorized, signedInWithPassword, startMfaServer, totpCode } from './mfa-fixture';
import { ANA, expectProblem, getJson, startServerWithAna, type JsonResponse, type TestServer } from './server-fixture';

const ISSUE = '/api/v1/me/otp';
const VERIFY = '/api/v1/otp/verify';

async function frontEnd(test: TestServer, name = 'vpn-gateway'): Promise<string> {
  return (await test.server.admin.createOtpClient(name)).apiKey;
}

async function issue(
  test: TestServer,
  accessToken: string,
  proof: Record<string, string> = { password: ANA.password },
) {
  return postAuthorized(test.origin, ISSUE, accessToken, proof);
}

async function issued(test: TestServer, accessToken: string, proof?: Record<string, string>): Promise<string> {
  const response = await issue(test, accessToken, proof);
  expect(response.status).toBe(200);
  return IssuedOtp.parse(response.body).otp;
}

async function check(test: TestServer, apiKey: string | null, loginId: string, otp: string): Promise<JsonResponse> {
  const response = await fetch(`${test.origin}${VERIFY}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey === null ? {} : { authorization: `Bearer ${apiKey}` }) },
    body: JSON.stringify({ loginId, otp }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

async function verdict(test: TestServer, apiKey: string, loginId: string, otp: string): Promise<OtpVerdict> {
  const response = await check(test, apiKey, loginId, otp);
  expect(response.status).toBe(200);
  return OtpVerdict.parse(response.body);
}

describe('one-time passwords for other services', () => {
  it('issues eight digits after the password; a front end accepts it once, then never again', async () => {
    const test = await startServerWithAna();
    const apiKey = await frontEnd(test);
    const { accessToken } = await signedInWithPassword(test.origin);
    const options = OtpOptions.parse((await getJson(test.origin, ISSUE, bearer(accessToken))).body);
    expect(options).toEqual({ authenticator: false, ttlSeconds: 90 });

    const response = await issue(test, accessToken);
    const { otp, expiresIn } = IssuedOtp.parse(response.body);
    expect(otp).toMatch(/^\d{8}$/);
    expect(expiresIn).toBe(90);

    expect(await verdict(test, apiKey, ANA.email, otp)).toEqual({
      result: 'accept',
      user: { loginId: ANA.loginId, displayName: ANA.displayName, email: ANA.email },
    });
    expect(await verdict(test, apiKey, ANA.loginId, otp)).toEqual({ result: 'reject' });
  });

  it('needs the password again (or an authenticator code, once per code) and a signed-in user', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const { secret, session } = await enrolAna(test);
    expectProblem(
      await issue(test, session.accessToken, { password: 'not the password' }),
      'reauthentication_required',
      401,
    );
    expectProblem(
      await postAuthorized(test.origin, ISSUE, 'not-a-token-but-long-enough', { password: ANA.password }),
      'unauthorized',
      401,
    );
    expect(OtpOptions.parse((await getJson(test.origin, ISSUE, bearer(session.accessToken))).body).authenticator).toBe(
      true,
    );

    const code = totpCode(secret, test);
    const otp = await issued(test, session.accessToken, { authenticatorCode: code });
    expect(otp).toMatch(/^\d{8}$/);
    expectProblem(await issue(test, session.accessToken, { authenticatorCode: code }), 'mfa_code_used', 409);
    expectProblem(await issue(test, session.accessToken, { authenticatorCode: '000000' }), 'mfa_code_invalid', 401);
  });

  it('expires, and a newer one replaces the older', async () => {
    const test = await startServerWithAna();
    const apiKey = await frontEnd(test);
    const { accessToken } = await signedInWithPassword(test.origin);
    const older = await issued(test, accessToken);
    const newer = await issued(test, accessToken);
    expect((await verdict(test, apiKey, ANA.loginId, older)).result).toBe('reject');

    test.advance(90 * 1000);
    expect((await verdict(test, apiKey, ANA.loginId, newer)).result).toBe('reject');
  });

  it('answers an unknown user, a wrong, a malformed and a used OTP alike', async () => {
    const test = await startServerWithAna();
    const apiKey = await frontEnd(test);
    const { accessToken } = await signedInWithPassword(test.origin);
    const otp = await issued(test, accessToken);
    const wrong = otp === '12345678' ? '87654321' : '12345678';
    const answers = [
      await check(test, apiKey, 'nobody', otp),
      await check(test, apiKey, ANA.loginId, wrong),
      await check(test, apiKey, ANA.loginId, 'not digits'),
    ];
    expect((await check(test, apiKey, ANA.loginId, otp)).status).toBe(200);
    answers.push(await check(test, apiKey, ANA.loginId, otp));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ result: 'reject' });
    }
  });

  it('voids a live OTP after five wrong guesses', async () => {
    const test = await startServerWithAna();
    const apiKey = await frontEnd(test);
    const { accessToken } = await signedInWithPassword(test.origin);
    const otp = await issued(test, accessToken);
    for (let guess = 0; guess < 5; guess++) {
      const wrong = String((Number(otp) + 1 + guess) % 100_000_000).padStart(8, '0');
      expect((await verdict(test, apiKey, ANA.loginId, wrong)).result).toBe('reject');
    }
    expect((await verdict(test, apiKey, ANA.loginId, otp)).result).toBe('reject');
  });

  it('refuses a missing, wrong or revoked front-end API key', async () => {
    const test = await startServerWithAna();
    const apiKey = await frontEnd(test);
    const { accessToken } = await signedInWithPassword(test.origin);
    const otp = await issued(test, accessToken);
    expectProblem(await check(test, null, ANA.loginId, otp), 'unauthorized', 401);
    expectProblem(await check(test, `kwotp_${'A'.repeat(43)}`, ANA.loginId, otp), 'unauthorized', 401);
    await test.server.admin.revokeOtpClient('vpn-gateway');
    expectProblem(await check(test, apiKey, ANA.loginId, otp), 'unauthorized', 401);

    // None of those spent the OTP; a live key still can.
    const other = await frontEnd(test, 'radius');
    expect((await verdict(test, other, ANA.loginId, otp)).result).toBe('accept');
    expect(
      (await test.server.admin.listOtpClients()).map((client) => [client.name, client.revokedAt !== undefined]),
    ).toEqual([
      ['radius', false],
      ['vpn-gateway', true],
    ]);
  });

  it('the admin CLI makes a front-end key (shown once), lists and revokes it', async () => {
    const test = await startServerWithAna();
    const out: string[] = [];
    const run = (...argv: string[]) =>
      runCli([...argv, '--data-dir', test.dataDir], {
        out: (line) => out.push(line),
        err: (line) => out.push(line),
        env: {},
      });
    expect(await run('create-otp-client', '--name', 'vpn-gateway')).toBe(0);
    const apiKey = /API key \(shown once; only its hash is kept\): (kwotp_\S+)/.exec(out.join('\n'))?.[1] ?? '';
    const { accessToken } = await signedInWithPassword(test.origin);
    const otp = await issued(test, accessToken);
    expect((await verdict(test, apiKey, ANA.loginId, otp)).result).toBe('accept');

    expect(await run('create-otp-client', '--name', 'vpn-gateway')).toBe(1);
    expect(out.at(-1)).toMatch(/already has a key/);
    expect(await run('list-otp-clients')).toBe(0);
    expect(out.some((line) => /^vpn-gateway\s+\d{4}-/.test(line))).toBe(true);
    expect(await run('revoke-otp-client', '--name', 'vpn-gateway')).toBe(0);
    expectProblem(await check(test, apiKey, ANA.loginId, otp), 'unauthorized', 401);
    // The name can be given again after a revocation.
    expect(await run('create-otp-client', '--name', 'vpn-gateway')).toBe(0);
  });

  it('limits checks per login ID, known or not, with Retry-After', async () => {
    const test = await startServerWithAna({ limits: { otpVerifyPerLoginPerMinute: 3 } });
    const apiKey = await frontEnd(test);
    for (const loginId of [ANA.loginId, 'nobody']) {
      for (let i = 0; i < 3; i++) expect((await check(test, apiKey, loginId, '00000000')).status).toBe(200);
      const limited = await check(test, apiKey, loginId, '00000000');
      expect(expectProblem(limited, 'rate_limited', 429).retryAfter).toBeGreaterThan(0);
    }
  });
});
