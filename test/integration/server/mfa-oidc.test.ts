import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { enrolAna, outboxEmailCode, startMfaServer } from './mfa-fixture';
import { authorize, followOn, keywayClient, redeem, type StartedAuthorization, submitSignIn } from './oidc-fixture';
import { DeploymentConfig, DiscoveryResponse, KEYWAY_ENROLMENT_PARAM } from '../../../protocol/api';
import { FirstEnrolment, FRESH_DEPLOYMENT_MS } from '../../../server/mfa/enrolment';
import { fieldValue, formsOf, parseHtml, textsOf } from '../../support/html';
import { readProviderPage } from '../../support/provider-pages';
import { openTestStorage } from '../../support/stored-data';
import { ANA, postJson, type TestServer } from './server-fixture';

const REDIRECT = 'http://127.0.0.1:49152/callback';
const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

interface MfaForm {
  action: string;
  csrf: string;
}

/** The forms of an MFA page, in order (verify first, then resend), read back from its HTML. */
function forms(html: string, origin: string): MfaForm[] {
  return formsOf(parseHtml(html), origin).map((form) => ({ action: form.action.href, csrf: form.fields.csrf ?? '' }));
}

function formAt(html: string, origin: string, index = 0): MfaForm {
  const form = forms(html, origin)[index];
  if (!form) throw new Error(`No form ${index} on:\n${html}`);
  return form;
}

function heading(html: string): string {
  return readProviderPage(html, 'http://127.0.0.1/').heading;
}

/** The key to type into an authenticator app, from "Set up an authenticator app" ('' on another page). */
function enrolmentKey(html: string, origin: string): string {
  const page = readProviderPage(html, origin);
  return page.kind === 'enrolment' ? page.key : '';
}

/**
 * A server enforcing MFA where Ana signs in through the OpenID Provider (unified login); with
 * `enrolled`, she first set up an authenticator through the password API (returned as `secret`).
 */
async function unifiedServer(policy: Parameters<typeof startMfaServer>[0] = { mode: 'enforced' }, enrolled = false) {
  const test = await startMfaServer(policy);
  const secret = enrolled ? (await enrolAna(test)).secret : '';
  await test.server.admin.setSignInMethod(ANA.loginId, 'oidc');
  const config = await keywayClient(test.server.issuer);
  return { test, config, secret };
}

/** Authorizes and submits the password; returns the page the provider answers with. */
async function passwordStep(test: TestServer, config: Awaited<ReturnType<typeof keywayClient>>) {
  const started = await authorize(config, test.origin, { redirectUri: REDIRECT, loginHint: ANA.loginId });
  const landed = await submitSignIn(started, test.origin, ANA.password);
  return { started, landed, html: await landed.response.text() };
}

async function post(started: StartedAuthorization, form: MfaForm, fields: Record<string, string>, origin: string) {
  const response = await started.browser.post(form.action, { csrf: form.csrf, ...fields });
  return followOn(started.browser, response, origin);
}

/** Follows "I saved them, continue" on the recovery codes page a first second factor shows. */
async function pastRecoveryCodes(
  started: StartedAuthorization,
  done: { response: Response },
  origin: string,
): Promise<{ response: Response; url: string }> {
  const html = await done.response.text();
  const page = readProviderPage(html, origin);
  if (page.kind !== 'recovery-codes') throw new Error(`No recovery codes page:\n${html}`);
  return followOn(started.browser, await started.browser.get(page.continueUrl), origin);
}

function code(secret: string, test: TestServer): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: test.now() });
}

describe('MFA on the OpenID Provider pages (unified login)', () => {
  it('attack: the password alone never enrols a first authenticator on these pages', async () => {
    // Only authenticator apps allowed and none set up: there is nothing that proves the user, so no QR code.
    const { test, config } = await unifiedServer();
    const { started, landed, html } = await passwordStep(test, config);
    expect(landed.response.status).toBe(403);
    expect(heading(html)).toBe('You cannot finish signing in yet');
    expect(html).not.toContain('<figure class="qr"');
    // Asking for enrolment directly is refused too, and a made-up authenticator's code finishes nothing.
    const base = started.landed.url;
    // The interaction's CSRF token, as the sign-in form carried it: the forms below pass the CSRF check.
    const csrf = fieldValue(started.html, 'csrf') ?? '';
    expect(csrf).not.toBe('');
    const chosen = await started.browser.post(`${base}/mfa/channel`, { csrf, channel: 'enroll' });
    expect(chosen.status).toBe(400);
    expect(await chosen.text()).not.toContain('<figure class="qr"');
    const attacker = new OTPAuth.TOTP({ secret: new OTPAuth.Secret() }).generate({ timestamp: test.now() });
    const guessed = await started.browser.post(`${base}/mfa/verify`, {
      csrf,
      channel: 'totp',
      code: attacker,
    });
    expect(guessed.status).toBe(403);
    expect(guessed.headers.get('location')).toBeNull();
    expect((await test.server.admin.mfaPolicy()).mode).toBe('enforced');
  });

  it('attack: with e-mail allowed, enrolment first asks for the e-mailed code (no QR code before it)', async () => {
    const { test, config } = await unifiedServer({ mode: 'enforced', channels: 'totp,email' });
    const { started, html } = await passwordStep(test, config);
    const chosen = await post(started, formAt(html, test.origin), { channel: 'enroll' }, test.origin);
    const proofPage = await chosen.response.text();
    expect(heading(proofPage)).toBe('Enter your code');
    expect(proofPage).toContain('Before you set up an authenticator app, confirm it is you');
    expect(proofPage).not.toContain('<figure class="qr"');
    // A wrong e-mail code does not open enrolment.
    const mailCode = await outboxEmailCode(test);
    const wrongCode = mailCode === '000000' ? '111111' : '000000';
    const wrong = await post(
      started,
      formAt(proofPage, test.origin),
      { channel: 'email', purpose: 'enroll', code: wrongCode },
      test.origin,
    );
    expect(wrong.response.status).toBe(401);
    expect(await wrong.response.text()).not.toContain('<figure class="qr"');
  });

  it('enrols an authenticator inside the interaction after the e-mailed code: QR code and key, CSRF, errors, then the login finishes', async () => {
    const { test, config } = await unifiedServer({ mode: 'enforced', channels: 'totp,email' });
    const { started: startedChoice, html: choiceHtml } = await passwordStep(test, config);
    const chosen = await post(startedChoice, formAt(choiceHtml, test.origin), { channel: 'enroll' }, test.origin);
    const proofPage = await chosen.response.text();
    const proven = await post(
      startedChoice,
      formAt(proofPage, test.origin),
      { channel: 'email', purpose: 'enroll', code: await outboxEmailCode(test) },
      test.origin,
    );
    const started = startedChoice;
    const landed = proven;
    const html = await proven.response.text();
    expect(landed.response.status).toBe(200);
    expect(landed.response.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(parseHtml(html).querySelectorAll('h1')).toHaveLength(1);
    expect(heading(html)).toBe('Set up an authenticator app');
    expect(html).not.toMatch(/<script|style=|\son[a-z]+=/i);
    expect(html).toMatch(/<figure class="qr" role="img" aria-label="[^"]+"><svg [^>]*>/);
    expect(html).toContain('<label for="code">6-digit code</label>');
    const secret = enrolmentKey(html, test.origin);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const form = formAt(html, test.origin);
    expect(form.action).toBe(
      `${test.origin}/oidc/interaction/${/interaction\/([^/]+)\//.exec(form.action)?.[1] ?? ''}/mfa/verify`,
    );
    const forged = await started.browser.post(form.action, { code: code(secret, test), channel: 'totp' });
    expect(forged.status).toBe(403);

    const right = code(secret, test);
    const wrong = await post(
      started,
      form,
      { channel: 'totp', code: right === '000000' ? '111111' : '000000' },
      test.origin,
    );
    expect(wrong.response.status).toBe(401);
    const wrongHtml = await wrong.response.text();
    expect(heading(wrongHtml)).toBe('Set up an authenticator app');
    expect(wrongHtml).toMatch(/<p class="error" role="alert">That code is not right\. 4 more tries/);
    // A reload shows the same secret: what the user scanned stays valid.
    const reloaded = await started.browser.get(started.landed.url);
    expect(await reloaded.text()).toContain(secret.match(/.{4}/g)?.join(' ') ?? '');

    const done = await post(
      started,
      form,
      { channel: 'totp', code: `${right.slice(0, 3)} ${right.slice(3)}` },
      test.origin,
    );
    // The first second factor: its ten recovery codes, once, then a link that resumes the login.
    const codesHtml = await done.response.text();
    expect(heading(codesHtml)).toBe('Save your recovery codes');
    expect(done.response.headers.get('content-security-policy')).toBe(PAGE_CSP);
    const codes = textsOf(codesHtml, 'li.code');
    expect(
      codes.filter((code) => /^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$/.test(code)),
    ).toHaveLength(10);
    const resumed = await pastRecoveryCodes(started, { response: new Response(codesHtml) }, test.origin);
    expect(resumed.url).toMatch(new RegExp(`^${REDIRECT}\\?code=`));
    const tokens = await redeem(config, started, resumed.url);
    expect(tokens.claims()?.preferred_username).toBe(ANA.loginId);
  });

  it('asks for the authenticator code on the next sign-in, and does not finish the login without it', async () => {
    const { test, config, secret } = await unifiedServer({ mode: 'enforced' }, true);
    const { started, html } = await passwordStep(test, config);
    expect(heading(html)).toBe('Enter your code');
    expect(html).toContain('Open your authenticator app');
    expect(html).not.toContain('Send a new code');
    // Going back to the interaction shows the code page again, not a finished login.
    const again = await started.browser.get(started.landed.url);
    expect(heading(await again.text())).toBe('Enter your code');
    const done = await post(
      started,
      formAt(html, test.origin),
      { channel: 'totp', code: code(secret, test) },
      test.origin,
    );
    expect(done.url).toMatch(new RegExp(`^${REDIRECT}\\?code=`));
  });

  it('offers a choice when several ways are available, sends an e-mail code with a resend cooldown', async () => {
    const { test, config } = await unifiedServer({ mode: 'enforced', channels: 'totp,email' });
    const { started, html } = await passwordStep(test, config);
    expect(heading(html)).toBe("Verify it's you");
    expect(html).toContain('<button class="choice" type="submit" name="channel" value="enroll">');
    expect(html).toContain('E-mail a code to a•••@example.com</button>');

    const chosen = await post(started, formAt(html, test.origin), { channel: 'email' }, test.origin);
    const codePage = await chosen.response.text();
    expect(chosen.response.status).toBe(200);
    expect(heading(codePage)).toBe('Enter your code');
    expect(codePage).toContain('<p class="notice" role="status">We sent a code by e-mail to a•••@example.com.</p>');
    expect(codePage).toContain('<a href="/oidc/interaction/');

    const resend = await post(started, formAt(codePage, test.origin, 1), { channel: 'email' }, test.origin);
    expect(resend.response.status).toBe(429);
    expect(resend.response.headers.get('retry-after')).toBe('30');
    expect(await resend.response.text()).toContain('role="alert">Wait 30 seconds before asking for a new code.</p>');

    const mailCode = await outboxEmailCode(test);
    const done = await post(started, formAt(codePage, test.origin), { channel: 'email', code: mailCode }, test.origin);
    expect(done.url).toMatch(new RegExp(`^${REDIRECT}\\?code=`));
  });

  it('sends the browser back to the password after five wrong codes', async () => {
    const { test, config } = await unifiedServer({ mode: 'enforced' }, true);
    const { started, html } = await passwordStep(test, config);
    const form = formAt(html, test.origin);
    let last = '';
    for (let attempt = 1; attempt <= 5; attempt++) {
      const answer = await post(started, form, { channel: 'totp', code: '000000' }, test.origin);
      last = await answer.response.text();
    }
    expect(heading(last)).toBe('Sign in');
    expect(last).toContain('<p class="error" role="alert">Too many wrong codes. Sign in again to get a new one.</p>');
    // Signing in again starts a fresh second step in the same interaction.
    const retry = await submitSignIn({ ...started, html: last }, test.origin, ANA.password);
    expect(heading(await retry.response.text())).toBe('Enter your code');
  });

  it('needs no second step when MFA does not apply', async () => {
    const { test, config } = await unifiedServer({ mode: 'optional' });
    const { landed } = await passwordStep(test, config);
    expect(landed.url).toMatch(new RegExp(`^${REDIRECT}\\?code=`));
  });
});

/**
 * Redeems a fresh deployment of `loginId` the way Keyway does and returns the enrolment ticket its
 * answer carries for this server's provider (undefined when there is none).
 */
async function redeemTicket(test: TestServer, loginId: string, installationId: string): Promise<string | undefined> {
  const { code } = await test.server.admin.createDeployment(loginId);
  const response = await postJson(test.origin, '/api/v1/deployments/redeem', { code, installationId });
  expect(response.status).toBe(200);
  const config = DeploymentConfig.parse(response.body);
  return config.signIn.method === 'oidc' ? config.signIn.enrolmentTicket : undefined;
}

/** Authorizes with the deployment's ticket as Keyway sends it, then submits Ana's password. */
async function passwordStepWithTicket(
  test: TestServer,
  config: Awaited<ReturnType<typeof keywayClient>>,
  ticket: string,
) {
  const started = await authorize(config, test.origin, {
    redirectUri: REDIRECT,
    loginHint: ANA.loginId,
    extra: { [KEYWAY_ENROLMENT_PARAM]: ticket },
  });
  const landed = await submitSignIn(started, test.origin, ANA.password);
  return { started, landed, html: await landed.response.text() };
}

/**
 * What the server's FirstEnrolment makes of a ticket for `login`, read over the running server's own
 * database (a second connection: on SQLite WAL lets it read beside the server).
 */
async function ticketInstallation(test: TestServer, login: string, ticket: string): Promise<string | undefined> {
  const storage = await openTestStorage(test);
  const user = await storage.q().selectFrom('users').select('id').where('login_id', '=', login).executeTakeFirst();
  return await new FirstEnrolment(storage, () => test.now()).installationForTicket(user?.id ?? -1, ticket);
}

describe('first enrolment of a unified-login installation, bound to its fresh deployment (issue 14)', () => {
  it('only authenticator apps allowed and enforced: the installation that redeemed the deployment enrols at the provider and finishes signing in', async () => {
    const { test, config } = await unifiedServer();
    const ticket = await redeemTicket(test, ANA.loginId, 'installation-una-0001');
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { started, landed, html } = await passwordStepWithTicket(test, config, ticket ?? '');
    expect(landed.response.status).toBe(200);
    expect(heading(html)).toBe('Set up an authenticator app');
    expect(html).toMatch(/<figure class="qr" role="img"/);
    const secret = enrolmentKey(html, test.origin);
    const done = await post(
      started,
      formAt(html, test.origin),
      { channel: 'totp', code: code(secret, test) },
      test.origin,
    );
    // Her first second factor: the recovery codes page, once, then on to the app.
    expect(heading(await done.response.clone().text())).toBe('Save your recovery codes');
    const resumed = await pastRecoveryCodes(started, done, test.origin);
    expect(resumed.url).toMatch(new RegExp(`^${REDIRECT}\\?code=`));
    expect((await redeem(config, started, resumed.url)).claims()?.preferred_username).toBe(ANA.loginId);
  });

  it('attack: a made-up ticket, another user’s ticket or an expired one never opens enrolment', async () => {
    const { test, config } = await unifiedServer();
    await test.server.admin.createUser({
      loginId: 'bob',
      email: 'bob@example.com',
      displayName: 'Bob',
      password: 'another long password 77',
      sendWelcomeEmail: false,
    });
    await test.server.admin.setSignInMethod('bob', 'oidc');
    const refused = async (ticket: string) => {
      const { landed, html } = await passwordStepWithTicket(test, config, ticket);
      expect(landed.response.status).toBe(403);
      expect(heading(html)).toBe('You cannot finish signing in yet');
      expect(html).not.toContain('<figure class="qr"');
    };
    await refused('A'.repeat(43));
    // Bob's own fresh ticket says nothing about Ana.
    const bobTicket = (await redeemTicket(test, 'bob', 'installation-bob-0001')) ?? '';
    await refused(bobTicket);
    // The ticket names Bob's installation for Bob only.
    expect(await ticketInstallation(test, 'bob', bobTicket)).toBe('installation-bob-0001');
    expect(await ticketInstallation(test, ANA.loginId, bobTicket)).toBeUndefined();
    // Ana's own ticket works until one hour after the redemption, then never again.
    const first = (await redeemTicket(test, ANA.loginId, 'installation-una-0002')) ?? '';
    test.advance(FRESH_DEPLOYMENT_MS - 60_000);
    const { html: inTime } = await passwordStepWithTicket(test, config, first);
    expect(heading(inTime)).toBe('Set up an authenticator app');
    test.advance(60_000 + 1000);
    await refused(first);
    expect(await ticketInstallation(test, ANA.loginId, first)).toBeUndefined();
  });

  it('attack: a repeated redemption of the same code replaces the ticket it handed out before', async () => {
    const { test, config } = await unifiedServer();
    const { code: deployment } = await test.server.admin.createDeployment(ANA.loginId);
    const body = { code: deployment, installationId: 'installation-una-0004' };
    const ticketOf = async () => {
      const response = await postJson(test.origin, '/api/v1/deployments/redeem', body);
      const signIn = DeploymentConfig.parse(response.body).signIn;
      return signIn.method === 'oidc' ? (signIn.enrolmentTicket ?? '') : '';
    };
    const first = await ticketOf();
    const second = await ticketOf();
    expect(second).not.toBe(first);
    const { landed } = await passwordStepWithTicket(test, config, first);
    expect(landed.response.status).toBe(403);
    const { html } = await passwordStepWithTicket(test, config, second);
    expect(heading(html)).toBe('Set up an authenticator app');
  });

  it('a ticket is handed out only by a redemption, only for unified login, and never by discovery', async () => {
    const { test } = await unifiedServer();
    const discovery = await postJson(test.origin, '/api/v1/discovery', { loginId: ANA.email });
    expect(DiscoveryResponse.parse(discovery.body).signIn.method).toBe('oidc');
    expect(JSON.stringify(discovery.body)).not.toContain('enrolmentTicket');
    await test.server.admin.setSignInMethod(ANA.loginId, 'password');
    expect(await redeemTicket(test, ANA.loginId, 'installation-pat-0001')).toBeUndefined();
  });
});
