import { describe, expect, it } from 'vitest';
import { KEYWAY_OIDC_CLIENT_ID, SessionTokens } from '../../../protocol/api';
import { MeConfig } from '../../../protocol/me-config';
import { DEFAULT_LICENSE } from '../../../server/config';
import { rowIdOf } from '../../../server/oidc/adapter';
import { openTestStorage } from '../../support/stored-data';
import { keywayClient, signInWithOidc } from './oidc-fixture';
import { ANA, expectProblem, getJson, postJson, startServerWithAna, type TestServer } from './server-fixture';

/**
 * GET /api/v1/me/config (issue 18): a unified-login client's pushed configuration, for an access token
 * of the server's own OpenID Provider obtained through the real authorization code flow, checked as the
 * provider's userinfo endpoint checks one (server/oidc/access-tokens.ts). Anything else is
 * `unauthorized`: no token, a token that is not an access token, another server's, one for another
 * audience or client, one without the openid scope, an expired one.
 */

const REDIRECT = 'http://127.0.0.1:49152/callback';
const ME_CONFIG = '/api/v1/me/config';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Ana on unified login, signed in through the provider: her token endpoint answer. */
async function unifiedSignIn(test: TestServer) {
  await test.server.admin.setSignInMethod(ANA.loginId, 'oidc');
  const config = await keywayClient(test.server.issuer);
  return signInWithOidc(config, test.origin, ANA.password, { redirectUri: REDIRECT, loginHint: ANA.loginId });
}

async function meConfig(test: TestServer, token: string): Promise<MeConfig> {
  const answer = await getJson(test.origin, ME_CONFIG, bearer(token));
  expect(answer.status).toBe(200);
  return MeConfig.parse(answer.body);
}

const refused = async (test: TestServer, headers: Record<string, string>) =>
  expectProblem(await getJson(test.origin, ME_CONFIG, headers), 'unauthorized', 401);

/** Rewrites the stored payload of a provider access token (what a forged or stale row would hold). */
async function tamper(test: TestServer, token: string, change: (payload: Record<string, unknown>) => void) {
  const storage = await openTestStorage(test);
  const where = { model: 'AccessToken', id: rowIdOf(token) };
  const row = await storage
    .q()
    .selectFrom('oidc_payloads')
    .select('payload')
    .where('model', '=', where.model)
    .where('id', '=', where.id)
    .executeTakeFirstOrThrow();
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  change(payload);
  await storage
    .q()
    .updateTable('oidc_payloads')
    .set({ payload: JSON.stringify(payload) })
    .where('model', '=', where.model)
    .where('id', '=', where.id)
    .execute();
}

describe('GET /api/v1/me/config', () => {
  it("answers a unified-login user's license and pushed profile for the provider's access token", async () => {
    const test = await startServerWithAna();
    const tokens = await unifiedSignIn(test);
    expect(await meConfig(test, tokens.access_token)).toEqual({ license: DEFAULT_LICENSE, config: null });

    await test.server.admin.publishLicense('2026-02', 'Terms of February.');
    await test.server.admin.createProfile('Corp', { language: 'fr', updateChannel: 'beta' });
    await test.server.admin.assignProfile('Corp', { domain: 'example.com' });
    const push = await test.server.admin.pushProfile('Corp');
    expect(await meConfig(test, tokens.access_token)).toEqual({
      license: { version: '2026-02', text: 'Terms of February.' },
      config: { version: push.version, profile: 'Corp', settings: { language: 'fr', updateChannel: 'beta' } },
    });

    // A password session's own access token gets the same answer as its session answers carry.
    await test.server.admin.createUser({
      loginId: 'bob',
      email: 'bob@example.com',
      displayName: 'Bob',
      password: 'a long enough passphrase',
      sendWelcomeEmail: false,
    });
    const bob = SessionTokens.parse(
      (await postJson(test.origin, '/api/v1/sessions', { loginId: 'bob', password: 'a long enough passphrase' })).body,
    );
    expect(await meConfig(test, bob.accessToken)).toEqual({ license: bob.license, config: bob.config });
  });

  it('attack: refuses no token, and what is not an access token of this server (ID token, refresh token, another server)', async () => {
    const test = await startServerWithAna();
    const tokens = await unifiedSignIn(test);
    await refused(test, {});
    await refused(test, { authorization: 'Bearer' });
    await refused(test, { authorization: `Basic ${tokens.access_token}` });
    await refused(test, bearer(tokens.id_token ?? 'no-id-token-was-issued'));
    await refused(test, bearer(tokens.refresh_token ?? 'no-refresh-token-was-issued'));

    // Another Keyway server's provider issued this one, for the same user name: it means nothing here.
    const other = await startServerWithAna();
    const elsewhere = await unifiedSignIn(other);
    await refused(test, bearer(elsewhere.access_token));
    expect((await getJson(other.origin, ME_CONFIG, bearer(elsewhere.access_token))).status).toBe(200);
  });

  it('attack: refuses a provider token for another audience or client, without the openid scope, or without its grant', async () => {
    const test = await startServerWithAna();
    for (const [what, change] of [
      ['another audience', (payload: Record<string, unknown>) => (payload.aud = 'https://elsewhere.example')],
      ['another client', (payload: Record<string, unknown>) => (payload.clientId = 'another-client')],
      ['no openid scope', (payload: Record<string, unknown>) => (payload.scope = 'email profile')],
      ['a grant that does not exist', (payload: Record<string, unknown>) => (payload.grantId = 'no-such-grant-id')],
      [
        'bound to a DPoP key Keyway never has',
        (payload: Record<string, unknown>) => (payload.jkt = 'a-key-thumbprint'),
      ],
    ] as const) {
      const tokens = await unifiedSignIn(test);
      expect((await getJson(test.origin, ME_CONFIG, bearer(tokens.access_token))).status, what).toBe(200);
      await tamper(test, tokens.access_token, change);
      await refused(test, bearer(tokens.access_token));
    }
  });

  it('attack: refuses an expired access token, and one whose grant was revoked (sign-out)', async () => {
    const test = await startServerWithAna();
    const expired = await unifiedSignIn(test);
    expect((await getJson(test.origin, ME_CONFIG, bearer(expired.access_token))).status).toBe(200);
    // The provider's own expiry (its clock is the real one): the payload's exp a minute ago.
    await tamper(test, expired.access_token, (payload) => (payload.exp = Math.floor(Date.now() / 1000) - 60));
    await refused(test, bearer(expired.access_token));

    const revoked = await unifiedSignIn(test);
    const revocation = await fetch(`${test.server.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: revoked.refresh_token ?? '', client_id: KEYWAY_OIDC_CLIENT_ID }).toString(),
    });
    expect(revocation.status).toBe(200);
    await refused(test, bearer(revoked.access_token));
  });
});
