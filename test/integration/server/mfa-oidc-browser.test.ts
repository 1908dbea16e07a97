import type { Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { chromiumPerFile, type InspectedPage } from '../../support/chromium-per-file';
import { loopbackReceiver } from '../../support/loopback-receiver';
import {
  chooseProviderMfaWay,
  completeProviderMfa,
  readProviderEnrollmentKey,
  signInAtProvider,
} from '../../support/provider-pages';
import { outboxEmailCode, startMfaServer } from './mfa-fixture';
import { keywayClient } from './oidc-fixture';
import { ANA, type TestServer } from './server-fixture';

function codeAt(secret: string, test: TestServer): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: test.now() });
}

const chromiumFile = chromiumPerFile();

describe('MFA on the provider pages in real Chromium', () => {
  it('enrols with the key from the page, then verifies on the next sign-in, under the page CSP', async () => {
    const test = await startMfaServer({ mode: 'enforced', channels: 'totp,email' });
    await test.server.admin.setSignInMethod(ANA.loginId, 'oidc');
    const config = await keywayClient(test.server.issuer);
    const { redirectUri, received } = await loopbackReceiver();
    const authorizationUrl = async (state: string) =>
      client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid email profile offline_access',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        state,
        login_hint: ANA.email,
      }).href;

    const inspected: InspectedPage[] = [];
    const newPage = async (): Promise<Page> => {
      // A fresh context each time: no provider session, so the password and MFA are asked again.
      const next = await chromiumFile.newPage();
      inspected.push(next);
      return next.page;
    };

    const first = await newPage();
    await first.goto(await authorizationUrl('state-1'));
    await signInAtProvider(first, ANA.password);
    await chooseProviderMfaWay(first, /Set up an authenticator app/);
    // The password alone does not open enrolment: the e-mailed code proves it is Ana first.
    await first.getByText('Before you set up an authenticator app, confirm it is you').waitFor();
    expect(await first.locator('figure.qr').count()).toBe(0);
    await first.getByLabel('6-digit code', { exact: true }).fill(await outboxEmailCode(test));
    await Promise.all([first.waitForEvent('load'), first.getByRole('button', { name: 'Continue' }).click()]);
    const secret = await readProviderEnrollmentKey(first);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await first.locator('figure.qr svg').isVisible()).toBe(true);
    const right = codeAt(secret, test);
    await expect(completeProviderMfa(first, right === '000000' ? '111111' : '000000')).rejects.toThrow(
      /did not accept the code: That code is not right/,
    );
    await completeProviderMfa(first, right);
    expect(first.url()).toMatch(new RegExp(`^${redirectUri}\\?code=.*state=state-1`));

    test.advance(30_000);
    const second = await newPage();
    await second.goto(await authorizationUrl('state-2'));
    await signInAtProvider(second, ANA.password);
    await chooseProviderMfaWay(second, /Use my authenticator app/);
    await completeProviderMfa(second, codeAt(secret, test));
    expect(second.url()).toMatch(new RegExp(`^${redirectUri}\\?code=.*state=state-2`));
    // Chromium may also ask the receiver for a favicon; only callbacks count.
    expect(received.filter((url) => url.startsWith('/callback?'))).toHaveLength(2);
    expect(inspected.flatMap((p) => p.violations)).toEqual([]);
  });
});
