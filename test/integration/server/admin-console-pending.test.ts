import { describe, expect, it, onTestFinished } from 'vitest';
import { ADMIN_COOKIE, PENDING_COOKIE } from '../../../server/admin-console/routes';
import type { AuditEventType } from '../../../server/audit/events';
import { sha256Hex } from '../../../server/security/digest';
import { openStorage } from '../../../server/storage/database';
import { PageBrowser, type WebPage } from '../../support/browser';
import { alertText, heading } from '../../support/html';
import { consoleSignIn } from './console-sign-in';
import { enrolAna, startMfaServer, totpCode } from './mfa-fixture';
import { ANA, databaseUrlOf, type TestServer } from './server-fixture';

/**
 * The console's pending sign-ins (between the password and the second factor) kept clean, over real HTTP
 * on SQLite and PostgreSQL (the integration and integration-postgres projects): an expired one is deleted
 * when a second step looks it up, Cancel is a same-origin POST that nothing cross-site can fake, and an
 * admin's lock at the second step answers as the password step does.
 */

const EVIL_ORIGIN = 'https://evil.example';

/** Ana an admin with an authenticator app; a generous per-source limit. */
async function consoleServer(): Promise<{ test: TestServer; secret: string }> {
  const test = await startMfaServer({ mode: 'enforced' }, { limits: { signInPerSourcePerMinute: 1000 } });
  const { secret } = await enrolAna(test);
  await test.server.admin.setMfaPolicy({ mode: 'optional' });
  await test.server.admin.grantAdmin(ANA.loginId);
  return { test, secret };
}

/** Step 1 only: the password; returns the browser at the second step's page and its cookie's row key. */
async function passwordStep(test: TestServer): Promise<{ browser: PageBrowser; step: WebPage; idHash: string }> {
  const browser = new PageBrowser(test.origin);
  const answer = await browser.submit(await browser.get('/admin'), '/admin/sign-in', {
    login: ANA.loginId,
    password: ANA.password,
  });
  expect(answer.status).toBe(303);
  const step = await browser.get('/admin/verify');
  expect(step.status).toBe(200);
  expect(heading(step.html)).toBe('Confirm it is you');
  const cookie = browser.cookies.get(PENDING_COOKIE);
  expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return { browser, step, idHash: sha256Hex(cookie ?? '') };
}

/** The server's pending sign-ins table, read beside the running server (as another instance would). */
async function pendingRows(test: TestServer): Promise<() => Promise<string[]>> {
  const url = await databaseUrlOf(test.dataDir);
  const storage = await openStorage(
    url === undefined ? { engine: 'sqlite', dataDir: test.dataDir } : { engine: 'postgres', url },
    { migrations: 'apply' },
  );
  onTestFinished(() => storage.close());
  return async () =>
    (await storage.q().selectFrom('admin_pending_sign_ins').select('id_hash').execute()).map((row) => row.id_hash);
}

function tokenOf(page: WebPage, action: string): string {
  const form = new RegExp(`action="${action}">\\s*<input type="hidden" name="csrf" value="([^"]+)"`).exec(page.html);
  expect(form, `a form posting to ${action} with its token`).not.toBeNull();
  return form?.[1] ?? '';
}

async function eventsOf(test: TestServer, type: AuditEventType) {
  return (await test.server.admin.auditEvents({ types: [type], limit: 100 })).events;
}

describe('admin console: pending sign-in hygiene', () => {
  it('deletes an expired pending sign-in when a second step looks it up, and refuses that step', async () => {
    const { test, secret } = await consoleServer();
    const rows = await pendingRows(test);
    const late = await passwordStep(test);
    expect(await rows()).toEqual([late.idHash]);
    // The server's own clock (the store's), moved to the expiry: 5 minutes after the password.
    test.advance(5 * 60_000);
    const attempt = await late.browser.submit(late.step, '/admin/verify/code', { code: totpCode(secret, test) });
    expect(attempt.status).toBe(401);
    expect(heading(attempt.html)).toBe('Your sign-in has expired');
    expect(late.browser.cookies.has(ADMIN_COOKIE)).toBe(false);
    // Gone from the table, not just refused: no new sign-in started in between to prune it.
    expect(await rows()).toEqual([]);
    expect(await eventsOf(test, 'admin.console-signed-in')).toEqual([]);

    // The page's lookup prunes too: another browser's expired row is gone after its GET of the step.
    const other = await passwordStep(test);
    test.advance(5 * 60_000 + 1);
    expect(await rows()).toEqual([other.idHash]);
    expect((await other.browser.get('/admin/verify')).status).toBe(401);
    expect(await rows()).toEqual([]);
  });

  it('attack: a GET (a link, an image) or a cross-origin POST does not end the pending sign-in', async () => {
    const { test, secret } = await consoleServer();
    const rows = await pendingRows(test);
    const { browser, step, idHash } = await passwordStep(test);
    const token = tokenOf(step, '/admin/verify/cancel');

    // No GET cancels: the old "Cancel" link's target and a GET of the cancel path leave the row live.
    const signInPage = await browser.get('/admin');
    expect(signInPage.status).toBe(200);
    expect(heading(signInPage.html)).toBe('Admin sign-in');
    expect((await browser.get(`/admin/verify/cancel?csrf=${encodeURIComponent(token)}`)).status).toBe(404);
    expect(await rows()).toEqual([idHash]);
    expect(browser.cookies.has(PENDING_COOKIE)).toBe(true);
    // A cross-origin POST, even carrying the page's own token, is refused and changes nothing.
    const crossSite = await browser.post('/admin/verify/cancel', { csrf: token }, { origin: EVIL_ORIGIN });
    expect(crossSite.status).toBe(403);
    expect(heading(crossSite.html)).toBe('This form was not accepted');
    // A same-origin POST without the pending sign-in's token (another page of this origin) neither.
    expect((await browser.post('/admin/verify/cancel', {})).status).toBe(403);
    expect((await browser.post('/admin/verify/cancel', { csrf: 'x'.repeat(43) })).status).toBe(403);

    expect(await rows()).toEqual([idHash]);
    expect(browser.cookies.has(PENDING_COOKIE)).toBe(true);
    expect((await browser.get('/admin/verify')).status).toBe(200);
    // Still valid: the admin finishes the sign-in with it.
    const done = await browser.submit(step, '/admin/verify/code', { code: totpCode(secret, test) });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${test.origin}/admin/users`);
  });

  it('cancels with the page’s button: a same-origin POST ends the row, clears the cookie, goes back to step 1', async () => {
    const { test, secret } = await consoleServer();
    const rows = await pendingRows(test);
    const { browser, step, idHash } = await passwordStep(test);
    const kept = browser.cookies.get(PENDING_COOKIE) ?? '';
    expect(step.html).toContain('Cancel and start again');

    const cancelled = await browser.submit(step, '/admin/verify/cancel');
    expect(cancelled.status).toBe(303);
    expect(cancelled.location).toBe(`${test.origin}/admin`);
    expect(cancelled.headers.getSetCookie()).toContain(
      `${PENDING_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=0`,
    );
    expect(browser.cookies.has(PENDING_COOKIE)).toBe(false);
    expect(await rows()).not.toContain(idHash);
    expect(heading((await browser.get('/admin')).html)).toBe('Admin sign-in');
    // A copy of the cookie kept from before the cancel finishes nothing: the row is gone, not just the cookie.
    const copy = new PageBrowser(test.origin);
    copy.cookies.set(PENDING_COOKIE, kept);
    const replay = await copy.submit(step, '/admin/verify/code', { code: totpCode(secret, test) });
    expect(replay.status).toBe(401);
    expect(heading(replay.html)).toBe('Your sign-in has expired');
    expect(copy.cookies.has(ADMIN_COOKIE)).toBe(false);
    expect(await eventsOf(test, 'admin.console-signed-in')).toEqual([]);
  });

  it('attack: an admin locked after the password gets the password step’s lock answer at step 2', async () => {
    const { test, secret } = await consoleServer();
    const rows = await pendingRows(test);
    const pending = await passwordStep(test);
    await test.server.admin.lockUser(ANA.loginId, { reason: 'laptop stolen' });

    // What the password step answers a locked admin with the right password.
    const first = await consoleSignIn(new PageBrowser(test.origin), {
      login: ANA.loginId,
      password: ANA.password,
      code: totpCode(secret, test),
    });
    expect(first.status).toBe(403);
    expect(alertText(first.html)).toBe('Your account is locked. Contact your administrator.');

    // The second step of the sign-in begun before the lock, with the right code: the same answer.
    const second = await pending.browser.submit(pending.step, '/admin/verify/code', { code: totpCode(secret, test) });
    expect(second.status).toBe(first.status);
    expect(heading(second.html)).toBe(heading(first.html));
    expect(alertText(second.html)).toBe(alertText(first.html));
    expect(second.headers.get('retry-after')).toBe(first.headers.get('retry-after'));
    expect(pending.browser.cookies.has(ADMIN_COOKIE)).toBe(false);
    // The lock ends the pending sign-in (row and cookie), so an unlock does not revive it.
    expect(pending.browser.cookies.has(PENDING_COOKIE)).toBe(false);
    expect(await rows()).not.toContain(pending.idHash);
    const reasons = (await eventsOf(test, 'admin.console-sign-in-failed')).map((event) => event.reason);
    expect(reasons).toEqual(['account_locked_by_admin']);
    expect(await eventsOf(test, 'admin.console-signed-in')).toEqual([]);

    // The second step's page answers the same way.
    await test.server.admin.unlockUser(ANA.loginId);
    const fresh = await passwordStep(test);
    await test.server.admin.lockUser(ANA.loginId);
    const page = await fresh.browser.get('/admin/verify');
    expect(page.status).toBe(403);
    expect(alertText(page.html)).toBe('Your account is locked. Contact your administrator.');
  });

  it('attack: the second step’s own lock (wrong codes) answers as the password step’s lock: 401, Retry-After', async () => {
    const { test, secret } = await consoleServer();
    const { browser, step } = await passwordStep(test);
    // 10 consecutive wrong codes lock the second step for 15 minutes (failure-lock.ts).
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      await browser.submit(step, '/admin/verify/code', { code: totpCode(secret, test, 10 + attempt) });
    }
    const second = await browser.submit(step, '/admin/verify/code', { code: totpCode(secret, test) });
    // 10 consecutive wrong passwords lock the password step for 15 minutes (DEFAULT_LIMITS).
    const other = new PageBrowser(test.origin);
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      await other.submit(await other.get('/admin'), '/admin/sign-in', { login: ANA.loginId, password: 'wrong' });
    }
    const first = await other.submit(await other.get('/admin'), '/admin/sign-in', {
      login: ANA.loginId,
      password: ANA.password,
    });
    expect(first.status).toBe(401);
    expect(first.headers.get('retry-after')).toBe('900');
    expect(second.status).toBe(first.status);
    expect(second.headers.get('retry-after')).toBe(first.headers.get('retry-after'));
    expect(alertText(second.html)).toBe(alertText(first.html));
    expect(browser.cookies.has(ADMIN_COOKIE)).toBe(false);
  });
});
