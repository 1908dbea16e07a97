import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { IssuedOtp, OtpOptions, OtpVerdict } from '../../../protocol/otp';
import { runCli } from '../../../server/cli/run-cli';
import { bearer, enrolAna, postAuthorized, signedInWithPassword, startMfaServer, totpCode } from './mfa-fixture';
import { SecretBox } from '../../../server/mfa/secret-box';
import { OtpClientStore } from '../../../server/otp/otp-clients';
import { ServiceOtpStore } from '../../../server/otp/service-otps';
import { forEachEngine } from '../../support/engines';
import {
  ANA,
  cliDatabaseEnv,
  expectProblem,
  getJson,
  startServerWithAna,
  type JsonResponse,
  type TestServer,
} from './server-fixture';
import { gatheredAtWrites, instancesOn, roundRobin, someUser } from './store-fixture';

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
    const env = await cliDatabaseEnv(test.dataDir); // the server's own database on either engine
    const run = (...argv: string[]) =>
      runCli([...argv, '--data-dir', test.dataDir], {
        out: (line) => out.push(line),
        err: (line) => out.push(line),
        env,
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

forEachEngine('OTP stores', (open, engine) => {
  /** The MFA key file of a temp data dir, removed after the test. */
  function box(): SecretBox {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-otp-box-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    return SecretBox.inDataDir(dataDir);
  }

  it('of concurrent checks of one OTP (several instances), exactly one accepts it', async () => {
    const instances = await instancesOn(engine);
    const secrets = box();
    const now = 1_000_000;
    const storeOf = roundRobin(
      instances.map((storage) => new ServiceOtpStore(storage, () => now, secrets)) as [
        ServiceOtpStore,
        ...ServiceOtpStore[],
      ],
    );
    const ana = await someUser(instances[0], 'ana');
    const bob = await someUser(instances[0], 'bob');
    const { otp } = await storeOf(0).issue(ana, 90);
    expect(await storeOf(1).verify(bob, otp)).toBe(false);
    expect(await storeOf(1).verify(undefined, otp)).toBe(false);
    // Every check has read the OTP as live before any spends it (gatheredAtWrites).
    const verdicts = await gatheredAtWrites(instances[0], 'service_otps', 8, () =>
      Promise.all(Array.from({ length: 8 }, (_, index) => storeOf(index).verify(ana, otp))),
    );
    expect(verdicts.filter(Boolean)).toHaveLength(1);
  });

  it('a newer OTP voids the older, it expires, and five wrong guesses (even at once) void it', async () => {
    const instances = await instancesOn(engine);
    const secrets = box();
    let now = 2_000_000;
    const storeOf = roundRobin(
      instances.map((storage) => new ServiceOtpStore(storage, () => now, secrets)) as [
        ServiceOtpStore,
        ...ServiceOtpStore[],
      ],
    );
    const ana = await someUser(instances[0], 'ana');
    const older = await storeOf(0).issue(ana, 90);
    const newer = await storeOf(0).issue(ana, 90);
    expect(await storeOf(0).verify(ana, older.otp === newer.otp ? 'x' : older.otp)).toBe(false);
    now += 90_000;
    expect(await storeOf(0).verify(ana, newer.otp)).toBe(false);

    const guessed = await storeOf(0).issue(ana, 90);
    const wrong = guessed.otp === '00000000' ? '00000001' : '00000000';
    await gatheredAtWrites(instances[0], 'service_otps', 5, () =>
      Promise.all(Array.from({ length: 5 }, (_, index) => storeOf(index).verify(ana, wrong))),
    );
    expect(await storeOf(1).verify(ana, guessed.otp)).toBe(false);
  });

  it('of concurrent creations of one front end (several instances), one gets a key; revoking frees the name', async () => {
    const instances = await instancesOn(engine);
    let now = 3_000_000;
    const storeOf = roundRobin(
      instances.map((storage) => new OtpClientStore(storage, () => now)) as [OtpClientStore, ...OtpClientStore[]],
    );
    const outcomes = await gatheredAtWrites(instances[0], 'otp_clients', 6, () =>
      Promise.allSettled(Array.from({ length: 6 }, (_, index) => storeOf(index).create('vpn'))),
    );
    const made = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect(made).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'invalid_input' });
    }
    const apiKey = made[0]?.apiKey ?? '';
    now += 1_000;
    expect(await storeOf(1).authenticate(`Bearer ${apiKey}`)).toMatchObject({ name: 'vpn', lastUsedAt: undefined });
    expect((await storeOf(0).list())[0]).toMatchObject({ name: 'vpn', lastUsedAt: now });
    expect(await storeOf(0).authenticate(`Bearer ${apiKey}x`)).toBeUndefined();

    expect(await storeOf(0).revoke('vpn')).toBe(true);
    expect(await storeOf(1).revoke('vpn')).toBe(false);
    expect(await storeOf(0).authenticate(`Bearer ${apiKey}`)).toBeUndefined();
    const again = await storeOf(1).create('vpn');
    expect((await storeOf(0).list()).map((client) => [client.name, client.revokedAt === undefined])).toEqual([
      ['vpn', true],
      [`vpn~revoked-${made[0]?.client.id ?? 0}`, false],
    ]);
    expect(await storeOf(0).authenticate(`Bearer ${again.apiKey}`)).toMatchObject({ name: 'vpn' });
  });
});
