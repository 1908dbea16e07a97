import * as client from 'openid-client';
import { onTestFinished, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { SessionTokens } from '../../../protocol/api';
import { IssuedOtp, OtpVerdict } from '../../../protocol/otp';
import { signOutEverywhere } from '../../../server/password-reset/sign-out-everywhere';
import type { Storage } from '../../../server/storage/storage';
import { forEachEngine } from '../../support/engines';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { bearer, postAuthorized } from './mfa-fixture';
import { authorize, keywayClient, redeem, submitSignIn } from './oidc-fixture';
import { ANA, expectProblem, getJson, postJson, startServerWithAna, type TestServer } from './server-fixture';
import { someUser } from './store-fixture';
import { PageBrowser } from '../../support/browser';
import { heading } from '../../support/html';

const NEW_PASSWORD = 'a brand new passphrase 7';
const REDIRECT = 'http://127.0.0.1:49152/callback';
const RESET_LINK = /http:\/\/127\.0\.0\.1:\d+\/password-reset\?token=[A-Za-z0-9_-]+/;

/** Everything Ana can be signed in with at once: API, provider (tokens and browser session), /account, an OTP. */
async function signedInEverywhere(test: TestServer) {
  const api = SessionTokens.parse(
    (await postJson(test.origin, '/api/v1/sessions', { loginId: ANA.loginId, password: ANA.password })).body,
  );

  const config = await keywayClient(test.server.issuer);
  const started = await authorize(config, test.origin, { redirectUri: REDIRECT, loginHint: ANA.email });
  const { url } = await submitSignIn(started, test.origin, ANA.password);
  const provider = await redeem(config, started, url);
  expect(provider.refresh_token).toEqual(expect.any(String));

  const account = new PageBrowser(test.origin);
  const form = await account.get('/account');
  expect((await account.submit(form, '/account/sign-in', { login: ANA.email, password: ANA.password })).status).toBe(
    303,
  );
  expect(heading((await account.get('/account')).html)).toBe('Set up Keyway');

  const apiKey = (await test.server.admin.createOtpClient('vpn-gateway')).apiKey;
  const otpAnswer = await postAuthorized(test.origin, '/api/v1/me/otp', api.accessToken, { password: ANA.password });
  const { otp } = IssuedOtp.parse(otpAnswer.body);
  return { api, config, provider, providerBrowser: started.browser, account, apiKey, otp };
}

type Signed = Awaited<ReturnType<typeof signedInEverywhere>>;

/** Each of them must have stopped working. */
async function expectSignedOutEverywhere(test: TestServer, signed: Signed) {
  // API: the refresh token and the access token.
  const refreshed = await postJson(test.origin, '/api/v1/sessions/refresh', { refreshToken: signed.api.refreshToken });
  expectProblem(refreshed, 'session_invalid', 401);
  expectProblem(await getJson(test.origin, '/api/v1/me', bearer(signed.api.accessToken)), 'unauthorized', 401);

  // Provider: the refresh token, the access token at userinfo, and the browser session (no silent sign-in).
  await expect(client.refreshTokenGrant(signed.config, signed.provider.refresh_token ?? '')).rejects.toMatchObject({
    error: 'invalid_grant',
  });
  const userinfo = await fetch(`${test.server.issuer}/me`, {
    headers: { authorization: `Bearer ${signed.provider.access_token}` },
  });
  expect(userinfo.status).toBe(401);
  const again = await authorize(signed.config, test.origin, {
    redirectUri: REDIRECT,
    browser: signed.providerBrowser,
  });
  expect(again.landed.url).toMatch(new RegExp(`^${test.origin}/oidc/interaction/`));

  // /account: the cookie leads to the sign-in form again.
  expect(heading((await signed.account.get('/account')).html)).toBe('Sign in');

  // The OTP for other services no longer works.
  const verdict = await fetch(`${test.origin}/api/v1/otp/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${signed.apiKey}` },
    body: JSON.stringify({ loginId: ANA.loginId, otp: signed.otp }),
  });
  expect(OtpVerdict.parse(await verdict.json())).toEqual({ result: 'reject' });
}

async function resetLink(sink: SmtpSink): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mail = sink.messages.find((each) => each.subject?.startsWith('Reset your password') === true);
    const url = RESET_LINK.exec(mail?.text ?? '')?.[0];
    if (url) return url;
    if (Date.now() > deadline) throw new Error('No reset e-mail arrived.');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('sign out everywhere (one signOutEverywhere for every path that promises it)', () => {
  it('admin revoke-sessions ends API, provider, /account sessions and the live OTP', async () => {
    const test = await startServerWithAna();
    const signed = await signedInEverywhere(test);
    expect((await test.server.admin.revokeSessions(ANA.loginId)).revokedSessions).toBe(1);
    await expectSignedOutEverywhere(test, signed);
  });

  it('admin reset-password ends them all too', async () => {
    const test = await startServerWithAna();
    const signed = await signedInEverywhere(test);
    await test.server.admin.resetPassword(ANA.loginId, { password: NEW_PASSWORD });
    await expectSignedOutEverywhere(test, signed);
  });

  it('a self-service password reset ends them all too', async () => {
    const sink = await startSmtpSink();
    onTestFinished(() => sink.close());
    const test = await startServerWithAna({ smtp: { host: '127.0.0.1', port: sink.port, insecure: true } });
    await test.server.admin.setPasswordResetPolicy({ enabled: true });
    const signed = await signedInEverywhere(test);
    expect((await postJson(test.origin, '/api/v1/password-reset', { loginId: ANA.loginId })).status).toBe(202);
    const browser = new PageBrowser(test.origin);
    const form = await browser.get(await resetLink(sink));
    const done = await browser.submit(form, '/password-reset', { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(done.status).toBeLessThan(400);
    await expectSignedOutEverywhere(test, signed);
  });
});

forEachEngine('signOutEverywhere', (open) => {
  /** One of each thing a user can be signed in with, live. */
  async function everythingOf(storage: Storage, userId: number, now: number): Promise<void> {
    const q = storage.q();
    await q
      .insertInto('session_families')
      .values({ user_id: userId, installation_id: null, created_at: now, revoked_at: null })
      .execute();
    await q
      .insertInto('oidc_payloads')
      .values(
        ['Session', 'Grant', 'RefreshToken'].map((model) => ({
          model,
          id: `${model}-${userId}`,
          payload: '{}',
          grant_id: null,
          user_code: null,
          uid: null,
          expires_at: now + 60_000,
          consumed_at: null,
          account_id: String(userId),
        })),
      )
      .execute();
    await q
      .insertInto('account_sessions')
      .values({
        id_hash: `account-${userId}`,
        user_id: userId,
        stage: 'signed_in',
        created_at: now,
        expires_at: now + 60_000,
      })
      .execute();
    await q
      .insertInto('service_otps')
      .values({ user_id: userId, otp_mac: 'mac', created_at: now, expires_at: now + 60_000, used_at: null })
      .execute();
    await q
      .insertInto('mfa_challenges')
      .values({
        id_hash: `challenge-${userId}`,
        user_id: userId,
        installation_id: null,
        interaction_uid: null,
        created_at: now,
        expires_at: now + 60_000,
        chosen_channel: null,
        code_hmac: null,
        code_channel: null,
        code_sent_at: null,
        code_expires_at: null,
        pending_authenticator_id: null,
        consumed_at: null,
        proven_at: null,
      })
      .execute();
  }

  /** What of the user is still live, table by table. */
  async function liveOf(storage: Storage, userId: number) {
    const q = storage.q();
    const count = async (rows: Promise<unknown[]>) => (await rows).length;
    return {
      families: await count(
        q
          .selectFrom('session_families')
          .select('id')
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .execute(),
      ),
      provider: await count(
        q.selectFrom('oidc_payloads').select('id').where('account_id', '=', String(userId)).execute(),
      ),
      account: await count(q.selectFrom('account_sessions').select('id_hash').where('user_id', '=', userId).execute()),
      otps: await count(
        q.selectFrom('service_otps').select('id').where('user_id', '=', userId).where('used_at', 'is', null).execute(),
      ),
      challenges: await count(
        q
          .selectFrom('mfa_challenges')
          .select('id_hash')
          .where('user_id', '=', userId)
          .where('consumed_at', 'is', null)
          .execute(),
      ),
    };
  }

  it('ends every session, provider row, /account session, OTP and second step of the user, and nobody else’s', async () => {
    const storage = await open();
    const ana = await someUser(storage, 'ana');
    const bob = await someUser(storage, 'bob');
    await everythingOf(storage, ana, 1_000);
    await everythingOf(storage, bob, 1_000);
    expect(await signOutEverywhere(storage, ana, 2_000)).toEqual({
      apiSessions: 1,
      providerRows: 3,
      accountSessions: 1,
      oneTimePasswords: 1,
    });
    expect(await liveOf(storage, ana)).toEqual({ families: 0, provider: 0, account: 0, otps: 0, challenges: 0 });
    expect(await liveOf(storage, bob)).toEqual({ families: 1, provider: 3, account: 1, otps: 1, challenges: 1 });
  });

  it('is one transaction: when its last step fails, nothing was ended', async () => {
    const storage = await open();
    const ana = await someUser(storage, 'ana');
    await everythingOf(storage, ana, 1_000);
    // The second steps' table is gone, so the last statement fails after every other one ran.
    await sql`ALTER TABLE mfa_challenges RENAME TO mfa_challenges_elsewhere`.execute(storage.q());
    await expect(signOutEverywhere(storage, ana, 2_000)).rejects.toThrow(/mfa_challenges/);
    await sql`ALTER TABLE mfa_challenges_elsewhere RENAME TO mfa_challenges`.execute(storage.q());
    expect(await liveOf(storage, ana)).toEqual({ families: 1, provider: 3, account: 1, otps: 1, challenges: 1 });
  });
});
