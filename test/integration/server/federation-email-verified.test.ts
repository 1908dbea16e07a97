import { describe, expect, it, onTestFinished } from 'vitest';
import { parseHtml, text } from '../../support/html';
import { formOn, keywayAuthorization } from '../../support/sso-browser';
import { startUpstreamOidc, type UpstreamAccount, type UpstreamOidc } from '../../support/upstream-oidc';
import { ANA, startServerWithAna, type TestServer } from './server-fixture';
import { Browser } from '../../support/browser';

/**
 * An upstream OpenID provider's e-mail address picks a Keyway account only when the provider vouches for
 * it (`email_verified: true`) or its domain is routed there. An identity WITHOUT the claim at all (many
 * providers simply omit it) must be treated like `false`: otherwise anyone who can set any address at a
 * permissive upstream signs in as the Keyway user with that address, or gets an account made for it.
 */
const REDIRECT_URI = 'http://127.0.0.1:1/callback';

interface World {
  test: TestServer;
  upstream: UpstreamOidc;
}

async function world(account: UpstreamAccount, jit: boolean): Promise<World> {
  const test = await startServerWithAna();
  const upstream = await startUpstreamOidc({ redirectUri: `${test.origin}/sso/oidc/okta/callback` });
  onTestFinished(() => upstream.close());
  upstream.accounts.set(account.sub, account);
  upstream.signInAs = account.sub;
  await test.server.admin.identityProviders.addOidc({
    id: 'okta',
    displayName: 'Okta',
    issuer: upstream.issuer,
    clientId: upstream.clientId,
    clientSecret: upstream.clientSecret,
    jit,
  });
  return { test, upstream };
}

/** Keyway → "Login with Okta" → the upstream signs in `signInAs` → the broker's answer. */
async function signInThroughUpstream(w: World) {
  const authorization = await keywayAuthorization(w.test.server.issuer, { redirectUri: REDIRECT_URI });
  const browser = new Browser();
  const atUpstream = (url: URL): boolean => url.origin === w.upstream.issuer;
  let landed = await browser.follow(await browser.get(authorization.url), atUpstream);
  if (!atUpstream(landed.url)) {
    const button = formOn(await landed.response.text(), landed.url, /\/sso\/okta$/);
    landed = await browser.follow(await browser.post(button.action, button.fields), atUpstream);
  }
  const callback = await browser.follow(await browser.get(landed.url), (url) =>
    url.pathname.startsWith('/sso/oidc/okta/callback'),
  );
  const done = await browser.follow(await browser.get(callback.url), (url) => url.href.startsWith(REDIRECT_URI));
  return { done, redeem: authorization.redeem };
}

async function refusal(done: { response: Response; url: URL }): Promise<{ code: string; message: string } | null> {
  if (done.url.href.startsWith(REDIRECT_URI)) return null;
  const page = await done.response.text();
  const alert = parseHtml(page).querySelector('p.error[role="alert"][data-code]');
  return alert
    ? { code: alert.getAttribute('data-code') ?? '', message: text(alert) }
    : { code: 'unknown', message: page };
}

describe('federation: an upstream address without email_verified is not trusted', () => {
  it('baseline: the same upstream account WITH email_verified: true signs in as Ana', async () => {
    const w = await world({ sub: 'up-1', email: ANA.email, email_verified: true }, false);
    const { done, redeem } = await signInThroughUpstream(w);
    expect(await refusal(done)).toBeNull();
    expect((await redeem(done.url)).claims()).toMatchObject({ preferred_username: ANA.loginId });
  });

  it('no email_verified claim at all: Ana’s address does not sign in as Ana', async () => {
    const w = await world({ sub: 'up-attacker', email: ANA.email, name: 'Not Ana' }, false);
    const { done } = await signInThroughUpstream(w);
    expect(done.response.status).toBe(403);
    expect(await refusal(done)).toMatchObject({
      code: 'sso_no_account',
      message: expect.stringMatching(/does not vouch for that address/) as unknown,
    });
  });

  it('no email_verified claim, just-in-time provisioning on: no account is created for the address', async () => {
    const w = await world({ sub: 'up-new', email: 'newcomer@example.com', name: 'New Comer' }, true);
    const { done } = await signInThroughUpstream(w);
    expect(await refusal(done)).toMatchObject({ code: 'sso_no_account' });
    expect(await w.test.server.admin.findUser('newcomer@example.com')).toBeUndefined();
  });
});
