import { memorySecrets } from '../support/memory-secrets';
import { describe, expect, it } from 'vitest';
import { createFileSettingsStore } from '../../electron/core/adapters/file-settings-store';
import { createKeytarSecretStore } from '../../electron/core/adapters/keytar-secret-store';
import { type KeywayCore } from '../../electron/core/keyway-core';
import { SessionTokens } from '../../protocol/api';
import { REFRESH_TOKEN_TTL_MS } from '../../server/config';
import { ANA, expectProblem, postJson, startServerWithAna, type TestServer } from './server/server-fixture';
import { PageBrowser } from '../support/browser';
import { heading } from '../support/html';
import { providerSignInBrowser, signInByManualLogin, testCore } from '../support/keyway-core';

/**
 * "Forget this server" signs Ana out everywhere on a password server (issue 14): Keyway core on one
 * installation, the real reference server, the real keychain (scripts/with-keyring.mjs), and her other
 * sessions as another installation (the raw API) and a browser on /account would hold them.
 */
function installation(): KeywayCore {
  return testCore({ secrets: createKeytarSecretStore(), profilePrefix: 'keyway-it-forget-' }).core;
}

async function signedInCore(test: TestServer): Promise<KeywayCore> {
  const core = installation();
  await core.start();
  core.send({ type: 'welcome.inputChanged', text: (await test.server.admin.createDeployment('ana')).code });
  core.send({ type: 'welcome.applied' });
  core.send({ type: 'server.confirmed' });
  await core.settled();
  expect(core.getView().screen).toBe('license');
  core.send({ type: 'license.accepted' });
  core.send({ type: 'password.submitted', password: ANA.password });
  await core.settled();
  expect(core.getView().screen).toBe('home');
  return core;
}

async function apiSession(test: TestServer): Promise<SessionTokens> {
  const answer = await postJson(test.origin, '/api/v1/sessions', { loginId: ANA.loginId, password: ANA.password });
  return SessionTokens.parse(answer.body);
}

async function accountSession(test: TestServer): Promise<PageBrowser> {
  const account = new PageBrowser(test.origin);
  const form = await account.get('/account');
  const signedIn = await account.submit(form, '/account/sign-in', { login: ANA.email, password: ANA.password });
  expect(signedIn.status).toBe(303);
  expect(heading((await account.get('/account')).html)).toBe('Set up Keyway');
  return account;
}

/** Refreshes the session; returns the rotated tokens, or the problem when refused. */
const refresh = (test: TestServer, refreshToken: string) =>
  postJson(test.origin, '/api/v1/sessions/refresh', { refreshToken });

describe('forgetting a password server', () => {
  it("signs Ana out on her other installation and on /account, not only this installation's session", async () => {
    const test = await startServerWithAna();
    const core = await signedInCore(test);
    const other = await apiSession(test);
    const account = await accountSession(test);

    core.send({ type: 'forgetServer.requested' });
    await core.settled();
    expect(core.getView().screen).not.toBe('home');

    expectProblem(await refresh(test, other.refreshToken), 'session_invalid', 401);
    expect(heading((await account.get('/account')).html)).toBe('Sign in');
  });

  it('a plain sign-out ends only this installation; her other sessions keep working', async () => {
    const test = await startServerWithAna();
    const core = await signedInCore(test);
    const other = await apiSession(test);
    const account = await accountSession(test);

    core.send({ type: 'signOut.requested' });
    await core.settled();
    expect(core.getView().screen).not.toBe('home');

    expect((await refresh(test, other.refreshToken)).status).toBe(200);
    expect(heading((await account.get('/account')).html)).toBe('Set up Keyway');
  });
});

describe('POST /api/v1/sessions/revoke with everywhere', () => {
  it('a replayed (already used) refresh token answers 204 and ends none of her other sessions', async () => {
    const test = await startServerWithAna();
    const stolen = await apiSession(test);
    expect((await refresh(test, stolen.refreshToken)).status).toBe(200); // the token is now used
    const other = await apiSession(test);

    const revoked = await postJson(test.origin, '/api/v1/sessions/revoke', {
      refreshToken: stolen.refreshToken,
      everywhere: true,
    });
    expect(revoked.status).toBe(204);
    expect((await refresh(test, other.refreshToken)).status).toBe(200);
  });

  it('a revoked or unknown refresh token answers 204 and ends none of her other sessions', async () => {
    const test = await startServerWithAna();
    const ended = await apiSession(test);
    expect((await postJson(test.origin, '/api/v1/sessions/revoke', { refreshToken: ended.refreshToken })).status).toBe(
      204,
    );
    const other = await apiSession(test);

    for (const refreshToken of [ended.refreshToken, 'an-unknown-token-of-enough-length']) {
      const revoked = await postJson(test.origin, '/api/v1/sessions/revoke', { refreshToken, everywhere: true });
      expect(revoked.status).toBe(204);
    }
    expect((await refresh(test, other.refreshToken)).status).toBe(200);
  });

  it('an expired refresh token answers 204 and ends none of her other sessions', async () => {
    const test = await startServerWithAna();
    const stale = await apiSession(test);
    test.advance(REFRESH_TOKEN_TTL_MS + 1000);
    const other = await apiSession(test);
    const revoked = await postJson(test.origin, '/api/v1/sessions/revoke', {
      refreshToken: stale.refreshToken,
      everywhere: true,
    });
    expect(revoked.status).toBe(204);
    expect((await refresh(test, other.refreshToken)).status).toBe(200);
  });

  it('a live token ends every session of its user (and its own), still with a bare 204', async () => {
    const test = await startServerWithAna();
    const live = await apiSession(test);
    const other = await apiSession(test);
    const revoked = await postJson(test.origin, '/api/v1/sessions/revoke', {
      refreshToken: live.refreshToken,
      everywhere: true,
    });
    expect(revoked.status).toBe(204);
    expectProblem(await refresh(test, live.refreshToken), 'session_invalid', 401);
    expectProblem(await refresh(test, other.refreshToken), 'session_invalid', 401);
  });

  it('refuses an `everywhere` that is not `true`, and still accepts the old body without it', async () => {
    const test = await startServerWithAna();
    const session = await apiSession(test);
    const refused = await postJson(test.origin, '/api/v1/sessions/revoke', {
      refreshToken: session.refreshToken,
      everywhere: false,
    });
    expect(refused.status).toBe(400);
    expect((await refresh(test, session.refreshToken)).status).toBe(200);
  });
});

/**
 * The same promise for a unified-login (OIDC) profile whose provider is the Keyway server's own: core
 * hands the server its live provider refresh token (sessions/revoke `kind: 'oidc'`) before revoking it.
 */
async function oidcSignedInCore(test: TestServer) {
  await test.server.admin.setSignInMethod(ANA.loginId, 'oidc');
  const secrets = memorySecrets();
  const { core, profileDir } = testCore({
    secrets,
    browser: providerSignInBrowser(ANA.password),
    browserTimeoutMs: 15_000,
    profilePrefix: 'keyway-it-forget-oidc-',
  });
  expect((await signInByManualLogin(core, test.origin, ANA.email)).screen).toBe('home');
  const [token] = [...secrets.entries.values()];
  const [profile] = (await createFileSettingsStore(profileDir).read()).profiles;
  if (token === undefined || profile?.signIn.method !== 'oidc') throw new Error('no OIDC sign-in stored');
  return { core, token, clientId: profile.signIn.clientId };
}

const providerPost = (test: TestServer, pathname: string, form: Record<string, string>) =>
  fetch(`${test.origin}/oidc${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });

describe('forgetting a server signed in by unified login with its own OpenID Provider', () => {
  it('signs Ana out of her other sessions (/account) too', async () => {
    const test = await startServerWithAna();
    const account = await accountSession(test);
    const { core } = await oidcSignedInCore(test);
    expect(heading((await account.get('/account')).html)).toBe('Set up Keyway');

    core.send({ type: 'forgetServer.requested' });
    await core.settled();
    expect(core.getView().screen).not.toBe('home');
    expect(heading((await account.get('/account')).html)).toBe('Sign in');
  });

  it('a consumed (rotated) or revoked provider refresh token with everywhere answers 204 and ends nothing', async () => {
    const test = await startServerWithAna();
    const account = await accountSession(test);
    const { token, clientId } = await oidcSignedInCore(test);

    const rotated = await providerPost(test, '/token', {
      grant_type: 'refresh_token',
      refresh_token: token,
      client_id: clientId,
    });
    expect(rotated.status).toBe(200);
    const next = ((await rotated.json()) as { refresh_token?: string }).refresh_token ?? '';
    expect(next).not.toBe('');
    expect(next).not.toBe(token);
    const everywhere = (refreshToken: string) =>
      postJson(test.origin, '/api/v1/sessions/revoke', { refreshToken, everywhere: true, kind: 'oidc' });

    // The consumed token first, while its grant (and so its row) still exists.
    expect((await everywhere(token)).status).toBe(204);
    expect(heading((await account.get('/account')).html)).toBe('Set up Keyway');

    expect((await providerPost(test, '/token/revocation', { token: next, client_id: clientId })).status).toBe(200);
    expect((await everywhere(next)).status).toBe(204);
    expect(heading((await account.get('/account')).html)).toBe('Set up Keyway');
  });
});
