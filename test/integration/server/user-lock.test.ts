import * as client from 'openid-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SessionTokens } from '../../../protocol/api';
import { openStorage } from '../../../server/storage/database';
import { LOCKED_MESSAGE } from '../../../server/users/user-lock';
import { UserStore } from '../../../server/users/user-store';
import { formOn, keywayAuthorization } from '../../support/sso-browser';
import { startUpstreamOidc } from '../../support/upstream-oidc';
import { BOB, consoleWorld, signInToConsole } from './console-sign-in';
import { cli } from './cli-run';
import {
  challenged,
  enrolAna,
  passwordSignIn,
  signedInWithPassword,
  startMfaServer,
  totpCode,
  verify,
} from './mfa-fixture';
import { authorize, keywayClient, redeem, signInWithOidc, submitSignIn } from './oidc-fixture';
import {
  ANA,
  databaseUrlOf,
  expectProblem,
  getJson,
  postJson,
  startServerWithAna,
  type TestServer,
} from './server-fixture';
import { Browser, PageBrowser } from '../../support/browser';
import { alertText, fieldValue, firstText, heading, parseHtml, text } from '../../support/html';

/**
 * Issue 18: an admin's lock of a user (server/users/user-lock.ts). Each way in is tried with the right
 * password (or code, token, passkey) while locked, and again after the unlock. These server tests run on
 * SQLite and, in the integration-postgres project, on PostgreSQL.
 *
 * Some controls sit behind the lock's own sign-out (lockUser ends every session in its transaction), so
 * a test that only used lockUser could not tell whether they work. Those tests lock the user with the
 * store alone, beside the running server (as a lock committing between a session's checks would look),
 * so each control is proven on its own.
 */

const REDIRECT_URI = 'http://127.0.0.1:49152/callback';
const SSO_REDIRECT_URI = 'http://127.0.0.1:1/callback';

/** The users table written beside the running server: a lock without the sign-out lockUser does with it. */
async function lockBeside(test: TestServer): Promise<{ lock: (loginId: string) => Promise<void> }> {
  const url = await databaseUrlOf(test.dataDir);
  const storage = await openStorage(
    url === undefined ? { engine: 'sqlite', dataDir: test.dataDir } : { engine: 'postgres', url },
    { migrations: 'apply' },
  );
  onTestFinished(() => storage.close());
  const users = new UserStore(storage, () => test.now());
  return {
    lock: async (loginId) => {
      const user = await users.findByName(loginId);
      if (!user) throw new Error(`no user ${loginId}`);
      await users.setLock(user.id, { reason: undefined });
    },
  };
}

function refresh(test: TestServer, refreshToken: string) {
  return postJson(test.origin, '/api/v1/sessions/refresh', { refreshToken });
}

/** The last cell of the user list's row for `loginId` (its row header links to the user's page). */
function lastCellOf(html: string, loginId: string): string | undefined {
  const row = [...parseHtml(html).querySelectorAll('tr')].find(
    (each) => each.querySelector(`th a[href="/admin/user?name=${loginId}"]`)?.textContent === loginId,
  );
  const cells = row ? [...row.querySelectorAll('td')] : [];
  return cells.length === 0 ? undefined : text(cells[cells.length - 1]);
}

describe('an admin lock on the Keyway API', () => {
  it('refuses the right password with its own code and message, the wrong one as ever; ends every session; unlock lets in again', async () => {
    const test = await startServerWithAna();
    const before = await signedInWithPassword(test.origin);

    const locked = await test.server.admin.lockUser(ANA.email, { reason: '  Left the company  ' });
    expect(locked).toMatchObject({ changed: true, revokedSessions: 1 });
    expect(locked.user.locked).toEqual({ at: test.now(), reason: 'Left the company' });
    expect((await test.server.admin.lockUser(ANA.loginId)).changed).toBe(false);

    const problem = expectProblem(await passwordSignIn(test.origin), 'account_locked_by_admin', 403);
    expect(problem.detail).toBe(LOCKED_MESSAGE);
    // A stranger trying names learns nothing: a wrong password is the usual answer.
    expectProblem(
      await passwordSignIn(test.origin, { password: 'not the password at all' }),
      'invalid_credentials',
      401,
    );
    // The session from before the lock ended with it.
    expectProblem(await refresh(test, before.refreshToken), 'session_invalid', 401);
    expectProblem(
      await getJson(test.origin, '/api/v1/me', { authorization: `Bearer ${before.accessToken}` }),
      'unauthorized',
      401,
    );

    const unlocked = await test.server.admin.unlockUser(ANA.loginId);
    expect(unlocked.changed).toBe(true);
    expect(unlocked.user.locked).toBeUndefined();
    expect((await test.server.admin.unlockUser(ANA.loginId)).changed).toBe(false);
    const after = await signedInWithPassword(test.origin);
    expect((await refresh(test, after.refreshToken)).status).toBe(200);
  });

  it('refuses a refresh and an access token that escaped the sign-out, and ends that session for good', async () => {
    const test = await startServerWithAna();
    const session = await signedInWithPassword(test.origin);
    await (await lockBeside(test)).lock(ANA.loginId);

    // The access token first: the refused refresh below ends its family, and with it this token.
    expectProblem(
      await getJson(test.origin, '/api/v1/me', { authorization: `Bearer ${session.accessToken}` }),
      'unauthorized',
      401,
    );
    expectProblem(await refresh(test, session.refreshToken), 'account_locked_by_admin', 403);
    // Unlocked, the refused family stays ended: the rotation it made was never handed out.
    await test.server.admin.unlockUser(ANA.loginId);
    expectProblem(await refresh(test, session.refreshToken), 'session_invalid', 401);
  });

  it('gives no session to a second step finished after the lock', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const { secret } = await enrolAna(test);
    const required = await challenged(test.origin);
    await (await lockBeside(test)).lock(ANA.loginId);
    const answer = await verify(test.origin, {
      challengeId: required.challengeId,
      channel: 'totp',
      code: totpCode(secret, test),
    });
    expectProblem(answer, 'account_locked_by_admin', 403);
  });

  it('refuses a locked user’s deployment code and keeps it unredeemed for after the unlock', async () => {
    const test = await startServerWithAna();
    const { code } = await test.server.admin.createDeployment(ANA.loginId);
    await test.server.admin.lockUser(ANA.loginId);
    const redeemIt = () =>
      postJson(test.origin, '/api/v1/deployments/redeem', { code, installationId: 'installation-lock-a' });
    expectProblem(await redeemIt(), 'account_locked_by_admin', 403);
    expect((await test.server.admin.listDeployments({ user: ANA.loginId }))[0]?.state).not.toBe('redeemed');
    await test.server.admin.unlockUser(ANA.loginId);
    expect((await redeemIt()).status).toBe(200);
  });
});

describe('an admin lock on the provider’s pages and /account', () => {
  it('the provider’s sign-in page says why after the right password; tokens from before stop working; unlock lets in again', async () => {
    const test = await startServerWithAna();
    const config = await keywayClient(test.server.issuer);
    const before = await signInWithOidc(config, test.origin, ANA.password, {
      redirectUri: REDIRECT_URI,
      loginHint: ANA.loginId,
    });
    await test.server.admin.lockUser(ANA.loginId);

    const started = await authorize(config, test.origin, { redirectUri: REDIRECT_URI, loginHint: ANA.email });
    const refused = await submitSignIn(started, test.origin, ANA.password);
    expect(refused.response.status).toBe(403);
    expect(refused.url.startsWith(REDIRECT_URI)).toBe(false);
    expect(alertText(await refused.response.text())).toBe(LOCKED_MESSAGE);
    await expect(client.refreshTokenGrant(config, before.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    await test.server.admin.unlockUser(ANA.loginId);
    const after = await signInWithOidc(config, test.origin, ANA.password, {
      redirectUri: REDIRECT_URI,
      loginHint: ANA.loginId,
    });
    expect(after.claims()?.preferred_username).toBe(ANA.loginId);
  });

  it('the provider refuses a locked user’s authorization code and refresh token even without the sign-out', async () => {
    const test = await startServerWithAna();
    const config = await keywayClient(test.server.issuer);
    const earlier = await signInWithOidc(config, test.origin, ANA.password, {
      redirectUri: REDIRECT_URI,
      loginHint: ANA.loginId,
    });
    const started = await authorize(config, test.origin, { redirectUri: REDIRECT_URI, loginHint: ANA.email });
    const { url: callback } = await submitSignIn(started, test.origin, ANA.password);
    expect(callback.startsWith(REDIRECT_URI)).toBe(true);
    await (await lockBeside(test)).lock(ANA.loginId);

    await expect(redeem(config, started, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(config, earlier.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('/account refuses a locked user after the right password, and lets them in once unlocked', async () => {
    const test = await startServerWithAna();
    await test.server.admin.lockUser(ANA.loginId);
    const signIn = async () => {
      const browser = new PageBrowser(test.origin);
      return browser.submit(await browser.get('/account'), '/account/sign-in', {
        login: ANA.loginId,
        password: ANA.password,
      });
    };
    const refused = await signIn();
    expect(refused.status).toBe(403);
    expect(alertText(refused.html)).toBe(LOCKED_MESSAGE);
    await test.server.admin.unlockUser(ANA.loginId);
    expect((await signIn()).status).toBe(303);
  });

  it('/account shows no new deployment link to a session that escaped the lock', async () => {
    const test = await startServerWithAna();
    const browser = new PageBrowser(test.origin);
    const answer = await browser.submit(await browser.get('/account'), '/account/sign-in', {
      login: ANA.loginId,
      password: ANA.password,
    });
    expect(answer.status).toBe(303);
    expect(heading((await browser.get('/account')).html)).toBe('Set up Keyway');
    await (await lockBeside(test)).lock(ANA.loginId);
    const page = await browser.get('/account');
    expect(heading(page.html)).toBe('Sign in');
    expect(page.html).not.toContain('data-testid="authentication-code"');
  });
});

describe('an admin lock on SSO through an upstream OpenID provider', () => {
  it('the upstream’s word is not enough: the sign-in page says why and Keyway gets no code; unlock lets in again', async () => {
    const test = await startServerWithAna();
    const upstream = await startUpstreamOidc({ redirectUri: `${test.origin}/sso/oidc/okta/callback` });
    onTestFinished(() => upstream.close());
    upstream.accounts.set('okta-0001', { sub: 'okta-0001', email: ANA.email, email_verified: true, name: 'Ana' });
    upstream.signInAs = 'okta-0001';
    await test.server.admin.identityProviders.addOidc({
      id: 'okta',
      displayName: 'Okta',
      issuer: upstream.issuer,
      clientId: upstream.clientId,
      clientSecret: upstream.clientSecret,
    });
    const ssoSignIn = async () => {
      const authorization = await keywayAuthorization(test.server.issuer, { redirectUri: SSO_REDIRECT_URI });
      const browser = new Browser();
      const atUpstream = (url: URL): boolean => url.origin === upstream.issuer;
      const page = await browser.follow(await browser.get(authorization.url), atUpstream);
      const button = formOn(await page.response.text(), page.url, /\/sso\/okta$/);
      const landed = await browser.follow(await browser.post(button.action, button.fields), atUpstream);
      const callback = await browser.follow(await browser.get(landed.url), (url) =>
        url.pathname.startsWith('/sso/oidc/okta/callback'),
      );
      return browser.follow(await browser.get(callback.url), (url) => url.href.startsWith(SSO_REDIRECT_URI));
    };
    await test.server.admin.lockUser(ANA.loginId);
    const refused = await ssoSignIn();
    expect(refused.url.href.startsWith(SSO_REDIRECT_URI)).toBe(false);
    expect(refused.response.status).toBe(403);
    expect(alertText(await refused.response.text())).toBe(LOCKED_MESSAGE);
    const ssoEvents = async () =>
      (await test.server.admin.auditEvents({ limit: 10, types: ['sign-in.succeeded', 'sign-in.failed'] })).events
        .filter((event) => event.details.method === 'sso')
        .map((event) => `${event.type}${event.reason === undefined ? '' : `:${event.reason}`}`);
    // The refused SSO sign-in is on record as a failure for the lock, never as a success.
    expect(await ssoEvents()).toEqual(['sign-in.failed:account_locked_by_admin']);
    await test.server.admin.unlockUser(ANA.loginId);
    expect((await ssoSignIn()).url.href.startsWith(SSO_REDIRECT_URI)).toBe(true);
    expect((await ssoEvents()).sort()).toEqual(['sign-in.failed:account_locked_by_admin', 'sign-in.succeeded']);
  });
});

describe('lock and unlock in the admin console and the CLI', () => {
  /** Ana an admin with an authenticator (optional user policy), Bob a plain user. */
  const consoleServer = () => consoleWorld();

  const consoleSignIn = (test: TestServer, secret: string) => signInToConsole(test, { code: totpCode(secret, test) });

  const bobSignIn = (test: TestServer) =>
    postJson(test.origin, '/api/v1/sessions', { loginId: BOB.loginId, password: BOB.password });

  it('locks with the admin’s password again and a reason, shows it in the list and on the page, and unlocks', async () => {
    const { test, secret } = await consoleServer();
    const { browser, answer } = await consoleSignIn(test, secret);
    expect(answer.status).toBe(303);
    const bobSession = SessionTokens.parse((await bobSignIn(test)).body);
    let page = await browser.get('/admin/user?name=bob');
    expect(firstText(page.html, '[data-testid="lock-state"]')).toMatch(/^Active\./);

    // A wrong password of the admin's: nothing changes.
    const wrong = await browser.submit(page, '/admin/user/lock', { reauth: 'not the password', lockReason: 'x' });
    expect(wrong.status).toBe(403);
    expect(alertText(wrong.html)).toBe('Your password is not correct: nothing was changed.');
    expect((await test.server.admin.findUser('bob'))?.locked).toBeUndefined();

    page = await browser.submit(page, '/admin/user/lock', { reauth: ANA.password, lockReason: 'Laptop stolen' });
    expect(page.status).toBe(200);
    expect(page.html).toContain('The user is locked. Sessions ended: 1.');
    expect(page.html).toContain('<strong>Locked</strong>.');
    expect(page.html).toContain('Reason: Laptop stolen');
    expectProblem(await bobSignIn(test), 'account_locked_by_admin', 403);
    expectProblem(await refresh(test, bobSession.refreshToken), 'session_invalid', 401);
    const list = await browser.get('/admin/users');
    expect(lastCellOf(list.html, 'bob')).toBe('Locked');
    expect(lastCellOf(list.html, 'ana')).toBe('Active');

    const unlocked = await browser.submit(page, '/admin/user/unlock');
    expect(unlocked.status).toBe(200);
    expect(unlocked.html).toContain('The user is unlocked and can sign in again.');
    expect((await bobSignIn(test)).status).toBe(200);
    expect(
      (await test.server.admin.auditEvents({ limit: 10, types: ['user.locked', 'user.unlocked'] })).events.map(
        (event) => [event.type, event.actor],
      ),
    ).toEqual([
      ['user.unlocked', { kind: 'admin', id: 'console:ana' }],
      ['user.locked', { kind: 'admin', id: 'console:ana' }],
    ]);
  });

  it('refuses a lock posted from another site, even with the page’s token', async () => {
    const { test, secret } = await consoleServer();
    const { browser } = await consoleSignIn(test, secret);
    const page = await browser.get('/admin/user?name=bob');
    const csrf = fieldValue(page.html, 'csrf') ?? '';
    const crossSite = await browser.post(
      '/admin/user/lock',
      { csrf, name: 'bob', reauth: ANA.password, lockReason: '' },
      { origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    expect((await test.server.admin.findUser('bob'))?.locked).toBeUndefined();
  });

  it('a locked admin’s console session ends at the next click, and the console sign-in says why', async () => {
    const { test, secret } = await consoleServer();
    const { browser } = await consoleSignIn(test, secret);
    expect((await browser.get('/admin/users')).status).toBe(200);
    await (await lockBeside(test)).lock(ANA.loginId);
    const next = await browser.get('/admin/users');
    expect(next.status).toBe(401);
    expect(heading(next.html)).not.toBe('Users');

    const again = await consoleSignIn(test, secret);
    expect(again.answer.status).toBe(403);
    expect(alertText(again.answer.html)).toBe(LOCKED_MESSAGE);
  });

  it('lock-user and unlock-user from the CLI, with a reason, once each; list-users shows the lock', async () => {
    const test = await startServerWithAna();
    await signedInWithPassword(test.origin);
    const locked = await cli(test.dataDir, {}, 'lock-user', '--user', ANA.email, '--reason', 'On leave');
    expect(locked).toMatchObject({ code: 0, err: [] });
    expect(locked.out).toEqual(['ana is locked: they cannot sign in until unlock-user; ended 1 session.']);
    expect((await cli(test.dataDir, {}, 'lock-user', '--user', 'ana')).out).toEqual(['ana was already locked.']);
    expect((await test.server.admin.findUser('ana'))?.locked?.reason).toBe('On leave');
    expect((await cli(test.dataDir, {}, 'list-users')).out[1]).toContain('password, LOCKED');
    expectProblem(await passwordSignIn(test.origin), 'account_locked_by_admin', 403);

    const multiLine = await cli(test.dataDir, {}, 'lock-user', '--user', 'ana', '--reason', 'a\nb');
    expect(multiLine.code).not.toBe(0);

    expect((await cli(test.dataDir, {}, 'unlock-user', '--user', 'ana')).out).toEqual([
      'ana is unlocked and can sign in again.',
    ]);
    expect((await cli(test.dataDir, {}, 'unlock-user', '--user', 'ana')).out).toEqual(['ana was not locked.']);
    expect((await passwordSignIn(test.origin)).status).toBe(200);
    const missing = await cli(test.dataDir, {}, 'lock-user');
    expect(missing.code).not.toBe(0);
    expect(missing.err.join('\n')).toContain('--user is required.');
  });
});
