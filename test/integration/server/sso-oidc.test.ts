import { describe, expect, it, onTestFinished } from 'vitest';
import type { OidcProviderInput } from '../../../server/federation/provider-admin';
import { storedBytes } from '../../support/stored-data';
import { firstText } from '../../support/html';
import { formOn, keywayAuthorization } from '../../support/sso-browser';
import { startUpstreamOidc, type UpstreamAccount, type UpstreamOidc } from '../../support/upstream-oidc';
import { ANA, postJson, startServerWithAna, type TestServer } from './server-fixture';
import { Browser } from '../../support/browser';

const REDIRECT_URI = 'http://127.0.0.1:1/callback';
const ANA_UPSTREAM: UpstreamAccount = { sub: 'okta-0001', email: ANA.email, email_verified: true, name: 'Ana Example' };

interface World {
  test: TestServer;
  upstream: UpstreamOidc;
}

async function oidcWorld(
  settings: Partial<OidcProviderInput> = {},
  authMethod: 'client_secret_basic' | 'client_secret_post' = 'client_secret_basic',
): Promise<World> {
  const test = await startServerWithAna();
  const upstream = await startUpstreamOidc({ redirectUri: `${test.origin}/sso/oidc/okta/callback`, authMethod });
  onTestFinished(() => upstream.close());
  upstream.accounts.set(ANA_UPSTREAM.sub, ANA_UPSTREAM);
  upstream.signInAs = ANA_UPSTREAM.sub;
  await test.server.admin.identityProviders.addOidc({
    id: 'okta',
    displayName: 'Okta',
    issuer: upstream.issuer,
    clientId: upstream.clientId,
    clientSecret: upstream.clientSecret,
    tokenEndpointAuthMethod: authMethod,
    ...settings,
  });
  return { test, upstream };
}

interface Journey {
  browser: Browser;
  redeem: Awaited<ReturnType<typeof keywayAuthorization>>['redeem'];
  /** The upstream's redirect back to the broker's callback (not yet requested). */
  callback: URL;
  sawSignInPage: boolean;
}

/** Keyway → provider page → "Login with Okta" → upstream (signs in as upstream.signInAs) → back at the broker. */
async function toCallback(world: World, loginHint?: string): Promise<Journey> {
  const authorization = await keywayAuthorization(world.test.server.issuer, {
    redirectUri: REDIRECT_URI,
    ...(loginHint === undefined ? {} : { loginHint }),
  });
  const browser = new Browser();
  const atUpstream = (url: URL): boolean => url.origin === world.upstream.issuer;
  let landed = await browser.follow(await browser.get(authorization.url), atUpstream);
  const sawSignInPage = !atUpstream(landed.url);
  if (sawSignInPage) {
    const page = await landed.response.text();
    const button = formOn(page, landed.url, /\/sso\/okta$/);
    landed = await browser.follow(await browser.post(button.action, button.fields), atUpstream);
  }
  expect(landed.url.searchParams.get('code_challenge_method')).toBe('S256');
  expect(landed.url.searchParams.get('login_hint')).toBe(loginHint ?? null);
  expect(landed.url.searchParams.get('nonce')).not.toBeNull();
  const callback = await browser.follow(await browser.get(landed.url), (url) =>
    url.pathname.startsWith('/sso/oidc/okta/callback'),
  );
  return { browser, redeem: authorization.redeem, callback: callback.url, sawSignInPage };
}

async function finish(journey: Journey, callback = journey.callback): Promise<{ response: Response; url: URL }> {
  return journey.browser.follow(await journey.browser.get(callback), (url) => url.href.startsWith(REDIRECT_URI));
}

async function expectRefused(
  landed: { response: Response; url: URL },
  code: string,
  message: RegExp,
  status = 400,
): Promise<void> {
  expect(landed.url.href.startsWith(REDIRECT_URI)).toBe(false);
  expect(landed.response.status).toBe(status);
  const page = await landed.response.text();
  const alert = firstText(page, `p.error[role="alert"][data-code="${code}"]`);
  expect(alert, page).toBeDefined();
  expect(alert ?? '').toMatch(message);
}

describe('an upstream OpenID provider brokered by the OpenID Provider', () => {
  it('"Login with Okta" → code + PKCE + state + nonce at the upstream → Keyway gets tokens for the verified address', async () => {
    const world = await oidcWorld();
    const journey = await toCallback(world);
    expect(journey.sawSignInPage).toBe(true);
    // RFC 9207: the upstream names itself in the redirect, and the broker checks it.
    expect(journey.callback.searchParams.get('iss')).toBe(world.upstream.issuer);
    const landed = await finish(journey);
    const tokens = await journey.redeem(landed.url);
    expect(tokens.claims()).toMatchObject({ preferred_username: ANA.loginId, email: ANA.email });

    // The link now decides: the same upstream account with another (even unverified) address is still Ana.
    world.upstream.accounts.set(ANA_UPSTREAM.sub, {
      ...ANA_UPSTREAM,
      email: 'a@elsewhere.example',
      email_verified: false,
    });
    const again = await toCallback(world);
    expect((await again.redeem((await finish(again)).url)).claims()?.preferred_username).toBe(ANA.loginId);
  });

  it('authenticates to the upstream with client_secret_post too', async () => {
    const world = await oidcWorld({}, 'client_secret_post');
    const journey = await toCallback(world);
    expect((await journey.redeem((await finish(journey)).url)).claims()?.preferred_username).toBe(ANA.loginId);
  });

  it('routes a domain straight to the upstream, passing the login hint on', async () => {
    const world = await oidcWorld({ domains: ['example.com'] });
    const discovery = await postJson(world.test.origin, '/api/v1/discovery', { loginId: ANA.email });
    expect(discovery.body).toMatchObject({ signIn: { method: 'oidc' } });
    const journey = await toCallback(world, ANA.email);
    expect(journey.sawSignInPage).toBe(false);
    expect((await journey.redeem((await finish(journey)).url)).claims()?.preferred_username).toBe(ANA.loginId);
  });

  it('an unverified address is not enough to find an account, unless its domain is routed to the provider', async () => {
    const world = await oidcWorld();
    world.upstream.accounts.set(ANA_UPSTREAM.sub, { ...ANA_UPSTREAM, email_verified: false });
    await expectRefused(
      await finish(await toCallback(world)),
      'sso_no_account',
      /does not vouch for that address/,
      403,
    );

    await world.test.server.admin.identityProviders.addOidc({
      id: 'okta',
      displayName: 'Okta',
      issuer: world.upstream.issuer,
      clientId: world.upstream.clientId,
      domains: ['example.com'],
      replace: true,
    });
    const journey = await toCallback(world);
    expect((await journey.redeem((await finish(journey)).url)).claims()?.preferred_username).toBe(ANA.loginId);
  });

  it('creates an unknown person just in time only when the provider allows it', async () => {
    const world = await oidcWorld();
    world.upstream.accounts.set('okta-0002', {
      sub: 'okta-0002',
      email: 'cy@example.com',
      email_verified: true,
      name: 'Cy Newcomer',
    });
    world.upstream.signInAs = 'okta-0002';
    await expectRefused(await finish(await toCallback(world)), 'sso_no_account', /no Keyway account for you/, 403);
    expect(await world.test.server.admin.findUser('cy@example.com')).toBeUndefined();

    await world.test.server.admin.identityProviders.addOidc({
      id: 'okta',
      displayName: 'Okta',
      issuer: world.upstream.issuer,
      clientId: world.upstream.clientId,
      jit: true,
      replace: true,
    });
    const journey = await toCallback(world);
    expect((await journey.redeem((await finish(journey)).url)).claims()).toMatchObject({
      preferred_username: 'cy@example.com',
      name: 'Cy Newcomer',
    });
  });

  it('does not hand an account linked to one upstream person to another with the same address', async () => {
    const world = await oidcWorld();
    await finish(await toCallback(world));
    world.upstream.accounts.set('okta-9999', { sub: 'okta-9999', email: ANA.email, email_verified: true });
    world.upstream.signInAs = 'okta-9999';
    await expectRefused(
      await finish(await toCallback(world)),
      'sso_link_conflict',
      /already linked to another account at Okta/,
      409,
    );
  });

  it('says so when the user refuses at the upstream', async () => {
    const world = await oidcWorld();
    world.upstream.signInAs = 'deny';
    await expectRefused(
      await finish(await toCallback(world)),
      'oidc_upstream_error',
      /Okta did not sign you in \(access_denied/,
    );
  });

  it('refuses a callback whose iss is another issuer (mix-up), a forged state, and a replayed callback', async () => {
    const world = await oidcWorld();
    const mixedUp = await toCallback(world);
    const forgedIss = new URL(mixedUp.callback);
    forgedIss.searchParams.set('iss', 'https://evil.example');
    await expectRefused(await finish(mixedUp, forgedIss), 'oidc_upstream_issuer_mismatch', /another issuer than Okta/);

    const forged = await toCallback(world);
    const forgedState = new URL(forged.callback);
    forgedState.searchParams.set('state', 'made-up-by-an-attacker');
    await expectRefused(await finish(forged, forgedState), 'sso_not_requested', /did not start this sign-in/);

    const replayed = await toCallback(world);
    await finish(replayed);
    await expectRefused(await finish(replayed), 'sso_replayed', /has been used before/, 409);
  });

  it('keeps the client secret sealed: not in the database, the admin listing or the log', async () => {
    const world = await oidcWorld();
    await finish(await toCallback(world));
    const listed = JSON.stringify(await world.test.server.admin.identityProviders.list());
    expect(listed).not.toContain(world.upstream.clientSecret);
    expect(world.test.logLines.join('\n')).not.toContain(world.upstream.clientSecret);
    // Every byte the server stored, on either engine, not just the providers' table.
    const stored = (await storedBytes(world.test)).toString('latin1');
    expect(stored).toContain('okta');
    expect(stored).not.toContain(world.upstream.clientSecret);
  });

  it('says the provider cannot be reached when its issuer does not answer', async () => {
    const world = await oidcWorld();
    await world.upstream.close();
    const authorization = await keywayAuthorization(world.test.server.issuer, { redirectUri: REDIRECT_URI });
    const browser = new Browser();
    const page = await browser.follow(await browser.get(authorization.url));
    const button = formOn(await page.response.text(), page.url, /\/sso\/okta$/);
    const landed = await browser.follow(await browser.post(button.action, button.fields));
    await expectRefused(landed, 'sso_unavailable', /Okta cannot be reached right now/, 502);
  });
});
