import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { chromiumPerFile } from '../../support/chromium-per-file';
import { loopbackReceiver } from '../../support/loopback-receiver';
import { signInAtProvider } from '../../support/provider-pages';
import { keywayClient } from './oidc-fixture';
import { ANA, startServerWithAna } from './server-fixture';

// One Chromium for the file, a fresh context (no cookies, no provider session) per page.
const chromiumFile = chromiumPerFile();

describe('the sign-in page in real Chromium', () => {
  it('signs in with signInAtProvider under the page CSP and reaches the loopback callback', async () => {
    const { server } = await startServerWithAna();
    const config = await keywayClient(server.issuer);
    const { redirectUri, received } = await loopbackReceiver();
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'state-1',
      login_hint: ANA.email,
    });

    const { page, violations } = await chromiumFile.newPage();
    await page.goto(url.href);
    await expect(signInAtProvider(page, 'not the password')).rejects.toThrow(/The login ID or password is not correct/);
    await signInAtProvider(page, ANA.password);

    expect(page.url()).toMatch(new RegExp(`^${redirectUri}\\?code=`));
    // Chromium may also ask the receiver for /favicon.ico once the page has loaded; only callbacks count.
    const callbacks = received.filter((url) => url.startsWith('/callback?'));
    expect(callbacks).toHaveLength(1);
    const tokens = await client.authorizationCodeGrant(config, new URL(callbacks[0] ?? '', redirectUri), {
      pkceCodeVerifier: verifier,
      expectedState: 'state-1',
    });
    expect(tokens.claims()?.preferred_username).toBe(ANA.loginId);
    expect(violations).toEqual([]);
  });
});
