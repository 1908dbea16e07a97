import { describe, expect, it } from 'vitest';
import { ADMIN_COOKIE, PENDING_COOKIE } from '../../../server/admin-console/routes';
import type { AuditEventType } from '../../../server/audit/events';
import { PageBrowser, type WebPage } from '../../support/browser';
import { alertText, heading } from '../../support/html';
import { consoleWorld, EVIL_ORIGIN } from './console-sign-in';
import { totpCode } from './mfa-fixture';
import { ANA, type TestServer } from './server-fixture';

/**
 * The console's sign-in in two steps (issue 18) over real HTTP, on SQLite and PostgreSQL (the
 * integration and integration-postgres projects): the password leaves a pending sign-in, bound to this
 * browser by a __Host- cookie, single use, five minutes; the authenticator code finishes it. The passkey
 * way is proven in Chromium by admin-console-passkey.test.ts.
 */

/** Ana an admin with an authenticator app, under an optional user MFA policy; a generous per-source limit. */
const consoleServer = () => consoleWorld({ bob: false, server: { limits: { signInPerSourcePerMinute: 1000 } } });

/** Step 1 only: the password; returns the browser at the second step's page. */
async function passwordStep(test: TestServer): Promise<{ browser: PageBrowser; step: WebPage }> {
  const browser = new PageBrowser(test.origin);
  const answer = await browser.submit(await browser.get('/admin'), '/admin/sign-in', {
    login: ANA.loginId,
    password: ANA.password,
  });
  expect(answer.status).toBe(303);
  expect(answer.location).toBe(`${test.origin}/admin/verify`);
  const step = await browser.get('/admin/verify');
  expect(step.status).toBe(200);
  expect(heading(step.html)).toBe('Confirm it is you');
  return { browser, step };
}

async function eventsOf(test: TestServer, type: AuditEventType) {
  return (await test.server.admin.auditEvents({ types: [type], limit: 100 })).events;
}

describe('admin console sign-in: the second step', () => {
  it('asks for the code on its own page after the password; a pending sign-in is no session; success starts one', async () => {
    const { test, secret } = await consoleServer();
    const { browser, step } = await passwordStep(test);
    expect(step.html).toContain('Code from your authenticator app');
    // This admin has no passkey: no passkey form, and no script under the page's CSP.
    expect(step.html).not.toContain('passkey-form');
    expect(step.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(step.html).not.toContain('<script');

    const cookie = browser.cookies.get(PENDING_COOKIE) ?? '';
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The pending sign-in opens nothing of the console, under either cookie name.
    expect(heading((await browser.get('/admin/users')).html)).toBe('Admin sign-in');
    const forged = new PageBrowser(test.origin);
    forged.cookies.set(ADMIN_COOKIE, cookie);
    expect((await forged.get('/admin/users')).status).toBe(401);

    const done = await browser.submit(step, '/admin/verify/code', { code: totpCode(secret, test) });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${test.origin}/admin/users`);
    const setCookies = done.headers.getSetCookie();
    expect(setCookies.find((line) => line.startsWith(`${ADMIN_COOKIE}=`))).toMatch(
      /^__Host-keyway-admin=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure; Max-Age=\d+$/,
    );
    // The pending cookie is dropped with the success.
    expect(setCookies).toContain(`${PENDING_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=0`);
    expect(browser.cookies.has(PENDING_COOKIE)).toBe(false);
    expect(heading((await browser.get('/admin/users')).html)).toBe('Users');
    const [signedIn] = await eventsOf(test, 'admin.console-signed-in');
    expect(signedIn?.details).toEqual({ factor: 'totp' });
  });

  it('sets the pending cookie __Host-, Secure, HttpOnly, SameSite=Strict, for 5 minutes', async () => {
    const { test } = await consoleServer();
    const browser = new PageBrowser(test.origin);
    const answer = await browser.submit(await browser.get('/admin'), '/admin/sign-in', {
      login: ANA.loginId,
      password: ANA.password,
    });
    const line = answer.headers.getSetCookie().find((each) => each.startsWith(`${PENDING_COOKIE}=`));
    expect(line).toMatch(
      /^__Host-keyway-admin-pending=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure; Max-Age=300$/,
    );
    // No session cookie yet.
    expect(answer.headers.getSetCookie().some((each) => each.startsWith(`${ADMIN_COOKIE}=`))).toBe(false);
  });

  it('attack: step 2 without step 1, or from another browser, is refused', async () => {
    const { test, secret } = await consoleServer();
    const { step } = await passwordStep(test);
    const token = /name="csrf" value="([^"]+)"/.exec(step.html)?.[1] ?? '';
    expect(token).not.toBe('');

    // No pending sign-in at all: the page and the form say the sign-in is over.
    const stranger = new PageBrowser(test.origin);
    const page = await stranger.get('/admin/verify');
    expect(page.status).toBe(401);
    expect(heading(page.html)).toBe('Your sign-in has expired');
    const posted = await stranger.post('/admin/verify/code', { csrf: token, code: totpCode(secret, test) });
    expect(posted.status).toBe(401);
    expect(stranger.cookies.has(ADMIN_COOKIE)).toBe(false);

    // Another browser with a pending sign-in of its own, posting the first browser's form (its token).
    const { browser: other } = await passwordStep(test);
    const crossed = await other.post('/admin/verify/code', { csrf: token, code: totpCode(secret, test) });
    expect(crossed.status).toBe(403);
    expect(heading(crossed.html)).toBe('This form was not accepted');
    expect(other.cookies.has(ADMIN_COOKIE)).toBe(false);
    expect(await eventsOf(test, 'admin.console-signed-in')).toEqual([]);
  });

  it('attack: a pending sign-in works once, and not after 5 minutes', async () => {
    const { test, secret } = await consoleServer();
    const { browser, step } = await passwordStep(test);
    const kept = browser.cookies.get(PENDING_COOKIE) ?? '';
    expect((await browser.submit(step, '/admin/verify/code', { code: totpCode(secret, test) })).status).toBe(303);
    test.advance(30_000);
    // The same pending cookie and form again (a copy kept by an attacker), with a fresh right code.
    const replay = new PageBrowser(test.origin);
    replay.cookies.set(PENDING_COOKIE, kept);
    const again = await replay.submit(step, '/admin/verify/code', { code: totpCode(secret, test) });
    expect(again.status).toBe(401);
    expect(heading(again.html)).toBe('Your sign-in has expired');
    expect(replay.cookies.has(ADMIN_COOKIE)).toBe(false);
    expect(await eventsOf(test, 'admin.console-signed-in')).toHaveLength(1);

    // Expiry: still good at 4:59, over at 5:00.
    const late = await passwordStep(test);
    test.advance(5 * 60_000 - 1_000);
    expect((await late.browser.get('/admin/verify')).status).toBe(200);
    test.advance(1_000);
    const copy = new PageBrowser(test.origin);
    copy.cookies.set(PENDING_COOKIE, late.browser.cookies.get(PENDING_COOKIE) ?? '');
    const expired = await late.browser.submit(late.step, '/admin/verify/code', { code: totpCode(secret, test) });
    expect(expired.status).toBe(401);
    expect(heading(expired.html)).toBe('Your sign-in has expired');
    expect(late.browser.cookies.has(ADMIN_COOKIE)).toBe(false);
    // Its page is over too (checked apart from the code, which also finds the pending sign-in gone).
    expect(heading((await copy.get('/admin/verify')).html)).toBe('Your sign-in has expired');
    expect(await eventsOf(test, 'admin.console-signed-in')).toHaveLength(1);
  });

  it('attack: an admin whose role is revoked between the two steps is refused at the second', async () => {
    const { test, secret } = await consoleServer();
    const { browser, step } = await passwordStep(test);
    await test.server.admin.revokeAdmin(ANA.loginId);
    const answer = await browser.submit(step, '/admin/verify/code', { code: totpCode(secret, test) });
    expect(answer.status).toBe(403);
    expect(heading(answer.html)).toBe('This account is not an administrator');
    expect(browser.cookies.has(ADMIN_COOKIE)).toBe(false);
    expect((await eventsOf(test, 'admin.console-sign-in-failed')).map((event) => event.reason)).toEqual(['not_admin']);
    expect(await eventsOf(test, 'admin.console-signed-in')).toEqual([]);
  });

  it('attack: wrong codes count toward the account-wide lock; once locked, the right code is refused', async () => {
    const { test, secret } = await consoleServer();
    const { browser, step } = await passwordStep(test);
    const notSix = await browser.submit(step, '/admin/verify/code', { code: '12345' });
    expect(notSix.status).toBe(400);
    expect(alertText(notSix.html)).toBe('Enter the 6-digit code from your authenticator app.');
    // The lock's limit (failure-lock.ts): 10 consecutive wrong codes lock the second step for 15 minutes.
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const wrong = await browser.submit(step, '/admin/verify/code', { code: totpCode(secret, test, 10 + attempt) });
      expect(wrong.status).toBe(401);
    }
    const refused = await browser.submit(step, '/admin/verify/code', { code: totpCode(secret, test) });
    expect(refused.status).toBe(401);
    expect(alertText(refused.html)).toBe(
      'This account is locked for now after too many wrong attempts. Try again later.',
    );
    expect(browser.cookies.has(ADMIN_COOKIE)).toBe(false);
    const reasons = (await eventsOf(test, 'admin.console-sign-in-failed')).map((event) => event.reason);
    expect(reasons.filter((reason) => reason === 'mfa_code_invalid')).toHaveLength(10);
    expect(reasons[0]).toBe('account_locked');
    // The lock is the account's: the API's second step is locked too.
    expect(await eventsOf(test, 'second-factor.locked-out')).toHaveLength(1);
  });

  it('attack: a cross-site post, or one without the pending sign-in’s token, is refused at step 2', async () => {
    const { test, secret } = await consoleServer();
    const { browser, step } = await passwordStep(test);
    const token = /name="csrf" value="([^"]+)"/.exec(step.html)?.[1] ?? '';
    const code = totpCode(secret, test);
    const crossSite = await browser.post('/admin/verify/code', { csrf: token, code }, { origin: EVIL_ORIGIN });
    expect(crossSite.status).toBe(403);
    expect(heading(crossSite.html)).toBe('This form was not accepted');
    const noToken = await browser.post('/admin/verify/code', { code });
    expect(noToken.status).toBe(403);
    expect(browser.cookies.has(ADMIN_COOKIE)).toBe(false);
    // The same post from the page itself works (the refusals spent nothing).
    const done = await browser.post('/admin/verify/code', { csrf: token, code });
    expect(done.status).toBe(303);
  });

  it('ends a pending sign-in when the password changes between the steps', async () => {
    const { test, secret } = await consoleServer();
    const { browser, step } = await passwordStep(test);
    test.advance(1_000);
    await test.server.admin.resetPassword(ANA.loginId);
    const answer = await browser.submit(step, '/admin/verify/code', { code: totpCode(secret, test) });
    expect(answer.status).toBe(401);
    expect(heading(answer.html)).toBe('Your sign-in has expired');
  });
});
