import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import {
  authorize,
  followOn,
  keywayClient,
  readSignInForm,
  redeem,
  type StartedAuthorization,
  submitSignIn,
} from './oidc-fixture';
import { KEYWAY_OIDC_CUSTOM_REDIRECT } from '../../../protocol/api';
import { ANA, startServerWithAna } from './server-fixture';
import { Browser } from '../../support/browser';
import { fieldValue, linkHref, parseHtml } from '../../support/html';

const REDIRECT = 'http://127.0.0.1:49152/callback';

/** The "Continue as …" page's form, read back from its HTML; throws when the page is something else. */
function readConfirmForm(html: string, origin: string): { action: string; csrf: string; other: string } {
  const form = [...parseHtml(html).querySelectorAll('form.form[method="post"]')].find((each) =>
    (each.getAttribute('action') ?? '').endsWith('/confirm'),
  );
  const action = form?.getAttribute('action') ?? undefined;
  const csrf = form?.querySelector('input[name="csrf"]')?.getAttribute('value') ?? undefined;
  const other = linkHref(html, 'Use another account');
  if (action === undefined || csrf === undefined || other === undefined)
    throw new Error(`Not the confirm page:\n${html}`);
  return { action: new URL(action, origin).href, csrf, other: new URL(other, origin).href };
}

/** Clicks "Continue as …" on the page the authorization landed on. */
async function confirmAccount(started: StartedAuthorization, origin: string): Promise<{ url: string }> {
  expect(started.landed.response.status).toBe(200);
  expect(started.landed.url).not.toMatch(/code=/);
  const form = readConfirmForm(started.html, origin);
  return followOn(started.browser, await started.browser.post(form.action, { csrf: form.csrf }), origin);
}

async function signInPage(options: { loginHint?: string } = {}) {
  const test = await startServerWithAna();
  const config = await keywayClient(test.server.issuer);
  const started = await authorize(config, test.origin, { redirectUri: REDIRECT, ...options });
  expect(started.landed.response.status).toBe(200);
  return { ...test, config, started, html: started.html, form: readSignInForm(started.html, test.origin) };
}

describe('the sign-in page', () => {
  it('is one accessible form, pre-filled from login_hint, under a strict CSP with its CSS on a static path', async () => {
    const { started, html, origin } = await signInPage({ loginHint: ANA.email });
    const headers = started.landed.response.headers;
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(headers.get('cache-control')).toBe('no-store');
    expect(parseHtml(html).querySelectorAll('h1')).toHaveLength(1);
    expect(html).toContain('<h1>Sign in</h1>');
    expect(html).not.toMatch(/<script|style=|\son[a-z]+=/i);
    expect(html).toContain('<label for="login">E-mail or login ID</label>');
    expect(html).toContain(`id="login" name="login" type="text" value="${ANA.email}"`);
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toMatch(/<input id="password" name="password" type="password" [^>]*autofocus>/);
    expect(html).toContain('<button class="button" type="submit">Sign in</button>');

    const css = await fetch(`${origin}/assets/sign-in.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.form');
  });

  it('escapes the login hint', async () => {
    const { html, form } = await signInPage({ loginHint: '"><script>alert(1)</script>' });
    expect(html).not.toContain('<script>');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    // Read by a parser, the field holds the hint as typed: escaped markup, not markup.
    expect(form.login).toBe('"><script>alert(1)</script>');
  });

  it('refuses a POST without the CSRF token or with a wrong one, with a clear 403 page', async () => {
    const { started, form, origin, config } = await signInPage({ loginHint: ANA.loginId });
    for (const csrf of [undefined, 'x'.repeat(43), form.csrf.slice(1)]) {
      const body = { login: ANA.loginId, password: ANA.password, ...(csrf === undefined ? {} : { csrf }) };
      const response = await started.browser.post(form.action, body);
      expect(response.status, String(csrf)).toBe(403);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('<h1>This form was not accepted</h1>');
    }
    // The interaction is still alive: the real form still signs in.
    const response = await started.browser.post(form.action, { ...form, login: ANA.loginId, password: ANA.password });
    const { url } = await followOn(started.browser, response, origin);
    expect((await redeem(config, started, url)).claims()?.preferred_username).toBe(ANA.loginId);
  });

  it('says "wrong login ID or password" for a wrong password and an unknown user alike, with no code', async () => {
    const { started, form } = await signInPage({ loginHint: ANA.loginId });
    const pages: string[] = [];
    for (const login of [ANA.loginId, 'nobody@example.com']) {
      const response = await started.browser.post(form.action, {
        csrf: form.csrf,
        login,
        password: 'not the password',
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('location')).toBeNull();
      const html = await response.text();
      expect(html).toContain('<p class="error" role="alert">The login ID or password is not correct.</p>');
      expect(html).toContain(`value="${login}"`);
      expect(html).not.toContain('code=');
      pages.push(html.replace(`value="${login}"`, ''));
    }
    expect(pages[0]).toBe(pages[1]);

    const empty = await started.browser.post(form.action, { csrf: form.csrf, login: ANA.loginId, password: '' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Enter your password.');
  });

  it('applies the password API lock-out: ten failures lock the account', async () => {
    const { started, form, origin } = await signInPage({ loginHint: ANA.loginId });
    for (let attempt = 1; attempt <= 9; attempt++) {
      const response = await started.browser.post(form.action, { ...form, login: ANA.loginId, password: 'wrong' });
      expect(response.status).toBe(401);
    }
    const locked = await started.browser.post(form.action, { ...form, login: ANA.loginId, password: 'wrong' });
    expect(locked.status).toBe(423);
    expect(locked.headers.get('retry-after')).toBe('900');
    expect(await locked.text()).toContain('This account is locked for 15 minutes.');
    // The lock counts for the password API too.
    const api = await fetch(`${origin}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginId: ANA.loginId, password: ANA.password }),
    });
    expect(api.status).toBe(423);
  });

  it('limits sign-in attempts per source address', async () => {
    const test = await startServerWithAna({ limits: { signInPerSourcePerMinute: 2 } });
    const config = await keywayClient(test.server.issuer);
    const started = await authorize(config, test.origin, { redirectUri: REDIRECT, loginHint: ANA.loginId });
    const form = readSignInForm(started.html, test.origin);
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect((await started.browser.post(form.action, { ...form, password: 'wrong' })).status).toBe(401);
    }
    const limited = await started.browser.post(form.action, { ...form, password: ANA.password });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.text()).toContain('Too many sign-in attempts from this address.');
  });

  it('shows the sign-in page again for prompt=select_account and prompt=login, and only a confirmation without a prompt', async () => {
    const { started, config, origin } = await signInPage({ loginHint: ANA.loginId });
    const first = await submitSignIn(started, origin, ANA.password);
    await redeem(config, started, first.url);
    const browser = started.browser;

    // A session exists: the next sign-in only asks "Continue as Ana?" (RFC 8252 §8.6), then goes back.
    const reused = await authorize(config, origin, { redirectUri: REDIRECT, browser, loginHint: ANA.email });
    const { url: reusedUrl } = await confirmAccount(reused, origin);
    expect((await redeem(config, reused, reusedUrl)).refresh_token).toEqual(expect.any(String));

    for (const prompt of ['select_account', 'login']) {
      const again = await authorize(config, origin, { redirectUri: REDIRECT, browser, prompt, loginHint: ANA.email });
      expect(again.landed.response.status, prompt).toBe(200);
      expect(readSignInForm(again.html, origin).login).toBe(ANA.email);
      const { url } = await submitSignIn(again, origin, ANA.password);
      const tokens = await redeem(config, again, url);
      expect(tokens.claims()?.preferred_username).toBe(ANA.loginId);
      // Keyway still gets its refresh token although it did not ask for consent.
      expect(tokens.refresh_token, prompt).toEqual(expect.any(String));
    }
  });

  it('switches to another account with prompt=select_account (the old session ends first)', async () => {
    const { started, config, origin, server } = await signInPage({ loginHint: ANA.loginId });
    await redeem(config, started, (await submitSignIn(started, origin, ANA.password)).url);
    await server.admin.createUser({
      loginId: 'bob',
      email: 'bob@example.com',
      displayName: 'Bob Example',
      password: 'a long enough passphrase',
      sendWelcomeEmail: false,
    });

    const again = await authorize(config, origin, {
      redirectUri: REDIRECT,
      browser: started.browser,
      prompt: 'select_account',
    });
    const after = await submitSignIn(again, origin, 'a long enough passphrase', 'bob');
    // oidc-provider's own logout step: a self-submitting form, allowed by the hash it adds to the CSP.
    const html = await after.response.text();
    expect(after.response.headers.get('content-security-policy')).toMatch(/script-src 'self' 'sha256-[\w+/=]+'/);
    const action = parseHtml(html).querySelector('form[method="post"]')?.getAttribute('action') ?? '';
    const xsrf = fieldValue(html, 'xsrf') ?? '';
    const { url } = await followOn(again.browser, await again.browser.post(action, { xsrf, logout: 'yes' }), origin);
    expect((await redeem(config, again, url)).claims()?.preferred_username).toBe('bob');
  });

  it('Cancel ends the sign-in with access_denied at the redirect URI', async () => {
    const { started, form, origin, server } = await signInPage({ loginHint: ANA.loginId });
    const forged = await started.browser.get(form.cancel.replace(/csrf=[^&]+/, 'csrf=forged'));
    expect(forged.status).toBe(403);

    const { url } = await followOn(started.browser, await started.browser.get(form.cancel), origin);
    const callback = new URL(url);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(started.state);
    expect(callback.searchParams.get('iss')).toBe(server.issuer);
  });

  it('explains an expired or finished sign-in', async () => {
    const { started, form, origin } = await signInPage({ loginHint: ANA.loginId });
    await submitSignIn(started, origin, ANA.password);

    // The interaction is over: its page and form are gone.
    for (const response of [
      await started.browser.get(form.action.replace(/\/login$/, '')),
      await started.browser.post(form.action, { ...form, password: ANA.password }),
      await new Browser().get(`${origin}/oidc/interaction/no-such-interaction`),
    ]) {
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('<h1>This sign-in has expired</h1>');
    }
  });
});

describe('an existing provider session is never handed out silently (RFC 8252 §8.6)', () => {
  async function signedIn() {
    const test = await signInPage({ loginHint: ANA.loginId });
    await redeem(test.config, test.started, (await submitSignIn(test.started, test.origin, ANA.password)).url);
    await test.server.admin.createUser({
      loginId: 'bob',
      email: 'bob@example.com',
      displayName: 'Bob Example',
      password: 'a long enough passphrase',
      sendWelcomeEmail: false,
    });
    return { ...test, browser: test.started.browser };
  }

  it('any local listener (another port, the private-use scheme) gets a confirmation page, not a code', async () => {
    const { config, origin, browser } = await signedIn();
    for (const redirectUri of [
      'http://127.0.0.1:61234/callback',
      'http://[::1]:40000/callback',
      KEYWAY_OIDC_CUSTOM_REDIRECT,
    ]) {
      const attack = await authorize(config, origin, { redirectUri, browser, loginHint: ANA.email });
      expect(attack.landed.url, redirectUri).not.toMatch(/code=/);
      expect(attack.landed.response.status).toBe(200);
      expect(attack.html).toContain('<h1>Continue as Ana Example?</h1>');
      expect(attack.html).toContain(`<strong>${ANA.email}</strong>`);
    }
    // Without a login_hint too (Keyway then sends prompt=select_account, an attacker would not).
    const bare = await authorize(config, origin, { redirectUri: REDIRECT, browser });
    expect(bare.html).toContain('<h1>Continue as Ana Example?</h1>');
  });

  it('prompt=none is refused with login_required instead of a silent code', async () => {
    const { config, origin, browser } = await signedIn();
    const attack = await authorize(config, origin, {
      redirectUri: REDIRECT,
      browser,
      prompt: 'none',
      loginHint: ANA.email,
    });
    const callback = new URL(attack.landed.url);
    expect(callback.searchParams.get('code')).toBeNull();
    expect(callback.searchParams.get('error')).toBe('login_required');
  });

  it('the confirmation is a POST with the CSRF token: a forged one is refused and yields no code', async () => {
    const { config, origin, browser } = await signedIn();
    const started = await authorize(config, origin, { redirectUri: REDIRECT, browser, loginHint: ANA.email });
    const form = readConfirmForm(started.html, origin);
    for (const csrf of [undefined, form.csrf.slice(1)]) {
      const forged = await browser.post(form.action, csrf === undefined ? {} : { csrf });
      expect(forged.status).toBe(403);
      expect(forged.headers.get('location')).toBeNull();
    }
    const { url } = await confirmAccount(started, origin);
    const tokens = await redeem(config, started, url);
    expect(tokens.claims()?.preferred_username).toBe(ANA.loginId);
  });

  it('a login_hint naming another account (or no known account) never yields the current session', async () => {
    const { config, origin, browser } = await signedIn();
    for (const hint of ['bob@example.com', 'BOB', 'nobody@example.com']) {
      const started = await authorize(config, origin, { redirectUri: REDIRECT, browser, loginHint: hint });
      expect(started.landed.url, hint).not.toMatch(/code=/);
      // The sign-in form for the hinted account, and no "Continue as Ana" anywhere.
      expect(readSignInForm(started.html, origin).login).toBe(hint);
      expect(started.html).not.toContain('Continue as');
      // Posting the confirm form of this interaction does not hand out Ana's session either.
      const csrf = fieldValue(started.html, 'csrf') ?? '';
      const confirm = readSignInForm(started.html, origin).action.replace(/\/login$/, '/confirm');
      const posted = await followOn(browser, await browser.post(confirm, { csrf }), origin);
      expect(posted.url).not.toMatch(/code=/);
      expect(readSignInForm(await posted.response.text(), origin).login).toBe(hint);
    }
    // Signing in as Bob there ends Ana's session first (oidc-provider's logout step) and yields Bob.
    const asBob = await authorize(config, origin, { redirectUri: REDIRECT, browser, loginHint: 'bob' });
    const after = await submitSignIn(asBob, origin, 'a long enough passphrase');
    const html = await after.response.text();
    const action = parseHtml(html).querySelector('form[method="post"]')?.getAttribute('action') ?? '';
    const xsrf = fieldValue(html, 'xsrf') ?? '';
    const { url } = await followOn(browser, await browser.post(action, { xsrf, logout: 'yes' }), origin);
    expect((await redeem(config, asBob, url)).claims()?.preferred_username).toBe('bob');
  });

  it("Keyway's sign-out (revoking its refresh token) ends the provider session it signed in with", async () => {
    const { config, origin, browser } = await signedIn();
    const started = await authorize(config, origin, { redirectUri: REDIRECT, browser, loginHint: ANA.email });
    const tokens = await redeem(config, started, (await confirmAccount(started, origin)).url);
    // What core's OidcClient.revoke does on sign-out: RFC 7009 revocation, no browser window.
    await client.tokenRevocation(config, tokens.refresh_token ?? '');
    const after = await authorize(config, origin, { redirectUri: REDIRECT, browser, loginHint: ANA.email });
    expect(after.landed.url).not.toMatch(/code=/);
    expect(after.html).not.toContain('Continue as');
    expect(readSignInForm(after.html, origin).login).toBe(ANA.email);
    const silent = await authorize(config, origin, {
      redirectUri: REDIRECT,
      browser,
      prompt: 'none',
      loginHint: ANA.email,
    });
    expect(new URL(silent.landed.url).searchParams.get('error')).toBe('login_required');
  });

  it('a revocation for a token of another session leaves this browser session alone', async () => {
    const { config, origin, browser } = await signedIn();
    // Bob signs in in another browser and signs out there.
    const bob = await authorize(config, origin, { redirectUri: REDIRECT, loginHint: 'bob' });
    const bobTokens = await redeem(config, bob, (await submitSignIn(bob, origin, 'a long enough passphrase')).url);
    await client.tokenRevocation(config, bobTokens.refresh_token ?? '');
    const ana = await authorize(config, origin, { redirectUri: REDIRECT, browser, loginHint: ANA.email });
    expect(ana.html).toContain('<h1>Continue as Ana Example?</h1>');
  });

  it('"Use another account" shows the sign-in form instead', async () => {
    const { config, origin, browser } = await signedIn();
    const started = await authorize(config, origin, { redirectUri: REDIRECT, browser, loginHint: ANA.email });
    const other = await browser.get(readConfirmForm(started.html, origin).other);
    expect(other.status).toBe(200);
    expect(readSignInForm(await other.text(), origin).login).toBe(ANA.email);
  });
});

describe('targeted lock-out on the provider pages (issue 14)', () => {
  /** The sign-in page of a new authorization in `browser`; returns what a password post needs. */
  async function page(test: Awaited<ReturnType<typeof startServerWithAna>>, browser: Browser) {
    const config = await keywayClient(test.server.issuer);
    const started = await authorize(config, test.origin, {
      redirectUri: REDIRECT,
      loginHint: ANA.loginId,
      prompt: 'login',
      browser,
    });
    return { started, form: readSignInForm(started.html, test.origin), config };
  }

  /** Posts `password` for `login` on a fresh sign-in page in `browser`; the provider's answer. */
  async function attempt(
    test: Awaited<ReturnType<typeof startServerWithAna>>,
    browser: Browser,
    password: string,
    login: string = ANA.loginId,
  ) {
    const { started, form } = await page(test, browser);
    const response = await started.browser.post(form.action, { ...form, login, password });
    return followOn(started.browser, response, test.origin);
  }

  it("a browser that signed Ana in keeps its own count: a stranger's ten wrong passwords do not lock her out there, and a forged or Bob's cookie buys nothing", async () => {
    const test = await startServerWithAna({ limits: { signInPerSourcePerMinute: 1000 } });
    await test.server.admin.createUser({
      loginId: 'bob',
      email: 'bob@example.com',
      displayName: 'Bob',
      password: 'another long password 77',
      sendWelcomeEmail: false,
    });
    const anas = new Browser();
    expect((await attempt(test, anas, ANA.password)).url).toMatch(/^http:\/\/127\.0\.0\.1:49152\/callback\?code=/);
    const known = anas.cookies.get('keyway-browser');
    expect(known).toMatch(/^[A-Za-z0-9_-]{16,}$/);

    const stranger = new Browser();
    for (let failure = 1; failure <= 10; failure++) await attempt(test, stranger, 'not her password');
    expect((await attempt(test, stranger, ANA.password)).response.status).toBe(423);

    // Her own browser still signs her in with the right password.
    expect((await attempt(test, anas, ANA.password)).url).toMatch(/\?code=/);

    // A made-up cookie value, or Bob's real one, does not make a browser Ana's.
    const forged = new Browser();
    forged.cookies.set('keyway-browser', 'A'.repeat(43), test.origin);
    expect((await attempt(test, forged, ANA.password)).response.status).toBe(423);
    const bobs = new Browser();
    expect((await attempt(test, bobs, 'another long password 77', 'bob')).url).toMatch(/\?code=/);
    expect((await attempt(test, bobs, ANA.password)).response.status).toBe(423);
  });

  it('a known browser is still bound by ten wrong passwords, and during its lock a right one answers account_locked', async () => {
    const test = await startServerWithAna({ limits: { signInPerSourcePerMinute: 1000 } });
    const anas = new Browser();
    expect((await attempt(test, anas, ANA.password)).url).toMatch(/\?code=/);
    for (let failure = 1; failure <= 9; failure++) {
      expect((await attempt(test, anas, 'not her password')).response.status).toBe(401);
    }
    expect((await attempt(test, anas, 'not her password')).response.status).toBe(423);
    expect((await attempt(test, anas, ANA.password)).response.status).toBe(423);
  });
});
