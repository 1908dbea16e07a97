import * as client from 'openid-client';
import { onTestFinished, describe, expect, it } from 'vitest';
import { SessionTokens } from '../../../protocol/api';
import { IssuedOtp, OtpVerdict } from '../../../protocol/otp';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { CookieBrowser, heading } from './account-browser';
import { bearer, postAuthorized } from './mfa-fixture';
import { authorize, keywayClient, redeem, submitSignIn } from './oidc-fixture';
import { ANA, expectProblem, getJson, postJson, startServerWithAna, type TestServer } from './server-fixture';

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

  const account = new CookieBrowser(test.origin);
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
    const browser = new CookieBrowser(test.origin);
    const form = await browser.get(await resetLink(sink));
    const done = await browser.submit(form, '/password-reset', { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(done.status).toBeLessThan(400);
    await expectSignedOutEverywhere(test, signed);
  });
});
