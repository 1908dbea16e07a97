import { AuditLog } from '../../../server/audit/audit-log';
import { describe, expect, it } from 'vitest';
import { Me, SessionTokens } from '../../../protocol/api';
import { ACCESS_TOKEN_TTL_SECONDS, DEFAULT_LIMITS } from '../../../server/config';
import { SignInPolicy } from '../../../server/discovery/sign-in-policy';
import { DEFAULT_LICENSE } from '../../../server/index';
import { signOutEverywhere } from '../../../server/password-reset/sign-out-everywhere';
import { SessionService } from '../../../server/sessions/session-service';
import { SignInThrottle } from '../../../server/sessions/sign-in-throttle';
import type { Storage } from '../../../server/storage/storage';
import { hashPassword } from '../../../server/users/password-hash';
import { UserStore } from '../../../server/users/user-store';
import { rowIdOf } from '../../../server/oidc/adapter';
import { SessionStore } from '../../../server/sessions/session-store';
import { forEachEngine } from '../../support/engines';
import { ANA, expectProblem, getJson, postJson, startServerWithAna } from './server-fixture';
import { gatheredAtWrites, instancesOn, roundRobin, someUser } from './store-fixture';

const SIGN_IN = '/api/v1/sessions';
const REFRESH = '/api/v1/sessions/refresh';
const REVOKE = '/api/v1/sessions/revoke';

function signIn(origin: string, loginId: string, password: string) {
  return postJson(origin, SIGN_IN, { loginId, password, installationId: 'installation-aaaaaaaa' });
}

async function signedIn(origin: string): Promise<SessionTokens> {
  const response = await signIn(origin, ANA.loginId, ANA.password);
  expect(response.status).toBe(200);
  return SessionTokens.parse(response.body);
}

function me(origin: string, accessToken?: string) {
  return getJson(origin, '/api/v1/me', accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` });
}

describe('password sign-in', () => {
  it('accepts the login ID, the e-mail address or an alias, in any case', async () => {
    const { origin } = await startServerWithAna();
    for (const name of ['ana', 'ANA', 'Ana@Example.com', 'ana@CORP.onmicrosoft.com']) {
      const response = await signIn(origin, name, ANA.password);
      expect(response.status, name).toBe(200);
      const tokens = SessionTokens.parse(response.body);
      expect(tokens.user).toEqual({ loginId: ANA.loginId, displayName: ANA.displayName, email: ANA.email });
      expect(tokens.accessTokenExpiresIn).toBe(600);
      expect(tokens.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const { origin } = await startServerWithAna();
    const wrong = expectProblem(await signIn(origin, ANA.loginId, 'not the password'), 'invalid_credentials', 401);
    const unknown = expectProblem(await signIn(origin, 'nobody', 'not the password'), 'invalid_credentials', 401);
    expect(unknown).toEqual(wrong);
  });

  it('locks the account after ten failures in a row, for fifteen minutes', async () => {
    const test = await startServerWithAna();
    for (let attempt = 1; attempt <= 9; attempt++) {
      expectProblem(await signIn(test.origin, ANA.loginId, `wrong password ${attempt}`), 'invalid_credentials', 401);
    }
    const locked = await signIn(test.origin, ANA.email, 'wrong password 10');
    expect(expectProblem(locked, 'account_locked', 423).retryAfter).toBe(900);
    expect(locked.headers.get('retry-after')).toBe('900');

    // Even the right password waits out the lock.
    test.advance(14 * 60 * 1000);
    const still = expectProblem(await signIn(test.origin, ANA.loginId, ANA.password), 'account_locked', 423);
    expect(still.retryAfter).toBe(60);

    test.advance(60 * 1000);
    expect((await signIn(test.origin, ANA.loginId, ANA.password)).status).toBe(200);
  });

  it('resets the failure count on success', async () => {
    const { origin } = await startServerWithAna();
    for (let attempt = 1; attempt <= 9; attempt++) await signIn(origin, ANA.loginId, 'wrong password');
    expect((await signIn(origin, ANA.loginId, ANA.password)).status).toBe(200);
    for (let attempt = 1; attempt <= 9; attempt++) {
      expectProblem(await signIn(origin, ANA.loginId, 'wrong password'), 'invalid_credentials', 401);
    }
  });

  it('locks unknown names the same way, so a lock-out reveals nothing', async () => {
    const { origin } = await startServerWithAna();
    for (let attempt = 1; attempt <= 9; attempt++) await signIn(origin, 'ghost', 'wrong password');
    expectProblem(await signIn(origin, 'ghost', 'wrong password'), 'account_locked', 423);
  });

  it('limits sign-ins per source address', async () => {
    const { origin } = await startServerWithAna();
    for (let attempt = 1; attempt <= 30; attempt++) {
      expectProblem(await signIn(origin, `nobody-${attempt}`, 'wrong password'), 'invalid_credentials', 401);
    }
    const limited = await signIn(origin, ANA.loginId, ANA.password);
    const problem = expectProblem(limited, 'rate_limited', 429);
    expect(limited.headers.get('retry-after')).toBe(String(problem.retryAfter));
  });

  it('validates the request body and names the bad field', async () => {
    const { origin } = await startServerWithAna();
    const problem = expectProblem(await postJson(origin, SIGN_IN, { loginId: 'ana' }), 'invalid_input', 400);
    expect(problem.detail).toContain('"password"');
  });
});

describe('refresh, revoke and /me', () => {
  it('serves /me for a live access token and refuses everything else', async () => {
    const test = await startServerWithAna();
    const tokens = await signedIn(test.origin);

    const response = await me(test.origin, tokens.accessToken);
    expect(response.status).toBe(200);
    expect(Me.parse(response.body)).toEqual({
      user: tokens.user,
      server: { name: 'Keyway reference server', origin: test.origin },
    });

    const missing = await me(test.origin);
    expectProblem(missing, 'unauthorized', 401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectProblem(await me(test.origin, 'x'.repeat(43)), 'unauthorized', 401);
    expectProblem(await me(test.origin, tokens.refreshToken), 'unauthorized', 401);

    test.advance(10 * 60 * 1000);
    expectProblem(await me(test.origin, tokens.accessToken), 'unauthorized', 401);
  });

  it('rotates the refresh token on every use', async () => {
    const { origin } = await startServerWithAna();
    const first = await signedIn(origin);

    const response = await postJson(origin, REFRESH, { refreshToken: first.refreshToken });
    expect(response.status).toBe(200);
    const second = SessionTokens.parse(response.body);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect((await me(origin, second.accessToken)).status).toBe(200);

    const third = await postJson(origin, REFRESH, { refreshToken: second.refreshToken });
    expect(third.status).toBe(200);
  });

  it('revokes the whole family when a used refresh token comes back', async () => {
    const { origin } = await startServerWithAna();
    const first = await signedIn(origin);
    const second = SessionTokens.parse((await postJson(origin, REFRESH, { refreshToken: first.refreshToken })).body);

    expectProblem(await postJson(origin, REFRESH, { refreshToken: first.refreshToken }), 'session_invalid', 401);

    // The newest tokens, which the thief or the owner holds, stop working too.
    expectProblem(await postJson(origin, REFRESH, { refreshToken: second.refreshToken }), 'session_invalid', 401);
    expectProblem(await me(origin, second.accessToken), 'unauthorized', 401);
  });

  it('revokes on request, idempotently, and leaves other sessions alone', async () => {
    const { origin } = await startServerWithAna();
    const mine = await signedIn(origin);
    const other = await signedIn(origin);

    const revoked = await postJson(origin, REVOKE, { refreshToken: mine.refreshToken });
    expect(revoked.status).toBe(204);
    expect(revoked.body).toBeUndefined();
    expect((await postJson(origin, REVOKE, { refreshToken: mine.refreshToken })).status).toBe(204);
    expect((await postJson(origin, REVOKE, { refreshToken: 'y'.repeat(43) })).status).toBe(204);

    expectProblem(await postJson(origin, REFRESH, { refreshToken: mine.refreshToken }), 'session_invalid', 401);
    expectProblem(await me(origin, mine.accessToken), 'unauthorized', 401);
    expect((await me(origin, other.accessToken)).status).toBe(200);
  });

  it('ends every session when the admin resets the password or revokes sessions', async () => {
    const { origin, server } = await startServerWithAna();
    const before = await signedIn(origin);

    const reset = await server.admin.resetPassword(ANA.loginId, { password: 'a brand new passphrase' });
    expect(reset.revokedSessions).toBe(1);
    expectProblem(await postJson(origin, REFRESH, { refreshToken: before.refreshToken }), 'session_invalid', 401);
    expectProblem(await signIn(origin, ANA.loginId, ANA.password), 'invalid_credentials', 401);

    const after = SessionTokens.parse((await signIn(origin, ANA.loginId, 'a brand new passphrase')).body);
    expect((await server.admin.revokeSessions(ANA.email)).revokedSessions).toBe(1);
    expectProblem(await me(origin, after.accessToken), 'unauthorized', 401);
  });
});

forEachEngine('SessionStore', (open, engine) => {
  it('starts a family whose tokens name its user until revoked; remembers installations and browsers per user', async () => {
    const storage = await open();
    let now = 1_000_000;
    const store = new SessionStore(storage, () => now);
    const ana = await someUser(storage, 'ana');
    const bob = await someUser(storage, 'bob');
    const tokens = await store.start(ana, 'installation-a');
    const other = await store.start(bob, undefined);
    expect(await store.userOfAccessToken(tokens.accessToken)).toBe(ana);
    expect(await store.userOfLiveRefreshToken(tokens.refreshToken)).toBe(ana);
    expect(await store.userOfAccessToken(tokens.refreshToken)).toBeUndefined();
    expect(await store.hasSignedInFrom(ana, 'installation-a')).toBe(true);
    expect(await store.hasSignedInFrom(bob, 'installation-a')).toBe(false);

    const browser = await store.rememberBrowser(ana);
    expect(await store.knowsBrowser(ana, browser)).toBe(true);
    expect(await store.knowsBrowser(bob, browser)).toBe(false);

    // An access token dies with its time; a revoked family ends both tokens; other users keep theirs.
    now += ACCESS_TOKEN_TTL_SECONDS * 1000;
    expect(await store.userOfAccessToken(tokens.accessToken)).toBeUndefined();
    await store.revokeByRefreshToken(tokens.refreshToken);
    expect(await store.userOfLiveRefreshToken(tokens.refreshToken)).toBeUndefined();
    expect(await store.userOfLiveRefreshToken(other.refreshToken)).toBe(bob);
    await store.revokeByRefreshToken('unknown-token');
  });

  it('finds the user of a live provider refresh token only while unconsumed and unexpired', async () => {
    const storage = await open();
    const store = new SessionStore(storage, () => 0);
    const ana = await someUser(storage, 'ana');
    const row = {
      model: 'RefreshToken',
      payload: '{}',
      grant_id: null,
      user_code: null,
      uid: null,
      expires_at: 2_000,
      consumed_at: null,
      account_id: String(ana),
    };
    await storage
      .q()
      .insertInto('oidc_payloads')
      .values([
        { ...row, id: rowIdOf('live-token') },
        { ...row, id: rowIdOf('used-token'), consumed_at: 500 },
        { ...row, id: rowIdOf('odd-account'), account_id: 'ana' },
      ])
      .execute();
    expect(await store.userOfLiveProviderRefreshToken('live-token', 1_000)).toBe(ana);
    expect(await store.userOfLiveProviderRefreshToken('live-token', 2_000)).toBeUndefined();
    expect(await store.userOfLiveProviderRefreshToken('used-token', 1_000)).toBeUndefined();
    expect(await store.userOfLiveProviderRefreshToken('odd-account', 1_000)).toBeUndefined();
  });

  it('of concurrent revocations of all of a user’s sessions (several instances), each session is counted once', async () => {
    const instances = await instancesOn(engine);
    const storeOf = roundRobin(
      instances.map((storage) => new SessionStore(storage, () => 5_000)) as [SessionStore, ...SessionStore[]],
    );
    const ana = await someUser(instances[0], 'ana');
    const started = await Promise.all(Array.from({ length: 5 }, (_, index) => storeOf(index).start(ana, `i-${index}`)));
    const counts = await gatheredAtWrites(instances[0], 'session_families', 6, () =>
      Promise.all(Array.from({ length: 6 }, (_, index) => storeOf(index).revokeAllOfUser(ana))),
    );
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(5);
    for (const tokens of started) expect(await storeOf(0).userOfAccessToken(tokens.accessToken)).toBeUndefined();
  });
});

forEachEngine('SessionService', (open) => {
  const identity = { name: 'Test', origin: 'https://id.example', license: DEFAULT_LICENSE };

  /** The password API of one instance; no second factor applies here (that is server/mfa's, tested there). */
  async function serviceWithAna(storage: Storage, clock: () => number) {
    const users = new UserStore(storage, clock);
    const sessions = new SessionStore(storage, clock);
    const service = new SessionService(
      users,
      sessions,
      new SignInThrottle(storage, clock, DEFAULT_LIMITS),
      identity,
      storage,
      new SignInPolicy(storage, identity),
      { afterPassword: () => Promise.resolve(undefined) },
      (userId) => signOutEverywhere(storage, userId, clock()),
      new AuditLog(storage, clock),
    );
    await users.create({
      loginId: 'ana',
      email: 'ana@example.com',
      displayName: 'Ana',
      passwordHash: await hashPassword(ANA.password),
      aliases: [],
    });
    return service;
  }

  async function tokensOf(service: SessionService, installationId: string): Promise<SessionTokens> {
    return SessionTokens.parse(
      await service.signIn({ loginId: 'ANA@example.com', password: ANA.password, installationId }),
    );
  }

  it('signs in, serves the bearer, rotates; a used token revoked "everywhere" ends only its own family', async () => {
    const now = 1_000_000;
    const service = await serviceWithAna(await open(), () => now);
    const first = await tokensOf(service, 'installation-a');
    const other = await tokensOf(service, 'installation-b');
    expect((await service.me(`Bearer ${first.accessToken}`)).user).toEqual(first.user);
    await expect(service.userOfBearer(`Bearer ${first.refreshToken}`)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(service.signIn({ loginId: 'ana', password: 'wrong password' })).rejects.toMatchObject({
      code: 'invalid_credentials',
    });

    const second = await service.refresh(first.refreshToken);
    expect((await service.userOfBearer(`Bearer ${second.accessToken}`)).loginId).toBe('ana');
    // "Forget this server" with a used token proves no current session: only its own family ends.
    await service.revoke(first.refreshToken, true);
    await expect(service.userOfBearer(`Bearer ${second.accessToken}`)).rejects.toMatchObject({ code: 'unauthorized' });
    expect((await service.userOfBearer(`Bearer ${other.accessToken}`)).loginId).toBe('ana');

    // A replayed token ends its family (reuse detection), and again only that one.
    const third = await service.refresh(other.refreshToken);
    await expect(service.refresh(other.refreshToken)).rejects.toMatchObject({ code: 'session_invalid' });
    await expect(service.refresh(third.refreshToken)).rejects.toMatchObject({ code: 'session_invalid' });
  });

  it('revoking a live token "everywhere" ends every session of its user', async () => {
    const now = 2_000_000;
    const storage = await open();
    const service = await serviceWithAna(storage, () => now);
    const first = await tokensOf(service, 'installation-a');
    const other = await tokensOf(service, 'installation-b');
    await service.revoke(first.refreshToken, true);
    for (const tokens of [first, other]) {
      await expect(service.userOfBearer(`Bearer ${tokens.accessToken}`)).rejects.toMatchObject({
        code: 'unauthorized',
      });
      await expect(service.refresh(tokens.refreshToken)).rejects.toMatchObject({ code: 'session_invalid' });
    }
  });
});
