import { request } from 'node:https';
import { describe, expect, it } from 'vitest';
import { DeploymentConfig } from '../../../protocol/api';
import {
  ACCOUNT_SESSION_TTL_MS,
  AccountSessionStore,
  SECOND_FACTOR_TTL_MS,
} from '../../../server/account/account-sessions';
import { UserStore } from '../../../server/users/user-store';
import { forEachEngine } from '../../support/engines';
import { selfSignedCertificate } from '../../support/tls';
import { enrolAna, startMfaServer, totpCode } from './mfa-fixture';
import { ANA, expectProblem, postJson, startServerWithAna, type TestServer } from './server-fixture';
import { gatheredAtWrites, instancesOn, roundRobin, someUser } from './store-fixture';
import { PageBrowser, type WebPage } from '../../support/browser';
import { alertText, fieldValue, firstText, heading, parseHtml, text } from '../../support/html';

const INSTALLATION = 'installation-account-a';
const OTHER_INSTALLATION = 'installation-account-b';

/** The deep link and code the signed-in account page shows. */
function linkOf(page: WebPage): { deepLink: string; code: string } {
  const button = [...parseHtml(page.html).querySelectorAll('a.button')].find((each) => text(each) === 'Open Keyway');
  const href = button?.getAttribute('href') ?? '';
  const deepLink = /^keyway:\/\/deploy\?code=./.test(href) ? href : undefined;
  const code = firstText(page.html, '[data-testid="authentication-code"]');
  if (!deepLink || !code) throw new Error(`No deployment link on:\n${page.html}`);
  return { deepLink, code };
}

function redeem(origin: string, code: string, installationId = INSTALLATION) {
  return postJson(origin, '/api/v1/deployments/redeem', { code, installationId });
}

/** Opens /account, signs in with the password; returns the browser and the page after the sign-in post. */
async function signIn(test: TestServer, password: string = ANA.password) {
  const browser = new PageBrowser(test.origin);
  const form = await browser.get('/account');
  expect(heading(form.html)).toBe('Sign in');
  const answer = await browser.submit(form, '/account/sign-in', { login: ANA.email, password });
  return { browser, answer };
}

async function signedIn(test: TestServer) {
  const { browser, answer } = await signIn(test);
  expect(answer.status).toBe(303);
  expect(answer.location).toBe(`${test.origin}/account`);
  const page = await browser.get('/account');
  expect(page.status).toBe(200);
  expect(heading(page.html)).toBe('Set up Keyway');
  return { browser, page };
}

describe('the account page (self-deployment)', () => {
  it('signs in with a hardened cookie and shows a QR code, Open Keyway and a code; the link redeems once', async () => {
    const test = await startServerWithAna();
    const { browser, answer } = await signIn(test);
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('keyway-account='));
    expect(cookie).toMatch(/; Path=\/; HttpOnly; SameSite=Strict; Max-Age=1800$/);
    const page = await browser.get('/account');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.html).toContain('role="img" aria-label="QR code of your Keyway link"><svg');
    expect(page.html).toContain('Signed in as <strong>Ana Example</strong> (ana)');

    const { deepLink, code } = linkOf(page);
    expect(deepLink).toBe(`keyway://deploy?code=${encodeURIComponent(code)}`);
    const config = DeploymentConfig.parse((await redeem(test.origin, code)).body);
    expect(config.user.loginId).toBe(ANA.loginId);
    expect(config.server.origin).toBe(test.origin);
    expectProblem(await redeem(test.origin, code, OTHER_INSTALLATION), 'deployment_used', 409);
  });

  it('on https, names its cookies with the __Host- prefix and marks them Secure', async () => {
    const tls = selfSignedCertificate();
    const test = await startServerWithAna({ tls });
    const setCookie = await new Promise<string[]>((resolve, reject) => {
      request(`${test.origin}/account`, { ca: tls.cert }, (response) => {
        response.resume();
        resolve(response.headers['set-cookie'] ?? []);
      })
        .on('error', reject)
        .end();
    });
    expect(setCookie).toEqual([
      expect.stringMatching(
        /^__Host-keyway-form=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure; Max-Age=3600$/,
      ),
    ]);
  });

  it('makes links that expire after ten minutes; a new link voids the one shown before', async () => {
    const test = await startServerWithAna();
    const { browser, page } = await signedIn(test);
    const first = linkOf(page);
    const second = linkOf(await browser.submit(page, '/account'));
    expect(second.code).not.toBe(first.code);
    expectProblem(await redeem(test.origin, first.code), 'deployment_expired', 410);

    test.advance(10 * 60 * 1000 + 1);
    expectProblem(await redeem(test.origin, second.code), 'deployment_expired', 410);
  });

  it('refuses a wrong password with the same message as an unknown user, and sets no session', async () => {
    const test = await startServerWithAna();
    const wrong = await signIn(test, 'not the password');
    expect(wrong.answer.status).toBe(401);
    expect(alertText(wrong.answer.html)).toBe('The login ID or password is not correct.');
    expect([...wrong.browser.cookies.keys()]).not.toContain('keyway-account');
    expect(heading((await wrong.browser.get('/account')).html)).toBe('Sign in');
  });

  it('refuses a sign-in post without its CSRF token or from another site', async () => {
    const test = await startServerWithAna();
    const stranger = new PageBrowser(test.origin);
    const forged = await stranger.post('/account/sign-in', { login: ANA.loginId, password: ANA.password, csrf: 'x' });
    expect(forged.status).toBe(403);

    const browser = new PageBrowser(test.origin);
    const form = await browser.get('/account');
    const csrf = fieldValue(form.html, 'csrf') ?? '';
    const crossSite = await browser.post(
      '/account/sign-in',
      { login: ANA.loginId, password: ANA.password, csrf },
      { origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    expect([...browser.cookies.keys()]).not.toContain('keyway-account');
  });

  it('asks for the authenticator code when the user has one, and counts wrong codes', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const { secret } = await enrolAna(test);
    const { browser, answer } = await signIn(test);
    expect(answer.status).toBe(200);
    expect(heading(answer.html)).toBe('Enter your code');
    // Not signed in yet: the page shows the step again, not a link.
    expect(heading((await browser.get('/account')).html)).toBe('Enter your code');

    const wrong = await browser.submit(answer, '/account/mfa/verify', { code: '000000' });
    expect(wrong.status).toBe(401);
    expect(alertText(wrong.html)).toMatch(/not right\. 4 more tries/);

    const right = await browser.submit(answer, '/account/mfa/verify', { code: totpCode(secret, test) });
    expect(right.status).toBe(303);
    const page = await browser.get('/account');
    expect(heading(page.html)).toBe('Set up Keyway');
    expect((await redeem(test.origin, linkOf(page).code)).status).toBe(200);
  });

  it('attack: the password alone never enrols a first authenticator here (enforced, none set up)', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const { browser, answer } = await signIn(test);
    expect(answer.status).toBe(403);
    expect(heading(answer.html)).toBe('You cannot finish signing in yet');
    expect(answer.html).not.toContain('<p class="code" translate="no">');
    // With e-mail allowed too, enrolment is not offered either: e-mail is the way in.
    await test.server.admin.setMfaPolicy({ channels: 'totp,email' });
    const again = await signIn(test);
    expect(again.answer.html).not.toContain('value="enroll"');
    expect(again.answer.html).not.toContain('<p class="code" translate="no">');
    expect(heading((await browser.get('/account')).html)).not.toBe('Set up Keyway');
  });

  it('ends with Sign out, and when the password is reset', async () => {
    const test = await startServerWithAna();
    const { browser, page } = await signedIn(test);
    const out = await browser.submit(page, '/account/sign-out');
    expect(out.status).toBe(303);
    expect(heading((await browser.get('/account')).html)).toBe('Sign in');

    const again = await signedIn(test);
    test.advance(1000);
    await test.server.admin.resetPassword(ANA.loginId, { password: 'a completely new passphrase' });
    expect(heading((await again.browser.get('/account')).html)).toBe('Sign in');
  });
});

forEachEngine('AccountSessionStore', (open, engine) => {
  it('finds a live session by its cookie value until it ends, expires, or the password changes', async () => {
    const storage = await open();
    let now = 1_000_000;
    const sessions = new AccountSessionStore(storage, () => now);
    const users = new UserStore(storage, () => now);
    const ana = await someUser(storage, 'ana', () => now);
    const started = await sessions.start(ana, 'second_factor');
    expect(await sessions.find(started.id)).toEqual({
      idHash: started.idHash,
      userId: ana,
      stage: 'second_factor',
      expiresAt: now + SECOND_FACTOR_TTL_MS,
      deploymentHash: undefined,
    });
    expect(await sessions.find(started.idHash)).toBeUndefined();
    await sessions.end(started.idHash);
    expect(await sessions.find(started.id)).toBeUndefined();

    const signedIn = await sessions.start(ana, 'signed_in');
    now += ACCOUNT_SESSION_TTL_MS;
    expect(await sessions.find(signedIn.id)).toBeUndefined();

    const fresh = await sessions.start(ana, 'signed_in');
    now += 1;
    await users.setPasswordHash(ana, 'new-hash');
    expect(await sessions.find(fresh.id)).toBeUndefined();
    const afterChange = await sessions.start(ana, 'signed_in');
    expect(await sessions.find(afterChange.id)).toMatchObject({ stage: 'signed_in' });
    expect(await sessions.endAllOf(ana)).toBe(2);
  });

  it('of concurrent new links on one page (several instances), each link is handed back as replaced exactly once', async () => {
    const instances = await instancesOn(engine);
    const now = 2_000_000;
    const storeOf = roundRobin(
      instances.map((storage) => new AccountSessionStore(storage, () => now)) as [
        AccountSessionStore,
        ...AccountSessionStore[],
      ],
    );
    const ana = await someUser(instances[0], 'ana');
    const { idHash } = await storeOf(0).start(ana, 'signed_in');
    const links = Array.from({ length: 8 }, (_, index) => `link-${index}`);
    // Every swap has read the page's link before any replaces it (gatheredAtWrites).
    const replaced = await gatheredAtWrites(instances[0], 'account_sessions', links.length, () =>
      Promise.all(links.map((link, index) => storeOf(index).swapDeployment(idHash, link))),
    );
    // The page shows one link last; every other one was replaced by exactly one swap (so it is expired).
    const last = (await storeOf(1).swapDeployment(idHash, 'final')) ?? '';
    expect([...replaced.filter((each) => each !== undefined), last].sort()).toEqual([...links].sort());
    expect(replaced.filter((each) => each === undefined)).toHaveLength(1);
  });
});
