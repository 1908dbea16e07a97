import { X509Certificate } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { SamlProviderInput } from '../../../server/federation/provider-admin';
import {
  rsaCertificate,
  startSamlIdp,
  type IdpUser,
  type ReceivedRequest,
  type ResponseOptions,
  type TestSamlIdp,
} from '../../support/saml-idp';
import { fieldValue, firstText } from '../../support/html';
import { formOn, keywayAuthorization } from '../../support/sso-browser';
import { ANA, postJson, startServerWithAna, startTestServer, type TestServer } from './server-fixture';
import { Browser, PageBrowser } from '../../support/browser';

/** Keyway's loopback callback; never requested, the browser stops at it. */
const REDIRECT_URI = 'http://127.0.0.1:1/callback';
const ANA_AT_IDP: IdpUser = { nameId: 'ana@example.com', email: 'ana@example.com', displayName: 'Ana Example' };

interface World {
  test: TestServer;
  idp: TestSamlIdp;
}

async function samlWorld(settings: Partial<SamlProviderInput> = {}): Promise<World> {
  const test = await startServerWithAna();
  const idp = await startSamlIdp({ spMetadataUrl: () => `${test.origin}/sso/saml/corp/metadata` });
  onTestFinished(() => idp.close());
  await test.server.admin.identityProviders.addSaml({
    id: 'corp',
    displayName: 'Corp SSO',
    metadataXml: idp.metadataXml,
    ...settings,
  });
  return { test, idp };
}

interface AtIdp {
  browser: Browser;
  request: ReceivedRequest;
  redeem: Awaited<ReturnType<typeof keywayAuthorization>>['redeem'];
  /** Whether the provider showed its sign-in page (false: home-realm routing went straight to the IdP). */
  sawSignInPage: boolean;
}

/** Keyway opens /oidc/auth in the browser; the user presses "Login with Corp SSO" if the page shows. */
async function toIdp(world: World, loginHint?: string): Promise<AtIdp> {
  const authorization = await keywayAuthorization(world.test.server.issuer, {
    redirectUri: REDIRECT_URI,
    ...(loginHint === undefined ? {} : { loginHint }),
  });
  const browser = new Browser();
  const atIdp = (url: URL): boolean => url.origin === world.idp.origin;
  let landed = await browser.follow(await browser.get(authorization.url), atIdp);
  const sawSignInPage = !atIdp(landed.url);
  if (sawSignInPage) {
    const page = await landed.response.text();
    expect(page).toContain('Login with Corp SSO');
    const button = formOn(page, landed.url, /\/sso\/corp$/);
    landed = await browser.follow(await browser.post(button.action, button.fields), atIdp);
  }
  // The test IdP checks the AuthnRequest's signature with the certificate from Keyway's SP metadata.
  const request = await world.idp.receive(landed.url);
  return { browser, request, redeem: authorization.redeem, sawSignInPage };
}

/** The browser posts the IdP's answer to the ACS and follows where the server sends it. */
async function postAnswer(
  world: World,
  at: AtIdp,
  user: IdpUser = ANA_AT_IDP,
  options: ResponseOptions = {},
): Promise<{ response: Response; url: URL }> {
  const answer = world.idp.respond(at.request, user, options);
  return at.browser.follow(await at.browser.post(answer.acsUrl, answer.form), (url) =>
    url.href.startsWith(REDIRECT_URI),
  );
}

async function expectRefused(
  landed: { response: Response; url: URL },
  code: string,
  message: RegExp,
  status = 400,
): Promise<string> {
  expect(landed.url.href.startsWith(REDIRECT_URI)).toBe(false);
  expect(landed.response.status).toBe(status);
  const page = await landed.response.text();
  const alert = firstText(page, `p.error[role="alert"][data-code="${code}"]`);
  expect(alert, page).toBeDefined();
  expect(alert ?? '').toMatch(message);
  return page;
}

describe('SAML 2.0 sign-in brokered by the OpenID Provider', () => {
  it('"Login with Corp SSO" → signed AuthnRequest → signed assertion → Keyway gets tokens for the matching user', async () => {
    const world = await samlWorld();
    const at = await toIdp(world);
    expect(at.sawSignInPage).toBe(true);
    expect(at.request.acsUrl).toBe(`${world.test.origin}/sso/saml/corp/acs`);
    expect(at.request.destination).toBe(world.idp.ssoUrl);
    expect(at.request.relayState).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const landed = await postAnswer(world, at);
    expect(landed.url.href).toMatch(new RegExp(`^${REDIRECT_URI}\\?code=`));
    const tokens = await at.redeem(landed.url);
    expect(tokens.claims()).toMatchObject({ preferred_username: ANA.loginId, email: ANA.email });
    // No password was used: the ID token claims no "pwd" method.
    expect(tokens.claims()?.amr).toBeUndefined();
    expect(tokens.refresh_token).toBeDefined();
  });

  it('publishes SP metadata with the entity ID, the ACS and the certificate that signs its requests', async () => {
    const world = await samlWorld();
    const response = await fetch(`${world.test.origin}/sso/saml/corp/metadata`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/samlmetadata\+xml/);
    const xml = await response.text();
    expect(xml).toContain(`entityID="${world.test.origin}/sso/saml/corp/metadata"`);
    expect(xml).toContain(`Location="${world.test.origin}/sso/saml/corp/acs"`);
    expect(xml).toContain('AuthnRequestsSigned="true"');
    const body = /<ds:X509Certificate>([^<]+)</.exec(xml)?.[1] ?? '';
    const certificate = new X509Certificate(Buffer.from(body, 'base64'));
    expect(certificate.publicKey.asymmetricKeyType).toBe('rsa');

    // Stable across restarts: the same key signs after the server starts again on its data dir.
    await world.test.server.close();
    const again = await startTestServer({ dataDir: world.test.dataDir });
    const reread = await (await fetch(`${again.origin}/sso/saml/corp/metadata`)).text();
    expect(/<ds:X509Certificate>([^<]+)</.exec(reread)?.[1]).toBe(body);
    expect((await fetch(`${again.origin}/sso/saml/nobody/metadata`)).status).toBe(404);
  });

  it('routes a domain straight to its IdP (no click), and discovery tells Keyway to use the browser', async () => {
    const world = await samlWorld({ domains: ['example.com'] });
    const discovery = await postJson(world.test.origin, '/api/v1/discovery', { loginId: 'ana@example.com' });
    expect(discovery.body).toMatchObject({ signIn: { method: 'oidc', issuer: world.test.server.issuer } });

    const at = await toIdp(world, 'ana@example.com');
    expect(at.sawSignInPage).toBe(false);
    const landed = await postAnswer(world, at);
    const tokens = await at.redeem(landed.url);
    expect(tokens.claims()?.preferred_username).toBe(ANA.loginId);
  });

  it('keeps following the stored link when the address at the IdP changes', async () => {
    const world = await samlWorld();
    await postAnswer(world, await toIdp(world), { nameId: 'employee-0042', email: ANA.email });
    const second = await toIdp(world);
    const landed = await postAnswer(world, second, { nameId: 'employee-0042', email: 'ana.new@corp.example' });
    expect((await second.redeem(landed.url)).claims()?.preferred_username).toBe(ANA.loginId);
  });

  describe('refuses bad answers with a clear message', () => {
    const cases: [string, (world: World) => ResponseOptions, string, RegExp][] = [
      ['unsigned', () => ({ sign: 'none' }), 'saml_unsigned', /not signed/],
      [
        'signed with a key the IdP metadata does not name',
        () => ({ signingKey: rsaCertificate('Somebody else').key }),
        'saml_signature_invalid',
        /signature/,
      ],
      [
        'for another audience',
        () => ({ audience: 'https://other-app.example/saml' }),
        'saml_audience_mismatch',
        /made for another service/,
      ],
      ['expired', () => ({ notBefore: -10 * 60_000, notOnOrAfter: -2 * 60_000 }), 'saml_expired', /expired/],
      [
        'for another recipient',
        () => ({ recipient: 'https://attacker.example/acs' }),
        'saml_recipient_mismatch',
        /meant for https:\/\/attacker\.example\/acs/,
      ],
      [
        'for another destination',
        () => ({ destination: 'https://attacker.example/acs' }),
        'saml_recipient_mismatch',
        /addressed to https:\/\/attacker\.example\/acs/,
      ],
      [
        'from another issuer, though signed with the right key',
        () => ({ issuer: 'https://evil.example/idp' }),
        'saml_issuer_mismatch',
        /issued by "https:\/\/evil\.example\/idp"/,
      ],
      [
        'wrapped: a signed assertion plus an injected unsigned one',
        () => ({ wrap: { kind: 'sibling', evil: { nameId: 'mallory@example.com', email: 'mallory@example.com' } } }),
        'saml_signature_invalid',
        /signature does not cover this answer/,
      ],
      [
        'wrapped: the signed assertion moved aside and its signature put on another',
        () => ({ wrap: { kind: 'nested', evil: { nameId: 'mallory@example.com', email: 'mallory@example.com' } } }),
        'saml_signature_invalid',
        /signature does not cover this answer/,
      ],
      [
        'in response to another request',
        () => ({ inResponseTo: '_someone-elses-request' }),
        'sso_not_requested',
        /does not belong to the sign-in Keyway started/,
      ],
    ];

    it.each(cases)('%s', async (_name, options, code, message) => {
      const world = await samlWorld();
      const at = await toIdp(world);
      const landed = await postAnswer(world, at, ANA_AT_IDP, options(world));
      const page = await expectRefused(landed, code, message);
      // The way back leads to this same sign-in, with every way offered.
      expect(page).toContain('Try again with Corp SSO');
      expect(page).toMatch(/href="\/oidc\/interaction\/[^"]+\?sso=choose"/);
    });

    it('wrapped with a response signature too: the extra assertion is still refused', async () => {
      const world = await samlWorld();
      const at = await toIdp(world);
      const evil = { nameId: 'mallory@example.com', email: 'mallory@example.com' };
      const landed = await postAnswer(world, at, ANA_AT_IDP, { sign: 'both', wrap: { kind: 'sibling', evil } });
      await expectRefused(landed, 'saml_signature_invalid', /signature/);
    });

    it('replayed: the same answer posted twice, and an assertion ID used again', async () => {
      const world = await samlWorld();
      const at = await toIdp(world);
      const answer = world.idp.respond(at.request, ANA_AT_IDP, { assertionId: '_fixed-assertion-id' });
      const first = await at.browser.follow(await at.browser.post(answer.acsUrl, answer.form), (url) =>
        url.href.startsWith(REDIRECT_URI),
      );
      expect(first.url.href.startsWith(REDIRECT_URI)).toBe(true);
      const again = await at.browser.follow(await at.browser.post(answer.acsUrl, answer.form));
      await expectRefused(again, 'sso_replayed', /has been used before/, 409);

      // A new sign-in, and an IdP (or an attacker with its old answer) repeating the assertion ID.
      const next = await toIdp(world);
      const reused = await postAnswer(world, next, ANA_AT_IDP, { assertionId: '_fixed-assertion-id' });
      await expectRefused(reused, 'sso_replayed', /has been used before/, 409);
    });

    it('unsolicited (IdP-initiated, no RelayState)', async () => {
      const world = await samlWorld();
      const at = await toIdp(world);
      const answer = world.idp.respond(at.request, ANA_AT_IDP);
      const response = await at.browser.post(answer.acsUrl, { SAMLResponse: answer.form.SAMLResponse });
      await expectRefused({ response, url: new URL(answer.acsUrl) }, 'sso_not_requested', /did not start this sign-in/);
    });
  });

  it('an answer carried into another browser signs nobody in there; its own browser still finishes', async () => {
    const world = await samlWorld();
    const at = await toIdp(world);
    const answer = world.idp.respond(at.request, ANA_AT_IDP);
    const acs = await at.browser.post(answer.acsUrl, answer.form);
    expect(acs.status).toBe(303);
    const completion = new URL(acs.headers.get('location') ?? '', world.test.origin);
    expect(completion.pathname).toMatch(/^\/oidc\/interaction\/[^/]+\/sso\/complete$/);

    // Login CSRF: the attacker's finished answer opened in the victim's browser, which lacks the interaction.
    const victim = new Browser();
    const forced = await victim.get(completion);
    expect(forced.status).toBe(400);
    expect(await forced.text()).toContain('This sign-in has expired');

    const landed = await at.browser.follow(await at.browser.get(completion), (url) =>
      url.href.startsWith(REDIRECT_URI),
    );
    expect((await at.redeem(landed.url)).claims()?.preferred_username).toBe(ANA.loginId);
    // And the ticket is single use.
    const again = await at.browser.get(completion);
    expect(again.status).not.toBe(303);
  });

  it('an unknown person is refused unless the provider creates users just in time', async () => {
    const world = await samlWorld();
    const bo = { nameId: 'bo@example.com', email: 'bo@example.com', displayName: 'Bo Builder' };
    const refused = await postAnswer(world, await toIdp(world), bo);
    await expectRefused(refused, 'sso_no_account', /no Keyway account for you/, 403);
    expect(await world.test.server.admin.findUser('bo@example.com')).toBeUndefined();

    await world.test.server.admin.identityProviders.addSaml({
      id: 'corp',
      displayName: 'Corp SSO',
      metadataXml: world.idp.metadataXml,
      jit: true,
      replace: true,
    });
    const at = await toIdp(world);
    const landed = await postAnswer(world, at, bo);
    expect((await at.redeem(landed.url)).claims()).toMatchObject({
      preferred_username: 'bo@example.com',
      name: 'Bo Builder',
    });
    // Created for unified login: the password API does not take them, discovery sends them to the browser.
    expect(await world.test.server.admin.findUser('bo@example.com')).toMatchObject({
      displayName: 'Bo Builder',
      effectiveSignInMethod: 'oidc',
    });
  });

  it('a SAML IdP with routed domains vouches only for addresses in them', async () => {
    const world = await samlWorld({ domains: ['corp.example'], jit: true });
    // Ana is ana@example.com: an IdP for corp.example cannot claim her account by that address.
    const at = await toIdp(world);
    const landed = await postAnswer(world, at, ANA_AT_IDP);
    await expectRefused(landed, 'sso_no_account', /does not vouch for that address/, 403);
  });

  it("Keyway's MFA policy still applies after a brokered sign-in", async () => {
    const world = await samlWorld();
    // E-mail allowed beside the app: the second step offers it (and enrolment after an e-mailed code).
    await world.test.server.admin.setMfaPolicy({ mode: 'enforced', channels: 'totp,email' });
    const landed = await postAnswer(world, await toIdp(world));
    expect(landed.url.pathname).toMatch(/^\/oidc\/interaction\/[^/]+\/sso\/complete$/);
    expect(landed.response.status).toBe(200);
    const page = await landed.response.text();
    expect(page).toContain('<h1>Verify it&#39;s you</h1>');
    expect(page).toContain('Set up an authenticator app');
  });

  it('with local credentials hidden, the page offers only the provider and refuses a posted password', async () => {
    const world = await samlWorld({ passwordBeside: false });
    const authorization = await keywayAuthorization(world.test.server.issuer, { redirectUri: REDIRECT_URI });
    const browser = new Browser();
    const landed = await browser.follow(await browser.get(authorization.url));
    const page = await landed.response.text();
    expect(page).toContain('Login with Corp SSO');
    expect(page).not.toContain('name="password"');

    const csrf = fieldValue(page, 'csrf') ?? '';
    const posted = await browser.post(new URL(`${landed.url.pathname}/login`, landed.url), {
      csrf,
      login: ANA.email,
      password: ANA.password,
    });
    expect(posted.status).toBe(403);
    expect(await posted.text()).toContain('signs in with your organisation’s sign-in');
  });

  it('with local credentials hidden, /account refuses the password too (no session, no deployment code)', async () => {
    const world = await samlWorld({ passwordBeside: false });
    const browser = new PageBrowser(world.test.origin);
    for (const login of [ANA.email, ANA.loginId]) {
      const answer = await browser.submit(await browser.get('/account'), '/account/sign-in', {
        login,
        password: ANA.password,
      });
      expect(answer.status, login).toBe(403);
      expect(answer.location).toBeUndefined();
      expect(answer.html).toContain('signs in with your organisation’s sign-in');
      expect(browser.cookies.has('keyway-account')).toBe(false);
    }
    // The password is not even checked: a wrong one gets the same answer (no oracle, no lock-out count).
    const wrong = await browser.submit(await browser.get('/account'), '/account/sign-in', {
      login: ANA.email,
      password: 'not the password at all',
    });
    expect(wrong.status).toBe(403);
    expect(wrong.html).toContain('signs in with your organisation’s sign-in');
    // Still the sign-in page, never the page with a deployment code.
    expect((await browser.get('/account')).html).not.toMatch(/deploy\?code=/);
  });

  it('with a provider routed to corp.example only, an alias outside that domain is no way around it on /account', async () => {
    const world = await samlWorld({ passwordBeside: false, domains: ['corp.example'] });
    // A second provider that keeps passwords beside it: unrouted names may still use one.
    await world.test.server.admin.identityProviders.addSaml({
      id: 'partners',
      displayName: 'Partners SSO',
      metadataXml: world.idp.metadataXml,
    });
    await world.test.server.admin.createUser({
      loginId: 'rita',
      email: 'rita@corp.example',
      displayName: 'Rita Routed',
      aliases: ['rita@other.example'],
      password: 'a long enough passphrase',
      sendWelcomeEmail: false,
    });
    const browser = new PageBrowser(world.test.origin);
    // The alias is outside the routed domain: refused after the password check, on the user's names.
    const answer = await browser.submit(await browser.get('/account'), '/account/sign-in', {
      login: 'rita@other.example',
      password: 'a long enough passphrase',
    });
    expect(answer.status).toBe(403);
    expect(browser.cookies.has('keyway-account')).toBe(false);
    // Ana (example.com, not routed) still signs in with her password.
    const ana = await browser.submit(await browser.get('/account'), '/account/sign-in', {
      login: ANA.email,
      password: ANA.password,
    });
    expect(ana.status).toBe(303);
  });
});
