import { createServer } from 'node:net';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { KEYWAY_OIDC_CLIENT_ID } from '../../../protocol/api';
import { authorize, keywayClient, redeem, signInWithOidc, submitSignIn } from './oidc-fixture';
import { ANA, startServerWithAna } from './server-fixture';

const loopback = (port: number) => `http://127.0.0.1:${port}/callback`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

describe('the OpenID Provider under /oidc', () => {
  it('publishes a discovery document for code + PKCE S256 with iss in responses, and no implicit or password grant', async () => {
    const { server, origin } = await startServerWithAna();
    expect(server.issuer).toBe(`${origin}/oidc`);
    const response = await fetch(`${origin}/oidc/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: server.issuer,
      authorization_endpoint: `${server.issuer}/auth`,
      token_endpoint: `${server.issuer}/token`,
      jwks_uri: `${server.issuer}/jwks`,
      device_authorization_endpoint: `${server.issuer}/device/auth`,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      response_types_supported: ['code'],
      scopes_supported: expect.arrayContaining(['openid', 'email', 'profile', 'offline_access']) as unknown,
    });
    const grants = metadata.grant_types_supported as string[];
    expect([...grants].sort()).toEqual([
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
    ]);
    expect(grants).not.toContain('implicit');
    expect(grants).not.toContain('password');
  });

  it('signs Ana in through the sign-in page with a loopback redirect on any port, with iss in the callback', async () => {
    const { server, origin } = await startServerWithAna();
    const config = await keywayClient(server.issuer);
    for (const port of [49152, 61234]) {
      const started = await authorize(config, origin, { redirectUri: loopback(port), loginHint: ANA.email });
      expect(started.landed.url).toMatch(new RegExp(`^${origin}/oidc/interaction/[\\w-]+$`));
      const { url } = await submitSignIn(started, origin, ANA.password);
      const callback = new URL(url);
      expect(`${callback.origin}${callback.pathname}`).toBe(loopback(port));
      expect(callback.searchParams.get('iss')).toBe(server.issuer);
      expect(callback.searchParams.get('state')).toBe(started.state);

      const tokens = await redeem(config, started, url);
      expect(tokens.token_type.toLowerCase()).toBe('bearer');
      expect(tokens.expires_in).toBe(600);
      expect(tokens.refresh_token).toEqual(expect.any(String));
      expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'offline_access', 'openid', 'profile']);
      expect(tokens.claims()).toMatchObject({
        iss: server.issuer,
        aud: KEYWAY_OIDC_CLIENT_ID,
        email: ANA.email,
        email_verified: true,
        name: ANA.displayName,
        preferred_username: ANA.loginId,
        nonce: started.nonce,
      });
    }
    // The IPv6 loopback works the same way.
    const tokens = await signInWithOidc(config, origin, ANA.password, {
      redirectUri: 'http://[::1]:50000/callback',
      loginHint: ANA.loginId,
    });
    expect(tokens.claims()?.preferred_username).toBe(ANA.loginId);
  });

  it('refuses localhost, other hosts and unregistered paths as redirect URIs, without redirecting', async () => {
    const { server, origin } = await startServerWithAna();
    const config = await keywayClient(server.issuer);
    for (const redirectUri of [
      'http://localhost:49152/callback',
      'http://example.com:49152/callback',
      'https://127.0.0.1:49152/callback',
      'http://127.0.0.1:49152/other',
      'dev.keyway.app:/elsewhere',
    ]) {
      const started = await authorize(config, origin, { redirectUri });
      const { landed } = started;
      expect(landed.response.status, redirectUri).toBe(400);
      expect(landed.response.headers.get('location'), redirectUri).toBeNull();
      const page = started.html;
      expect(page).toContain('<h1>Sign-in could not continue</h1>');
      expect(page).toContain('redirect_uri');
    }
  });

  it('requires PKCE with S256: a missing challenge or the plain method is refused at the redirect URI', async () => {
    const { server, origin } = await startServerWithAna();
    const config = await keywayClient(server.issuer);
    const cases = [{ code_challenge: undefined, code_challenge_method: undefined }, { code_challenge_method: 'plain' }];
    for (const extra of cases) {
      const { landed } = await authorize(config, origin, { redirectUri: loopback(49152), extra });
      const callback = new URL(landed.url);
      expect(`${callback.origin}${callback.pathname}`).toBe(loopback(49152));
      expect(callback.searchParams.get('error'), JSON.stringify(extra)).toBe('invalid_request');
      expect(callback.searchParams.get('iss')).toBe(server.issuer);
      expect(callback.searchParams.has('code')).toBe(false);
    }
    // The verifier must match the challenge.
    const started = await authorize(config, origin, { redirectUri: loopback(49152), loginHint: ANA.loginId });
    const { url } = await submitSignIn(started, origin, ANA.password);
    await expect(redeem(config, { ...started, verifier: client.randomPKCECodeVerifier() }, url)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('rotates refresh tokens; a replayed one fails and ends the grant', async () => {
    const { server, origin } = await startServerWithAna();
    const config = await keywayClient(server.issuer);
    const first = await signInWithOidc(config, origin, ANA.password, {
      redirectUri: loopback(49152),
      loginHint: ANA.loginId,
    });
    const firstRefresh = first.refresh_token ?? '';

    const second = await client.refreshTokenGrant(config, firstRefresh);
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(firstRefresh);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.claims()?.email).toBe(ANA.email);
    const userinfo = await client.fetchUserInfo(config, second.access_token, second.claims()?.sub ?? '');
    expect(userinfo.preferred_username).toBe(ANA.loginId);

    await expect(client.refreshTokenGrant(config, firstRefresh)).rejects.toMatchObject({ error: 'invalid_grant' });
    // Someone replayed a used token: the newest one, whoever holds it, stops working too.
    await expect(client.refreshTokenGrant(config, second.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('takes an authorization code once; a replay fails and revokes what the code gave', async () => {
    const { server, origin } = await startServerWithAna();
    const config = await keywayClient(server.issuer);
    const started = await authorize(config, origin, { redirectUri: loopback(49152), loginHint: ANA.loginId });
    const { url } = await submitSignIn(started, origin, ANA.password);
    const tokens = await redeem(config, started, url);

    await expect(redeem(config, started, url)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('redirects to the private-use scheme callback', async () => {
    const { server, origin } = await startServerWithAna();
    const config = await keywayClient(server.issuer);
    const started = await authorize(config, origin, {
      redirectUri: 'dev.keyway.app:/oauth/callback',
      loginHint: ANA.loginId,
    });
    const { url } = await submitSignIn(started, origin, ANA.password);
    expect(url).toMatch(/^dev\.keyway\.app:\/oauth\/callback\?code=/);
    const tokens = await redeem(config, started, url);
    expect(tokens.claims()?.preferred_username).toBe(ANA.loginId);
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it('revokes a refresh token on request (sign-out)', async () => {
    const { server, origin } = await startServerWithAna();
    const config = await keywayClient(server.issuer);
    const tokens = await signInWithOidc(config, origin, ANA.password, {
      redirectUri: loopback(49152),
      loginHint: ANA.loginId,
    });
    await client.tokenRevocation(config, tokens.refresh_token ?? '');
    await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('follows an https public origin behind a TLS proxy: https URLs and Secure cookies, whatever headers say', async () => {
    const port = await freePort();
    const { server } = await startServerWithAna({ port, publicOrigin: 'https://keyway.example' });
    expect(server.issuer).toBe('https://keyway.example/oidc');
    const spoofed = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' };
    const local = `http://127.0.0.1:${port}/oidc`;

    const metadata = (await (
      await fetch(`${local}/.well-known/openid-configuration`, { headers: spoofed })
    ).json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe('https://keyway.example/oidc');
    expect(metadata.authorization_endpoint).toBe('https://keyway.example/oidc/auth');
    expect(metadata.token_endpoint).toBe('https://keyway.example/oidc/token');

    const query = new URLSearchParams({
      client_id: KEYWAY_OIDC_CLIENT_ID,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: loopback(49152),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const response = await fetch(`${local}/auth?${query.toString()}`, { headers: spoofed, redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/oidc\/interaction\/[\w-]+$/);
    const cookies = response.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie, cookie).toMatch(/; secure/i);
  });
});
