import * as OTPAuth from 'otpauth';
import { describe, expect, it, vi } from 'vitest';
import { signInThroughProvider } from '../support/provider-pages';
import { keywayAuthorization } from '../support/sso-browser';
import { outboxEmailCode, startMfaServer } from './server/mfa-fixture';
import { ANA, startServerWithAna, type TestServer } from './server/server-fixture';

/**
 * The scripted browser of the provider-page driver (test/support/provider-pages.ts) against the real
 * provider, for what the unified-login tests rely on: it returns the loopback callback without requesting
 * it; it says why when the provider refuses, instead of posting the password again; it stops at a step it
 * has no answer for; and with answers it goes through every page of a first enrolment, recovery codes
 * included.
 */

const LOOPBACK = 'http://127.0.0.1:49153/callback';
const atLoopback = (url: URL) => url.href.startsWith(LOOPBACK);

/** The latest e-mailed code; mail leaves after the commit (server/mfa/notices.ts), so it is waited for. */
function mailedCode(test: TestServer): Promise<string> {
  return vi.waitFor(
    async () => {
      const code = await outboxEmailCode(test);
      if (!/^\d{6}$/.test(code)) throw new Error('no code mailed yet');
      return code;
    },
    { timeout: 15_000, interval: 100 },
  );
}

describe('signInThroughProvider against the reference provider', () => {
  it('signs in and stops at the loopback callback, whose code redeems for the user', async () => {
    const test = await startServerWithAna();
    const { url, redeem } = await keywayAuthorization(test.server.issuer, {
      redirectUri: LOOPBACK,
      loginHint: ANA.email,
    });
    const callback = await signInThroughProvider(url.href, ANA.password, atLoopback);
    expect(callback.href).toMatch(new RegExp(`^${LOOPBACK}\\?code=`));
    expect((await redeem(callback)).claims()?.preferred_username).toBe(ANA.loginId);
  });

  it('throws with the provider’s reason when the password is refused (the form shown again)', async () => {
    const test = await startServerWithAna();
    const { url } = await keywayAuthorization(test.server.issuer, { redirectUri: LOOPBACK, loginHint: ANA.email });
    await expect(signInThroughProvider(url.href, 'not the password', atLoopback)).rejects.toThrow(
      /stopped at "Sign in".*: The login ID or password is not correct/,
    );
  });

  it('stops at a second step it has no answer for; with answers it enrols, passes the recovery codes and returns', async () => {
    const test = await startMfaServer({ mode: 'enforced', channels: 'totp,email' });
    await test.server.admin.setSignInMethod(ANA.loginId, 'oidc');
    const first = await keywayAuthorization(test.server.issuer, { redirectUri: LOOPBACK, loginHint: ANA.email });
    await expect(signInThroughProvider(first.url.href, ANA.password, atLoopback)).rejects.toThrow(
      /No answer for the provider's "Verify it's you" \(mfa-choice\)/,
    );

    const seen: string[] = [];
    const second = await keywayAuthorization(test.server.issuer, { redirectUri: LOOPBACK, loginHint: ANA.email });
    const callback = await signInThroughProvider(second.url.href, ANA.password, atLoopback, async (page) => {
      seen.push(page.kind);
      if (page.kind === 'mfa-choice') return { channel: 'enroll' };
      // Before the key is shown, the e-mailed code proves it is Ana.
      if (page.kind === 'code') return { code: await mailedCode(test) };
      if (page.kind !== 'enrolment') return undefined;
      return {
        code: new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(page.key) }).generate({ timestamp: test.now() }),
      };
    });
    expect(seen).toEqual(['mfa-choice', 'code', 'enrolment']);
    expect(callback.href).toMatch(new RegExp(`^${LOOPBACK}\\?code=`));
    expect((await second.redeem(callback)).claims()?.preferred_username).toBe(ANA.loginId);
  });
});
