import path from 'node:path';
import { openSqlite } from '../../../server/storage/sqlite';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { startReferenceServer } from '../../../server/index';
import { authorize, keywayClient, redeem, submitSignIn } from './oidc-fixture';
import { ANA, tempDir } from './server-fixture';

async function jwks(issuer: string): Promise<{ keys: { kid: string; kty: string; d?: string }[] }> {
  return (await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string; kty: string; d?: string }[] };
}

describe('OpenID Provider state across restarts', () => {
  it('keeps its signing key, sessions and refresh tokens in the data dir', async () => {
    const dataDir = tempDir();
    const first = await startReferenceServer({ dataDir });
    let second;
    try {
      await first.admin.createUser({ ...ANA, sendWelcomeEmail: false });
      const before = await jwks(first.issuer);
      expect(before.keys).toHaveLength(1);
      expect(before.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(before.keys[0]?.d).toBeUndefined();

      const config = await keywayClient(first.issuer);
      const started = await authorize(config, first.origin, {
        redirectUri: 'http://127.0.0.1:49152/callback',
        loginHint: ANA.loginId,
      });
      const { url } = await submitSignIn(started, first.origin, ANA.password);
      const tokens = await redeem(config, started, url);
      await first.close();
      // Let this process's fetch see the old server's keep-alive sockets close before reusing the port.
      await new Promise((resolve) => setTimeout(resolve, 50));

      // Same port, so the same issuer.
      second = await startReferenceServer({ dataDir, port: Number(new URL(first.origin).port) });
      expect(second.issuer).toBe(first.issuer);
      expect(await jwks(second.issuer)).toEqual(before);

      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
      expect(refreshed.claims()?.preferred_username).toBe(ANA.loginId);

      // The browser session survived too: signing in again needs no password, only "Continue as Ana".
      const again = await authorize(config, second.origin, {
        redirectUri: 'http://127.0.0.1:49152/callback',
        browser: started.browser,
      });
      expect(again.html).toContain('<h1>Continue as Ana Example?</h1>');
      expect(again.html).not.toContain('type="password"');
    } finally {
      await first.close();
      await second?.close();
    }

    // Nothing the provider keeps lives only in memory.
    const db = openSqlite(path.join(dataDir, 'keyway.sqlite'), { readonly: true });
    const models = db
      .prepare<[], { model: string }>('SELECT DISTINCT model FROM oidc_payloads ORDER BY model')
      .all()
      .map((row) => row.model);
    const kinds = db
      .prepare<[], { kind: string }>('SELECT kind FROM oidc_keys ORDER BY kind')
      .all()
      .map((row) => row.kind);
    db.close();
    expect(models).toEqual(expect.arrayContaining(['Grant', 'RefreshToken', 'Session']));
    expect(kinds).toEqual(['cookie', 'csrf', 'signing']);
  });
});
