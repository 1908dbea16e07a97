import { parse } from 'csv-parse/sync';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AuditLog } from '../../../server/audit/audit-log';
import { withAuditSource } from '../../../server/audit/context';
import { openStorage } from '../../../server/storage/database';
import { ADMIN_COOKIE } from '../../../server/admin-console/routes';
import { BOB, consoleSignIn, consoleWorld, EVIL_ORIGIN, signedInAdmin, signInToConsole } from './console-sign-in';
import { formsOf, parseHtml } from '../../support/html';
import { signedInWithPassword, totpCode } from './mfa-fixture';
import { ANA, databaseUrlOf, postJson, type TestServer } from './server-fixture';
import { PageBrowser, type WebPage } from '../../support/browser';
import { alertText, heading } from '../../support/html';

/** Signs in at /admin in two steps from its sign-in page (with Ana's e-mail unless told otherwise). */
async function signIn(
  test: TestServer,
  fields: { login?: string; password?: string; code?: string },
): Promise<{ browser: PageBrowser; answer: WebPage }> {
  const browser = new PageBrowser(test.origin);
  expect(heading((await browser.get('/admin')).html)).toBe('Admin sign-in');
  return signInToConsole(test, { login: ANA.email, ...fields, code: fields.code ?? '' }, browser);
}

/** Ana's live Keyway sessions, as the console shows them. */
function sessionsShown(html: string): number {
  const section = /<h2>Active Keyway sessions<\/h2>\n([\s\S]*?)<h2>/.exec(html)?.[1] ?? '';
  return (section.match(/<li>/g) ?? []).length;
}

describe('admin console sign-in', () => {
  it('signs an admin in with the password and an authenticator code, in a __Host- cookie', async () => {
    const { test, secret } = await consoleWorld();
    const { browser, answer } = await signIn(test, { code: totpCode(secret, test) });
    expect(answer.status).toBe(303);
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith(`${ADMIN_COOKIE}=`));
    // The web-form kit's session cookie attributes (server/http/web-form.ts), always Secure here.
    expect(cookie).toMatch(
      /^__Host-keyway-admin=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure; Max-Age=\d+$/,
    );
    expect(cookie).not.toMatch(/domain=/i);
    const users = await browser.get('/admin/users');
    expect(users.status).toBe(200);
    expect(heading(users.html)).toBe('Users');
    expect(users.html).toContain('Signed in as <strong>ana</strong>');
    expect(users.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(users.html).not.toContain('<script');
  });

  it('always asks for the second factor, even under an optional MFA policy', async () => {
    const { test, secret } = await consoleWorld();
    const missing = await signIn(test, {});
    expect(missing.answer.status).toBe(400);
    expect(alertText(missing.answer.html)).toBe('Enter the 6-digit code from your authenticator app.');
    const wrong = await signIn(test, { code: totpCode(secret, test, 10) });
    expect(wrong.answer.status).toBe(401);
    expect(alertText(wrong.answer.html)).toContain('The code is not correct.');
    for (const attempt of [missing, wrong]) {
      expect(attempt.browser.cookies.has(ADMIN_COOKIE)).toBe(false);
      expect((await attempt.browser.get('/admin/users')).html).toContain('Admin sign-in');
    }
  });

  it('refuses a code already used to sign in', async () => {
    const { test, secret } = await consoleWorld();
    const code = totpCode(secret, test);
    const first = new PageBrowser(test.origin);
    expect((await consoleSignIn(first, { login: 'ana', password: ANA.password, code })).status).toBe(303);
    const second = new PageBrowser(test.origin);
    const again = await consoleSignIn(second, { login: 'ana', password: ANA.password, code });
    expect(again.status).toBe(401);
    expect(alertText(again.html)).toBe('This code has already been used. Wait for the next one.');
  });

  it('refuses a user without the admin role with a page that says so', async () => {
    const { test } = await consoleWorld();
    const { browser, answer } = await signIn(test, { login: BOB.loginId, password: BOB.password, code: '123456' });
    expect(answer.status).toBe(403);
    expect(heading(answer.html)).toBe('This account is not an administrator');
    expect(answer.html).toContain('grant-admin --user');
    expect(browser.cookies.has(ADMIN_COOKIE)).toBe(false);
  });

  it('refuses an admin without a second factor and tells them how to add one', async () => {
    const { test } = await consoleWorld();
    await test.server.admin.grantAdmin(BOB.loginId);
    const { browser, answer } = await signIn(test, { login: BOB.loginId, password: BOB.password, code: '123456' });
    expect(answer.status).toBe(403);
    expect(heading(answer.html)).toBe('Set up a second factor first');
    expect(answer.html).toContain('Add an authenticator app');
    expect(browser.cookies.has(ADMIN_COOKIE)).toBe(false);
  });

  it('refuses a wrong password before looking at anything else', async () => {
    const { test, secret } = await consoleWorld();
    const { answer } = await signIn(test, { password: 'not the password at all', code: totpCode(secret, test) });
    expect(answer.status).toBe(401);
    expect(alertText(answer.html)).toBe('The login ID or password is not correct.');
  });

  it('speaks French and German when the browser asks', async () => {
    const { test } = await consoleWorld();
    for (const [language, expected] of [
      ['fr-CH, en;q=0.5', 'Connexion administrateur'],
      ['de', 'Administrator-Anmeldung'],
      ['es, en;q=0.1', 'Admin sign-in'],
    ] as const) {
      const response = await fetch(`${test.origin}/admin`, { headers: { 'accept-language': language } });
      expect(heading(await response.text())).toBe(expected);
    }
  });
});

describe('admin console sessions', () => {
  it('ends a session left idle for 15 minutes, with a page that says so', async () => {
    const { test, secret } = await consoleWorld();
    const browser = await signedInAdmin({ test, secret }, { login: ANA.email });
    test.advance(14 * 60_000);
    expect((await browser.get('/admin/users')).status).toBe(200);
    test.advance(14 * 60_000);
    // Used 14 minutes ago: still alive (each use restarts the idle timer).
    expect((await browser.get('/admin/users')).status).toBe(200);
    test.advance(15 * 60_000 + 1);
    const expired = await browser.get('/admin/users');
    expect(expired.status).toBe(401);
    expect(heading(expired.html)).toBe('Your admin session has ended');
    expect(browser.cookies.has(ADMIN_COOKIE)).toBe(false);
  });

  it('ends a busy session 8 hours after sign-in', async () => {
    const { test, secret } = await consoleWorld();
    const browser = await signedInAdmin({ test, secret }, { login: ANA.email });
    for (let minutes = 10; minutes < 8 * 60; minutes += 10) {
      test.advance(10 * 60_000);
      expect((await browser.get('/admin/users')).status).toBe(200);
    }
    test.advance(10 * 60_000);
    const expired = await browser.get('/admin/users');
    expect(expired.status).toBe(401);
    expect(heading(expired.html)).toBe('Your admin session has ended');
  });

  it('ends the console sessions of an admin whose role is revoked', async () => {
    const { test, secret } = await consoleWorld();
    const browser = await signedInAdmin({ test, secret }, { login: ANA.email });
    await test.server.admin.revokeAdmin(ANA.loginId);
    expect((await browser.get('/admin/users')).status).toBe(401);
  });

  it('signs out', async () => {
    const { test, secret } = await consoleWorld();
    const browser = await signedInAdmin({ test, secret }, { login: ANA.email });
    const users = await browser.get('/admin/users');
    const cookie = browser.cookies.get(ADMIN_COOKIE);
    expect((await browser.submit(users, '/admin/sign-out')).status).toBe(303);
    // The old cookie value no longer opens anything, even if a copy was kept.
    const replay = new PageBrowser(test.origin);
    replay.cookies.set(ADMIN_COOKIE, cookie ?? '');
    expect((await replay.get('/admin/users')).status).toBe(401);
  });
});

describe('admin console forms', () => {
  it('refuses a cross-site post, a post without the token and one with another session’s token', async () => {
    const { test, secret } = await consoleWorld();
    const browser = await signedInAdmin({ test, secret }, { login: ANA.email });
    const page = await browser.get('/admin/user?name=bob');
    const token = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
    const edit = { csrf: token, name: 'bob', displayName: 'Hacked', email: BOB.email, aliases: '', phone: '' };
    const crossSite = await browser.post('/admin/user/edit', edit, { origin: EVIL_ORIGIN });
    expect(crossSite.status).toBe(403);
    expect(heading(crossSite.html)).toBe('This form was not accepted');
    const noToken = await browser.post('/admin/user/edit', { ...edit, csrf: '' });
    expect(noToken.status).toBe(403);
    const other = await signedInAdmin({ test, secret }, { login: ANA.email });
    const stolen = await other.post('/admin/user/edit', edit);
    expect(stolen.status).toBe(403);
    expect((await test.server.admin.findUser('bob'))?.displayName).toBe(BOB.displayName);
    // The same form from the console itself works.
    const done = await browser.post('/admin/user/edit', edit);
    expect(done.status).toBe(200);
    expect((await test.server.admin.findUser('bob'))?.displayName).toBe('Hacked');
  });

  it('asks for the admin’s password again before revoking sessions, resetting a password or MFA', async () => {
    const { test, secret } = await consoleWorld();
    await signedInWithPassword(test.origin, { loginId: BOB.loginId, password: BOB.password });
    const browser = await signedInAdmin({ test, secret }, { login: ANA.email });
    const page = await browser.get('/admin/user?name=bob');
    expect(sessionsShown(page.html)).toBe(1);
    for (const action of ['/admin/user/revoke-sessions', '/admin/user/reset-password', '/admin/user/reset-mfa']) {
      for (const reauth of ['', 'wrong password here']) {
        const refused = await browser.submit(page, action, { reauth });
        expect(refused.status).toBe(403);
        expect(alertText(refused.html)).toBe('Your password is not correct: nothing was changed.');
      }
    }
    const still = await browser.get('/admin/user?name=bob');
    expect(sessionsShown(still.html)).toBe(1);
    expect(
      (
        await postJson(test.origin, '/api/v1/sessions', {
          loginId: 'bob',
          password: BOB.password,
          installationId: 'installation-admin-1',
        })
      ).status,
    ).toBe(200);
    const revoked = await browser.submit(still, '/admin/user/revoke-sessions', { reauth: ANA.password });
    expect(revoked.status).toBe(200);
    expect(revoked.html).toContain('Sessions ended: 2.');
    expect(sessionsShown(revoked.html)).toBe(0);
  });

  it('resets a password: the new one is shown once and works, the old one no longer does', async () => {
    const { test, secret } = await consoleWorld();
    const browser = await signedInAdmin({ test, secret }, { login: ANA.email });
    const page = await browser.get('/admin/user?name=bob');
    const reset = await browser.submit(page, '/admin/user/reset-password', { reauth: ANA.password });
    expect(reset.status).toBe(200);
    const password = /data-testid="secret">([^<]+)</.exec(reset.html)?.[1] ?? '';
    const signIn = (pw: string) =>
      postJson(test.origin, '/api/v1/sessions', {
        loginId: 'bob',
        password: pw,
        installationId: 'installation-admin-2',
      });
    expect((await signIn(BOB.password)).status).toBe(401);
    expect((await signIn(password)).status).toBe(200);
  });

  it('edits a user, and names the field a bad value is in', async () => {
    const { test, secret } = await consoleWorld();
    const browser = await signedInAdmin({ test, secret }, { login: ANA.email });
    const page = await browser.get('/admin/user?name=bob');
    const saved = await browser.submit(page, '/admin/user/edit', {
      displayName: 'Robert Example',
      email: 'robert@example.com',
      aliases: 'robert@corp.onmicrosoft.com\n',
      phone: '+447700900456',
    });
    expect(saved.status).toBe(200);
    expect(saved.html).toContain('Saved.');
    const bob = await test.server.admin.findUser('robert@corp.onmicrosoft.com');
    expect(bob).toMatchObject({
      loginId: 'bob',
      email: 'robert@example.com',
      displayName: 'Robert Example',
      phone: '+447700900456',
    });
    expect(await test.server.admin.findUser('bob@example.com')).toBeUndefined();
    const bad = await browser.submit(saved, '/admin/user/edit', { email: 'not an address' });
    expect(bad.status).toBe(400);
    expect(alertText(bad.html)).toMatch(/^E-mail address: The e-mail address is not valid/);
    const taken = await browser.submit(saved, '/admin/user/edit', { aliases: ANA.email });
    expect(taken.status).toBe(400);
    expect(alertText(taken.html)).toContain('is already used by user "ana"');
  });
});

describe('admin console users', () => {
  it('pages through users by keyset and searches by name prefix', async () => {
    const { test, secret } = await consoleWorld();
    for (let i = 0; i < 55; i += 1) {
      const n = String(i).padStart(2, '0');
      await test.server.admin.createUser({
        loginId: `user${n}`,
        email: `user${n}@example.com`,
        displayName: `Zed ${n}`,
        sendWelcomeEmail: false,
      });
    }
    const browser = await signedInAdmin({ test, secret }, { login: ANA.email });
    const rowsOf = (page: WebPage) =>
      [...page.html.matchAll(/<th scope="row"><a [^>]+>([^<]+)<\/a>/g)].map((m) => m[1]);
    const first = await browser.get('/admin/users');
    expect(rowsOf(first)).toHaveLength(50);
    expect(rowsOf(first).slice(0, 3)).toEqual(['ana', 'bob', 'user00']);
    const next = /<a rel="next" href="([^"]+)"/.exec(first.html)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const second = await browser.get(next);
    expect(rowsOf(second)).toEqual(['user48', 'user49', 'user50', 'user51', 'user52', 'user53', 'user54']);
    expect(second.html).not.toContain('rel="next"');
    const byName = await browser.get('/admin/users?by=name&q=zed%205');
    expect(rowsOf(byName)).toEqual(['user50', 'user51', 'user52', 'user53', 'user54']);
    const byEmail = await browser.get('/admin/users?by=login&q=BOB%40');
    expect(rowsOf(byEmail)).toEqual(['bob']);
    expect((await browser.get('/admin/users?q=nobody')).html).toContain('No users match.');
  });

  it('imports users from CSV only after a dry run shows every row valid', async () => {
    const { test, secret } = await consoleWorld();
    const browser = await signedInAdmin({ test, secret }, { login: ANA.email });
    const page = await browser.get('/admin/import');
    const csv = [
      'loginId,email,displayName,phone,aliases',
      'carol,carol@example.com,"Carol, Example",,carol@corp.onmicrosoft.com',
      'dave,not-an-email,Dave Example,,',
      'erin,erin@example.com,Erin Example,+447700900789,',
    ].join('\n');
    const dry = await browser.submit(page, '/admin/import', { csv, mode: 'dry-run' });
    expect(dry.status).toBe(400);
    expect(dry.html).toContain('Dry run: nothing was written.');
    expect(dry.html).toMatch(/<th scope="row">2<\/th><td>carol<\/td><td>valid<\/td>/);
    expect(dry.html).toMatch(/<th scope="row">3<\/th><td>dave<\/td><td>not valid: The e-mail address is not valid/);
    // Asking to import while a row is invalid writes nothing either.
    const refused = await browser.submit(page, '/admin/import', { csv, mode: 'import' });
    expect(refused.status).toBe(400);
    expect(await test.server.admin.findUser('carol')).toBeUndefined();
    expect(await test.server.admin.findUser('erin')).toBeUndefined();
    const fixed = csv.replace('not-an-email', 'dave@example.com');
    const clean = await browser.submit(page, '/admin/import', { csv: fixed, mode: 'dry-run' });
    expect(clean.status).toBe(200);
    expect(await test.server.admin.findUser('carol')).toBeUndefined();
    const imported = await browser.submit(page, '/admin/import', { csv: fixed, mode: 'import' });
    expect(imported.status).toBe(200);
    expect(imported.html).toContain('Imported: 3.');
    expect(await test.server.admin.findUser('carol@corp.onmicrosoft.com')).toMatchObject({
      displayName: 'Carol, Example',
    });
    expect(await test.server.admin.findUser('erin')).toMatchObject({ phone: '+447700900789' });
    // A second run of the same file: every row's name is taken now.
    const again = await browser.submit(page, '/admin/import', { csv: fixed, mode: 'dry-run' });
    expect(again.html).toContain('is already used by user &quot;carol&quot;');
  });

  it('refuses a CSV it cannot read, naming the problem', async () => {
    const { test, secret } = await consoleWorld();
    const browser = await signedInAdmin({ test, secret }, { login: ANA.email });
    const page = await browser.get('/admin/import');
    const answer = await browser.submit(page, '/admin/import', {
      csv: 'loginId,email,displayName\n"carol,c@e.com',
      mode: 'dry-run',
    });
    expect(answer.status).toBe(400);
    expect(alertText(answer.html)).toMatch(/^The CSV could not be read: /);
    const unknown = await browser.submit(page, '/admin/import', {
      csv: 'loginId,email,name\nx,x@e.com,X',
      mode: 'dry-run',
    });
    expect(alertText(unknown.html)).toContain('Unknown column "name"');
  });
});

describe('admin console settings', () => {
  it('keeps the passkey channel when an admin saves the MFA settings as shown (every channel the server knows is a box)', async () => {
    const { test, secret } = await consoleWorld();
    await test.server.admin.setMfaPolicy({ channels: 'totp,passkey', mode: 'optional', trustDays: 30 });
    const browser = await signedInAdmin({ test, secret }, { login: ANA.email });
    const page = await browser.get('/admin/settings');
    const form = formsOf(parseHtml(page.html), test.origin).find((f) => f.action.pathname === '/admin/settings/mfa');
    expect(form?.fields).toMatchObject({ 'channel-totp': 'on', 'channel-passkey': 'on' });
    expect(form?.fields).not.toHaveProperty('channel-email');
    // The admin changes only the trust days; the boxes go back as the page showed them (the select is typed:
    // formsOf reads inputs' values, not a select's chosen option).
    const saved = await browser.post('/admin/settings/mfa', { ...form?.fields, mode: 'optional', trustDays: '7' });
    expect(saved.status).toBe(200);
    expect(await test.server.admin.mfaPolicy()).toEqual({
      channels: ['totp', 'passkey'],
      mode: 'optional',
      trustDays: 7,
    });
  });

  it('changes the MFA policy and forgot-password switch, naming the field of a bad value', async () => {
    const { test, secret } = await consoleWorld();
    const browser = await signedInAdmin({ test, secret }, { login: ANA.email });
    const page = await browser.get('/admin/settings');
    const saved = await browser.submit(page, '/admin/settings/mfa', {
      'channel-totp': 'on',
      'channel-email': 'on',
      mode: 'enforced',
      trustDays: '14',
    });
    expect(saved.status).toBe(200);
    expect(await test.server.admin.mfaPolicy()).toEqual({
      channels: ['totp', 'email'],
      mode: 'enforced',
      trustDays: 14,
    });
    const bad = await browser.submit(page, '/admin/settings/mfa', {
      'channel-totp': 'on',
      mode: 'optional',
      trustDays: '0',
    });
    expect(bad.status).toBe(400);
    // English: the form's label, then the service's own sentence (the CLI's).
    expect(alertText(bad.html)).toBe(
      'Remember devices for (days, 1 to 365): Device trust must be a whole number of days from 1 to 365.',
    );
    expect((await test.server.admin.mfaPolicy()).mode).toBe('enforced');
    const forgot = await browser.submit(page, '/admin/settings/forgot-password', { enabled: 'on', linkMinutes: '20' });
    expect(forgot.status).toBe(200);
    expect(await test.server.admin.passwordResetPolicy()).toEqual({ enabled: true, linkTtlMinutes: 20 });
    const otp = await browser.submit(page, '/admin/settings/otp-clients/create', { otpName: 'vpn' });
    expect(otp.status).toBe(200);
    expect(/data-testid="secret">([^<]+)</.exec(otp.html)?.[1]).toBeTruthy();
    expect((await test.server.admin.listOtpClients()).map((client) => client.name)).toEqual(['vpn']);
  });
});

describe('admin console audit log', () => {
  /** The server's audit table, written beside the running server (as another instance would). */
  async function auditBeside(test: TestServer) {
    const url = await databaseUrlOf(test.dataDir);
    const storage = await openStorage(
      url === undefined ? { engine: 'sqlite', dataDir: test.dataDir } : { engine: 'postgres', url },
      { migrations: 'apply' },
    );
    onTestFinished(() => storage.close());
    const idOf = async (loginId: string) =>
      (await storage.q().selectFrom('users').select('id').where('login_id', '=', loginId).executeTakeFirstOrThrow()).id;
    let at = Date.parse('2026-03-01T10:00:00Z');
    const audit = new AuditLog(storage, () => at);
    return { audit, idOf, setDay: (iso: string) => void (at = Date.parse(iso)) };
  }

  it('filters by user, type and dates, and exports CSV and JSON lines', async () => {
    const { test, secret } = await consoleWorld();
    const { audit, idOf, setDay } = await auditBeside(test);
    const [ana, bob] = [await idOf('ana'), await idOf('bob')];
    await audit.record({
      type: 'sign-in.succeeded',
      actor: { kind: 'user', userId: ana },
      userId: ana,
      details: { method: 'password' },
    });
    setDay('2026-03-02T10:00:00Z');
    await withAuditSource({ sourceAddress: '192.0.2.9', userAgent: '=HYPERLINK("http://evil.example")' }, () =>
      audit.record({
        type: 'sign-in.failed',
        actor: { kind: 'anonymous' },
        userId: bob,
        reason: 'invalid_credentials',
        details: { method: 'password' },
      }),
    );
    setDay('2026-03-03T10:00:00Z');
    await audit.record({
      type: 'admin.user-created',
      actor: { kind: 'admin', name: 'console:ana' },
      userId: bob,
      details: { aliases: 0, phone: false, welcomeEmail: false },
    });
    const browser = await signedInAdmin({ test, secret }, { login: ANA.email });
    const typesOn = (page: WebPage) => [...page.html.matchAll(/<\/th>\n<td>([a-z.-]+)<\/td>/g)].map((m) => m[1]);
    // The journeys record their own events now (the users' creation, the admin's sign-in): the seeded ones
    // are in March, so every list below is kept to March.
    const march = 'from=2026-03-01&to=2026-03-31';
    const all = await browser.get(`/admin/audit?${march}`);
    expect(all.status).toBe(200);
    expect(typesOn(all)).toEqual(['admin.user-created', 'sign-in.failed', 'sign-in.succeeded']);
    expect(typesOn(await browser.get(`/admin/audit?user=bob%40example.com&${march}`))).toEqual([
      'admin.user-created',
      'sign-in.failed',
    ]);
    expect(typesOn(await browser.get(`/admin/audit?type=sign-in.failed&${march}`))).toEqual(['sign-in.failed']);
    expect(typesOn(await browser.get('/admin/audit?from=2026-03-02&to=2026-03-02'))).toEqual(['sign-in.failed']);
    const badDate = await browser.get('/admin/audit?from=March');
    expect(badDate.status).toBe(400);
    expect(alertText(badDate.html)).toBe('From: "March" is not a date (YYYY-MM-DD).');
    const badUser = await browser.get('/admin/audit?user=nobody');
    expect(alertText(badUser.html)).toMatch(/^User: no user has/);

    const csv = await browser.get(`/admin/audit/export?user=bob&format=csv&${march}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="keyway-audit-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const rows = parse<Record<string, string>>(csv.html, { columns: true });
    expect(rows.map((row) => row.type)).toEqual(['admin.user-created', 'sign-in.failed']);
    expect(rows[0]?.actor).toBe('admin:console:ana');
    // A client-chosen user agent cannot become a spreadsheet formula.
    expect(rows[1]?.userAgent).toBe(`'=HYPERLINK("http://evil.example")`);
    expect(rows[1]?.reason).toBe('invalid_credentials');
    const lines = await browser.get(`/admin/audit/export?type=sign-in.failed&format=jsonl&${march}`);
    const events = lines.html
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; sourceAddress: string });
    expect(events).toEqual([expect.objectContaining({ type: 'sign-in.failed', sourceAddress: '192.0.2.9' })]);
    // Not for anyone without an admin session.
    expect((await new PageBrowser(test.origin).get('/admin/audit/export?format=csv')).html).toContain('Admin sign-in');
  });
});
