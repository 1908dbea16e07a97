import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { SessionTokens } from '../../../protocol/api';
import { ADMIN_COOKIE } from '../../../server/admin-console/routes';
import { BOB, consoleWorld, EVIL_ORIGIN, signedInAdmin } from './console-sign-in';
import { ANA, expectProblem, getJson, postJson, type TestServer } from './server-fixture';
import { PageBrowser, type WebPage } from '../../support/browser';
import { alertText, heading } from '../../support/html';

/**
 * The console's Deployments, Deployment profiles and Licenses pages over real HTTP (issue 18): every
 * action is visible in the page that follows, bad input is refused with a message naming the field,
 * every form is refused without its CSRF token or from another origin, and revoking a deployment asks
 * for the admin's password.
 */

const BOB_INSTALLATION = 'installation-bob-console-1';

/** Ana an admin signed in to the console (her authenticator app; an optional user policy), Bob a plain user. */
async function consoleServer(): Promise<{ test: TestServer; browser: PageBrowser }> {
  const world = await consoleWorld();
  return { test: world.test, browser: await signedInAdmin(world) };
}

/** The newest deployment e-mail in the server's outbox (no SMTP relay): its landing link and code. */
async function newestDeploymentMail(test: TestServer): Promise<{ landingUrl: string; code: string; to: string }> {
  const outbox = path.join(test.dataDir, 'outbox');
  const name = readdirSync(outbox)
    .filter((each) => each.includes('-deployment-'))
    .sort()
    .at(-1);
  if (name === undefined) throw new Error('No deployment e-mail in the outbox.');
  const mail = await simpleParser(readFileSync(path.join(outbox, name)));
  const text = mail.text ?? '';
  const landingUrl = /https?:\/\/\S+\/deploy\?code=\S+/.exec(text)?.[0] ?? '';
  const code = new URL(landingUrl).searchParams.get('code') ?? '';
  const to = Array.isArray(mail.to) ? '' : (mail.to?.text ?? '');
  return { landingUrl, code, to };
}

/** Each deployment row: id → its status and details cells, as shown. */
function rowsOf(page: WebPage): Map<number, { state: string; details: string }> {
  const rows = new Map<number, { state: string; details: string }>();
  for (const [, id = '', state = '', details = ''] of page.html.matchAll(
    /<tr data-deployment="(\d+)">[\s\S]*?<\/td>\n<td>([^<]*)<\/td><td>[^<]*<\/td><td>[^<]*<\/td>\n<td>([^]*?)<\/td>/g,
  )) {
    rows.set(Number(id), { state, details });
  }
  return rows;
}

function noticeText(html: string): string | undefined {
  return /role="status">([^<]*)</.exec(html)?.[1]?.replaceAll('&quot;', '"');
}

/** The MFA channels whose box is ticked on a profile page, in page order. */
function ticked(html: string): string[] {
  return [...html.matchAll(/<input type="checkbox" id="mfaChannel-(\w+)"[^>]*?( checked)?>/g)]
    .filter((match) => match[2] !== undefined)
    .map((match) => match[1] ?? '');
}

function csrfOf(page: WebPage): string {
  return /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
}

describe('admin console deployments', () => {
  it('sends, shows sent → opened → redeemed (when, installation, version), re-sends and revokes', async () => {
    const { test, browser } = await consoleServer();
    const empty = await browser.get('/admin/deployments?user=bob');
    expect(heading(empty.html)).toBe('Deployments');
    expect(empty.html).toContain('No deployments.');
    // Everyone's: Ana's (the fixture redeemed one for her) is listed, with no version given by its client.
    const anas = rowsOf(await browser.get('/admin/deployments')).get(1);
    expect(anas?.state).toBe('redeemed');
    expect(anas?.details).toMatch(/by installation installation-mfa-aaaa, Keyway \(version not given\)$/);

    const sent = await browser.submit(empty, '/admin/deployments/send', { user: 'bob@example.com' });
    expect(sent.status).toBe(200);
    const [first] = await test.server.admin.listDeployments({ user: 'bob' });
    expect(noticeText(sent.html)).toBe(`Deployment ${first?.id} was sent to bob@example.com.`);
    expect(rowsOf(sent).get(first?.id ?? 0)?.state).toBe('sent');
    const mail = await newestDeploymentMail(test);
    expect(mail.to).toContain('bob@example.com');

    expect((await fetch(mail.landingUrl)).status).toBe(200);
    const opened = rowsOf(await browser.get('/admin/deployments?user=bob')).get(first?.id ?? 0);
    expect(opened?.state).toBe('opened');
    expect(opened?.details).toMatch(/^landing page opened \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

    const redeem = await postJson(test.origin, '/api/v1/deployments/redeem', {
      code: mail.code,
      installationId: BOB_INSTALLATION,
      clientVersion: '1.4.2',
    });
    expect(redeem.status).toBe(200);
    // The user's own page shows the same status, with the installation and the client version.
    const userPage = await browser.get('/admin/user?name=bob');
    const redeemed = rowsOf(userPage).get(first?.id ?? 0);
    expect(redeemed?.state).toBe('redeemed');
    expect(redeemed?.details).toMatch(
      new RegExp(`redeemed \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} by installation ${BOB_INSTALLATION}, Keyway 1\\.4\\.2`),
    );

    // From the user page: a second deployment, then a re-send (a new code; the old one is revoked).
    const second = await browser.submit(userPage, '/admin/deployments/send');
    expect(second.status).toBe(200);
    const [secondId] = [...rowsOf(second).keys()].filter((id) => id !== first?.id);
    const secondCode = (await newestDeploymentMail(test)).code;
    const resent = await browser.post('/admin/deployments/resend', {
      csrf: csrfOf(second),
      id: String(secondId),
      user: 'bob',
    });
    expect(resent.status).toBe(200);
    const thirdId = Math.max(...rowsOf(resent).keys());
    expect(noticeText(resent.html)).toBe(
      `A new deployment (${thirdId}) was sent to bob@example.com. The previous code no longer works.`,
    );
    expect(rowsOf(resent).get(secondId ?? 0)?.state).toBe('revoked');
    expect(rowsOf(resent).get(thirdId)?.state).toBe('sent');
    expectProblem(
      await postJson(test.origin, '/api/v1/deployments/redeem', {
        code: secondCode,
        installationId: 'installation-x-1',
      }),
      'deployment_expired',
      410,
    );

    // Revoke asks for the admin's password; without it or with a wrong one nothing changes.
    const thirdCode = (await newestDeploymentMail(test)).code;
    for (const reauth of ['', 'not the admin password']) {
      const refused = await browser.post('/admin/deployments/revoke', {
        csrf: csrfOf(resent),
        id: String(thirdId),
        user: 'bob',
        reauth,
      });
      expect(refused.status).toBe(403);
      expect(alertText(refused.html)).toBe('Your password is not correct: nothing was changed.');
      expect(rowsOf(refused).get(thirdId)?.state).toBe('sent');
    }
    const revoked = await browser.post('/admin/deployments/revoke', {
      csrf: csrfOf(resent),
      id: String(thirdId),
      user: 'bob',
      reauth: ANA.password,
    });
    expect(revoked.status).toBe(200);
    expect(noticeText(revoked.html)).toBe(`Deployment ${thirdId} was revoked: its code no longer works.`);
    expect(rowsOf(revoked).get(thirdId)?.state).toBe('revoked');
    expectProblem(
      await postJson(test.origin, '/api/v1/deployments/redeem', {
        code: thirdCode,
        installationId: 'installation-x-2',
      }),
      'deployment_expired',
      410,
    );
    // Redeemed and revoked ones offer no revoke form; a hand-made post is refused naming the field.
    expect(revoked.html).not.toContain(`id="reauth-deployment-${thirdId}"`);
    const late = await browser.post('/admin/deployments/revoke', {
      csrf: csrfOf(resent),
      id: String(first?.id),
      user: 'bob',
      reauth: ANA.password,
    });
    expect(late.status).toBe(400);
    expect(alertText(late.html)).toMatch(/^Deployment: Deployment \d+ cannot be revoked: it was redeemed already/);
  });

  it('names the field of a bad value', async () => {
    const { test, browser } = await consoleServer();
    const page = await browser.get('/admin/deployments');
    const nobody = await browser.submit(page, '/admin/deployments/send', { user: 'nobody@example.com' });
    expect(nobody.status).toBe(400);
    expect(alertText(nobody.html)).toBe(
      'User (login ID, e-mail or alias): No user has the login ID, e-mail address or alias "nobody@example.com".',
    );
    expect(await test.server.admin.listDeployments({ user: 'bob' })).toEqual([]);
    const filter = await browser.get('/admin/deployments?user=nobody');
    expect(filter.status).toBe(400);
    expect(alertText(filter.html)).toMatch(/^User \(login ID, e-mail or alias\): No user has/);
    const badId = await browser.post('/admin/deployments/resend', { csrf: csrfOf(page), id: '1; drop', user: '' });
    expect(badId.status).toBe(400);
    expect(alertText(badId.html)).toBe('Deployment: "1; drop" is not one of the choices.');
    const unknownId = await browser.post('/admin/deployments/resend', { csrf: csrfOf(page), id: '999', user: '' });
    expect(alertText(unknownId.html)).toBe('Deployment: No deployment has the id 999.');
  });

  it("shows and edits a profile's allowed MFA channels: ticked boxes, cleared by ticking none, a bad box named", async () => {
    const { test, browser } = await consoleServer();
    // Set as the CLI sets it (profile create --mfa-channels totp,passkey): the console shows it.
    await test.server.admin.createProfile('Field', { mfaChannels: 'totp,passkey' });
    const list = await browser.get('/admin/profiles');
    expect(list.html).toContain('Allowed MFA channels: Authenticator app, Passkey');
    const page = await browser.get('/admin/profile?name=Field');
    expect(ticked(page.html)).toEqual(['totp', 'passkey']);
    expect(page.html).toContain('<legend>Allowed MFA channels</legend>');

    const blank = {
      signInMethod: '',
      mfaMode: '',
      licenseVersion: '',
      forgotPassword: '',
      manualLogin: '',
      language: '',
      updateChannel: '',
    };
    const saved = await browser.submit(page, '/admin/profile/edit', {
      ...blank,
      'mfaChannel-sms': 'on',
      'mfaChannel-email': 'on',
    });
    expect(saved.status).toBe(200);
    expect(noticeText(saved.html)).toBe('Saved.');
    expect(ticked(saved.html)).toEqual(['email', 'sms']);
    expect((await test.server.admin.listProfiles())[0]?.settings).toEqual({ mfaChannels: 'email,sms' });

    // A box sends "on" or nothing; anything else is refused with the field's name, and nothing changes.
    const hostile = await browser.submit(saved, '/admin/profile/edit', { ...blank, 'mfaChannel-totp': 'yes' });
    expect(hostile.status).toBe(400);
    expect(alertText(hostile.html)).toBe('Allowed MFA channels: "yes" is not one of the choices.');
    expect((await test.server.admin.listProfiles())[0]?.settings).toEqual({ mfaChannels: 'email,sms' });

    // None ticked: the profile says nothing about channels, so the server's apply.
    const cleared = await browser.submit(saved, '/admin/profile/edit', blank);
    expect(noticeText(cleared.html)).toBe('Saved.');
    expect(ticked(cleared.html)).toEqual([]);
    expect((await test.server.admin.listProfiles())[0]?.settings).toEqual({});

    const cookie = `${ADMIN_COOKIE}=${browser.cookies.get(ADMIN_COOKIE) ?? ''}`;
    for (const [language, legend] of [
      ['fr', 'Canaux MFA autorisés'],
      ['de', 'Erlaubte MFA-Kanäle'],
    ] as const) {
      const response = await fetch(`${browser.origin}/admin/profile?name=Field`, {
        headers: { cookie, 'accept-language': language },
      });
      expect(await response.text()).toContain(`<legend>${legend}</legend>`);
    }
  });

  it("offers only the server's channels, and refuses an enforced profile whose channels the server allows none of (en/fr/de)", async () => {
    const { test, browser } = await consoleServer();
    await test.server.admin.setMfaPolicy({ channels: 'totp,email', mode: 'optional' });
    await test.server.admin.createProfile('Field', { mfaChannels: 'totp' });
    const page = await browser.get('/admin/profile?name=Field');
    const box = (channel: string) =>
      new RegExp(`<input type="checkbox" id="mfaChannel-${channel}"[^>]*>`).exec(page.html)?.[0] ?? '';
    expect(box('totp')).not.toContain('disabled');
    expect(box('email')).not.toContain('disabled');
    // The others are shown disabled, with the reason read with them.
    for (const channel of ['sms', 'passkey']) {
      expect(box(channel)).toContain(' disabled');
      expect(box(channel)).toContain(`aria-describedby="mfaChannel-${channel}-off"`);
      expect(page.html).toContain(
        `<span id="mfaChannel-${channel}-off" class="muted">(not allowed by this server’s MFA settings)</span>`,
      );
    }
    const form = {
      signInMethod: '',
      mfaMode: 'enforced',
      licenseVersion: '',
      forgotPassword: '',
      manualLogin: '',
      language: '',
      updateChannel: '',
    };
    // Attack (a stale or forged form): MFA enforced on SMS only, which the server does not allow.
    const refused = await browser.submit(page, '/admin/profile/edit', { ...form, 'mfaChannel-sms': 'on' });
    expect(refused.status).toBe(400);
    expect(alertText(refused.html)).toBe(
      'Allowed MFA channels: MFA is enforced for this profile’s users, but none of the ticked channels is allowed by the server (Authenticator app, Code by e-mail). Tick at least one of them, or none to leave it to the server.',
    );
    expect((await test.server.admin.listProfiles())[0]?.settings).toEqual({ mfaChannels: 'totp' });
    for (const [language, start] of [
      ['fr', 'Canaux MFA autorisés : La MFA est obligatoire'],
      ['de', 'Erlaubte MFA-Kanäle: MFA ist für die Benutzer dieses Profils Pflicht'],
    ] as const) {
      const reader = new PageBrowser(browser.origin, { 'accept-language': language });
      for (const name of browser.cookies.keys()) reader.cookies.set(name, browser.cookies.get(name) ?? '');
      const answer = await reader.submit(page, '/admin/profile/edit', { ...form, 'mfaChannel-sms': 'on' });
      expect(answer.status).toBe(400);
      expect(alertText(answer.html)).toContain(start);
    }
    // Enforced by the server rather than the profile: the same refusal.
    await test.server.admin.setMfaPolicy({ mode: 'enforced' });
    const byServer = await browser.submit(page, '/admin/profile/edit', {
      ...form,
      mfaMode: '',
      'mfaChannel-sms': 'on',
    });
    expect(byServer.status).toBe(400);
    expect((await test.server.admin.listProfiles())[0]?.settings).toEqual({ mfaChannels: 'totp' });
    // One shared channel is enough.
    const saved = await browser.submit(page, '/admin/profile/edit', {
      ...form,
      'mfaChannel-sms': 'on',
      'mfaChannel-email': 'on',
    });
    expect(saved.status).toBe(200);
    expect((await test.server.admin.listProfiles())[0]?.settings).toEqual({
      mfaMode: 'enforced',
      mfaChannels: 'email,sms',
    });
    expect(saved.html).not.toContain('mfa-channels-fallback');

    // The server's policy shrinks afterwards (allowed: it may be an emergency): the page says what the
    // profile's users get now, and a push of the draft is refused with the same message.
    await test.server.admin.setMfaPolicy({ channels: 'totp' });
    const shrunk = await browser.get('/admin/profile?name=Field');
    expect(shrunk.html).toContain(
      'None of this profile’s channels (Code by e-mail, Code by text message) is allowed by the server any more: its users get the server’s channels (Authenticator app) instead',
    );
    const push = await browser.submit(shrunk, '/admin/profile/push');
    expect(push.status).toBe(400);
    expect(alertText(push.html)).toContain('none of the ticked channels is allowed by the server (Authenticator app)');
    expect((await test.server.admin.listProfiles())[0]?.pushed).toBeNull();
  });

  it('marks the current page in the nav, puts tables in a labelled focusable region, and styles from its own file', async () => {
    const { test, browser } = await consoleServer();
    await test.server.admin.createProfile('Field', {});
    const current = (html: string): string[] =>
      [...html.matchAll(/<a href="([^"]+)" aria-current="page">/g)].map((match) => match[1] ?? '');
    for (const [path, entry] of [
      ['/admin/users', '/admin/users'],
      ['/admin/user?name=bob', '/admin/users'],
      ['/admin/profiles', '/admin/profiles'],
      ['/admin/profile?name=Field', '/admin/profiles'],
      ['/admin/deployments', '/admin/deployments'],
      ['/admin/audit', '/admin/audit'],
      ['/admin/settings', '/admin/settings'],
    ] as const) {
      expect(current((await browser.get(path)).html), path).toEqual([entry]);
    }
    // A form's answer marks the page it belongs to.
    const profile = await browser.get('/admin/profile?name=Field');
    const saved = await browser.submit(profile, '/admin/profile/edit', { language: 'de' });
    expect(current(saved.html)).toEqual(['/admin/profiles']);

    const users = await browser.get('/admin/users');
    expect(users.html).toContain('<div class="table-scroll" role="region" tabindex="0" aria-label="Users"><table>');
    expect(users.html).toContain('<link rel="stylesheet" href="/assets/admin-console.css">');
    expect(users.headers.get('content-security-policy')).toMatch(/style-src 'self';/);
    expect(users.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const css = await fetch(`${test.origin}/assets/admin-console.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.table-scroll { overflow-x: auto;');
  });

  it('speaks French and German', async () => {
    const { browser } = await consoleServer();
    for (const [language, expected] of [
      ['fr', ['Déploiements', 'Profils de déploiement', 'Licences']],
      ['de', ['Bereitstellungen', 'Bereitstellungsprofile', 'Lizenzen']],
    ] as const) {
      const headings = [];
      for (const page of ['/admin/deployments', '/admin/profiles', '/admin/licenses']) {
        const cookie = `${ADMIN_COOKIE}=${browser.cookies.get(ADMIN_COOKIE) ?? ''}`;
        const response = await fetch(`${browser.origin}${page}`, { headers: { cookie, 'accept-language': language } });
        headings.push(heading(await response.text()));
      }
      expect(headings).toEqual(expected);
    }
  });
});

describe('admin console profiles and licenses', () => {
  it('publishes licenses, creates and edits a profile, assigns it and pushes it: the reach is shown', async () => {
    const { test, browser } = await consoleServer();
    // Bob has one installation (a redeemed deployment): the push reaches it.
    const { code } = await test.server.admin.createDeployment('bob');
    expect(
      (await postJson(test.origin, '/api/v1/deployments/redeem', { code, installationId: BOB_INSTALLATION })).status,
    ).toBe(200);

    const licenses = await browser.get('/admin/licenses');
    expect(licenses.html).toContain('None published yet.');
    const v1 = await browser.submit(licenses, '/admin/licenses/publish', { version: '2026.1', text: 'Terms one.' });
    expect(v1.status).toBe(200);
    expect(noticeText(v1.html)).toBe('Version 2026.1 was published.');
    const v2 = await browser.submit(v1, '/admin/licenses/publish', { version: '2026.2', text: 'Terms two.' });
    expect(v2.html).toMatch(/<th scope="row">2026\.2 \(current\)<\/th>/);
    expect(v2.html).toMatch(/<th scope="row">2026\.1<\/th>/);
    const again = await browser.submit(v2, '/admin/licenses/publish', { version: '2026.2', text: 'Other terms.' });
    expect(again.status).toBe(400);
    expect(alertText(again.html)).toBe(
      'License version "2026.2" is already published; publish the new text under a new version.',
    );
    expect(again.html).toContain('Other terms.</textarea>');
    const blank = await browser.submit(v2, '/admin/licenses/publish', { version: ' ', text: 'x' });
    expect(alertText(blank.html)).toMatch(/^The license version \(1 to 64 characters\) is not valid/);
    expect((await test.server.admin.listLicenses()).map((each) => each.version)).toEqual(['2026.2', '2026.1']);

    const profiles = await browser.get('/admin/profiles');
    expect(profiles.html).toContain('No profiles yet.');
    const badName = await browser.submit(profiles, '/admin/profiles/create', { profile: '<sales>' });
    expect(badName.status).toBe(400);
    expect(alertText(badName.html)).toMatch(/^Profile name: "<sales>" is not a profile name/);
    const created = await browser.submit(profiles, '/admin/profiles/create', { profile: 'Sales' });
    expect(created.status).toBe(200);
    expect(heading(created.html)).toBe('Profile Sales');
    expect(noticeText(created.html)).toBe('The profile was created.');

    const settings = {
      signInMethod: 'password',
      mfaMode: 'enforced',
      licenseVersion: '2026.1',
      forgotPassword: 'off',
      manualLogin: '',
      language: 'fr',
      updateChannel: 'beta',
    };
    const saved = await browser.submit(created, '/admin/profile/edit', settings);
    expect(saved.status).toBe(200);
    expect(noticeText(saved.html)).toBe('Saved.');
    expect(saved.html).toContain('<option value="2026.1" selected>');
    expect(saved.html).toContain('<option value="fr" selected>');
    const [draft] = await test.server.admin.listProfiles();
    expect(draft?.settings).toEqual({
      signInMethod: 'password',
      mfaMode: 'enforced',
      licenseVersion: '2026.1',
      features: { forgotPassword: false },
      language: 'fr',
      updateChannel: 'beta',
    });
    const hostile = await browser.submit(saved, '/admin/profile/edit', { ...settings, language: 'xx' });
    expect(hostile.status).toBe(400);
    expect(alertText(hostile.html)).toBe('Language: "xx" is not one of the choices.');
    const unpublished = await browser.submit(saved, '/admin/profile/edit', { ...settings, licenseVersion: '9' });
    expect(alertText(unpublished.html)).toMatch(/^License version "9" is not published/);
    expect((await test.server.admin.listProfiles())[0]?.settings).toEqual(draft?.settings);

    const neither = await browser.submit(saved, '/admin/profile/assign', { mode: 'assign' });
    expect(alertText(neither.html)).toBe('Fill in either a user or a domain.');
    const nobody = await browser.submit(saved, '/admin/profile/assign', { user: 'nobody', mode: 'assign' });
    expect(alertText(nobody.html)).toMatch(/^User \(login ID, e-mail or alias\): No user has/);
    const badDomain = await browser.submit(saved, '/admin/profile/assign', { domain: 'http://x', mode: 'assign' });
    expect(alertText(badDomain.html)).toMatch(/^E-mail domain \(corp\.example\): "http:\/\/x" is not a domain name/);
    const toBob = await browser.submit(saved, '/admin/profile/assign', { user: 'bob', mode: 'assign' });
    expect(noticeText(toBob.html)).toBe('Assigned.');
    expect(toBob.html).toContain('Users assigned by name: 1.');
    const toDomain = await browser.submit(toBob, '/admin/profile/assign', { domain: 'Corp.Example', mode: 'assign' });
    expect(toDomain.html).toContain('<li>corp.example <form');
    const offDomain = await browser.submit(toDomain, '/admin/profile/unassign', {});
    expect(noticeText(offDomain.html)).toBe('The assignment was removed.');
    expect(offDomain.html).not.toContain('<li>corp.example');
    const twice = await browser.submit(offDomain, '/admin/profile/assign', {
      domain: 'corp.example',
      mode: 'unassign',
    });
    expect(noticeText(twice.html)).toBe('There was no such assignment: nothing changed.');

    // Before the push, Bob's session answers carry no profile; after it, the pushed one.
    const bobSignIn = async () => {
      const response = await postJson(test.origin, '/api/v1/sessions', {
        loginId: 'bob',
        password: BOB.password,
        installationId: BOB_INSTALLATION,
      });
      expect(response.status).toBe(200);
      return SessionTokens.parse(response.body);
    };
    const before = await bobSignIn();
    expect(before.config ?? null).toBeNull();
    const pushed = await browser.submit(twice, '/admin/profile/push');
    expect(pushed.status).toBe(200);
    const [profile] = await test.server.admin.listProfiles();
    const version = profile?.pushed?.version;
    expect(noticeText(pushed.html)).toBe(`Pushed as version ${version}: it reaches 1 users and 1 installations.`);
    expect(pushed.html).toContain(
      'Change: nothing set → Sign-in method: Password; MFA policy: Enforced for everyone; License version: 2026.1; Forgot password: Off; Language: Français; Auto-update channel: Beta',
    );
    // The pushed profile enforces MFA, so Bob's next password sign-in is a challenge (profile-enforcement.test.ts);
    // his live session asks for what it carries now (GET /me/config, as a session answer would).
    const now = await getJson(test.origin, '/api/v1/me/config', { authorization: `Bearer ${before.accessToken}` });
    expect(now.body).toMatchObject({ config: { profile: 'Sales', version, settings: { language: 'fr' } } });

    // The list shows it pushed; a later edit shows the draft ahead of what clients have.
    expect((await browser.get('/admin/profiles')).html).toContain(`version ${version}</td>`);
    await browser.submit(pushed, '/admin/profile/edit', { ...settings, licenseVersion: '2026.2' });
    expect((await browser.get('/admin/profiles')).html).toContain(
      `version ${version} (the draft has changes not pushed yet)`,
    );
    const unknown = await browser.get('/admin/profile?name=Nope');
    expect(unknown.status).toBe(404);
    expect(alertText(unknown.html)).toBe('Profile name: No deployment profile is named "Nope".');
  });
});

describe('admin console deployment forms are guarded', () => {
  it('refuses every new form without its CSRF token or from another origin, and changes nothing', async () => {
    const { test, browser } = await consoleServer();
    await test.server.admin.publishLicense('1', 'Terms.');
    await test.server.admin.createProfile('Sales');
    await test.server.admin.assignProfile('Sales', { domain: 'corp.example' });
    const sent = await test.server.admin.createDeployment('bob');
    const page = await browser.get('/admin/deployments');
    const token = csrfOf(page);
    const forms: [string, Record<string, string>][] = [
      ['/admin/deployments/send', { user: 'bob' }],
      ['/admin/deployments/resend', { id: String(sent.id) }],
      ['/admin/deployments/revoke', { id: String(sent.id), reauth: ANA.password }],
      ['/admin/profiles/create', { profile: 'Other' }],
      ['/admin/profile/edit', { profile: 'Sales', licenseVersion: '1', language: 'de' }],
      ['/admin/profile/assign', { profile: 'Sales', user: 'bob', mode: 'assign' }],
      ['/admin/profile/unassign', { profile: 'Sales', domain: 'corp.example' }],
      ['/admin/profile/push', { profile: 'Sales' }],
      ['/admin/licenses/publish', { version: '2', text: 'New terms.' }],
    ];
    for (const [action, fields] of forms) {
      const noToken = await browser.post(action, fields);
      expect(noToken.status, action).toBe(403);
      expect(heading(noToken.html), action).toBe('This form was not accepted');
      const crossSite = await browser.post(action, { ...fields, csrf: token }, { origin: EVIL_ORIGIN });
      expect(crossSite.status, action).toBe(403);
    }
    expect((await test.server.admin.listDeployments({ user: 'bob' })).map((each) => each.state)).toEqual(['sent']);
    expect(await test.server.admin.listProfiles()).toEqual([
      expect.objectContaining({ name: 'Sales', settings: {}, pushed: null, users: 0, domains: ['corp.example'] }),
    ]);
    expect((await test.server.admin.listLicenses()).map((each) => each.version)).toEqual(['1']);
    // The same forms with the token, from the console, work (so the refusals above were the guard's).
    expect((await browser.post('/admin/profile/push', { csrf: token, profile: 'Sales' })).status).toBe(200);
    expect((await browser.post('/admin/licenses/publish', { csrf: token, version: '2', text: 'x' })).status).toBe(200);
  });
});
