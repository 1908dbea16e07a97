import AxeBuilder from '@axe-core/playwright';
import { chromium, type Page } from '@playwright/test';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ADMIN_COOKIE } from '../../../server/admin-console/routes';
import type { AuditEventType } from '../../../server/audit/events';
import { chromiumLaunchOptions } from '../../e2e/support/chromium';
import {
  addPasskeyInBrowser,
  assertionFrom,
  freeLocalhostPort,
  VirtualAuthenticator,
} from '../../support/virtual-authenticator';
import { PageBrowser, type WebPage } from '../../support/browser';
import { alertText, heading, parseHtml } from '../../support/html';
import { signedInWithPassword, startMfaServer } from './mfa-fixture';
import { ANA, type TestServer } from './server-fixture';

/**
 * A passkey as the admin console's second factor (issue 18), in real Chromium with the Chrome DevTools
 * Protocol's virtual authenticator (test/support/virtual-authenticator.ts), against the real server.
 * WebAuthn needs a domain for its RP ID, so the public origin is http://localhost:<port> (listening on
 * 127.0.0.1 only). The attacks post the answers with a scripted browser (PageBrowser) holding its own
 * pending sign-in; Chromium's authenticator makes the assertions.
 */

const STATE = 'state-admin-passkey-0001';
const BROWSER_TEST_MS = 180_000;
const BOB = { loginId: 'bob', email: 'bob@example.com', displayName: 'Bob', password: ANA.password };

/** Ana an admin (no authenticator app), Bob a plain user; passkeys allowed; a generous per-source limit. */
async function passkeyConsole(): Promise<TestServer> {
  const port = await freeLocalhostPort();
  const test = await startMfaServer(
    { mode: 'optional', channels: 'totp,passkey' },
    {
      port,
      host: '127.0.0.1',
      publicOrigin: `http://localhost:${port}`,
      limits: { signInPerSourcePerMinute: 1000 },
    },
  );
  await test.server.admin.grantAdmin(ANA.loginId);
  await test.server.admin.createUser({ ...BOB, aliases: [], sendWelcomeEmail: false });
  return test;
}

async function chromiumPage(): Promise<{ page: Page; passkeys: VirtualAuthenticator; violations: string[] }> {
  const browser = await chromium.launch(chromiumLaunchOptions());
  onTestFinished(() => browser.close());
  const page = await (await browser.newContext()).newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return { page, passkeys: await VirtualAuthenticator.attach(page), violations };
}

/** Adds a passkey for `loginId` through Keyway's "add a passkey" browser step (virtual-authenticator.ts). */
async function addPasskey(test: TestServer, page: Page, loginId: string): Promise<void> {
  const { accessToken } = await signedInWithPassword(test.origin, { loginId });
  await addPasskeyInBrowser(page, {
    origin: test.origin,
    accessToken,
    password: ANA.password,
    state: STATE,
    name: `${loginId} key`,
  });
}

/** A scripted browser past Ana's password, at the second step; the page and its ceremony's options. */
async function pendingAna(test: TestServer): Promise<{ browser: PageBrowser; step: WebPage; options: Options }> {
  const browser = new PageBrowser(test.origin);
  const answer = await browser.submit(await browser.get('/admin'), '/admin/sign-in', {
    login: ANA.loginId,
    password: ANA.password,
  });
  expect(answer.location).toBe(`${test.origin}/admin/verify`);
  const step = await browser.get('/admin/verify');
  const options = JSON.parse(
    parseHtml(step.html).querySelector('[data-options]')?.getAttribute('data-options') ?? '{}',
  ) as Options;
  return { browser, step, options };
}

interface Options {
  challenge: string;
  rpId: string;
  userVerification?: string;
  allowCredentials: { id: string }[];
}

async function eventsOf(test: TestServer, type: AuditEventType) {
  return (await test.server.admin.auditEvents({ types: [type], limit: 100 })).events;
}

describe('admin console: a passkey as the second factor, in Chromium', { timeout: BROWSER_TEST_MS }, () => {
  it('an admin with only a passkey signs in with it; the page passes axe and its CSP; audited as a passkey', async () => {
    const test = await passkeyConsole();
    const { page, violations } = await chromiumPage();
    await addPasskey(test, page, ANA.loginId);

    await page.goto(`${test.origin}/admin`);
    await page.getByLabel('E-mail or login ID').fill(ANA.loginId);
    await page.getByLabel('Password', { exact: true }).fill(ANA.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Confirm it is you');
    // What this admin has: a passkey only, so no code field.
    expect(await page.getByLabel('Code from your authenticator app').count()).toBe(0);
    const axe = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
      .analyze();
    expect(axe.violations.map((violation) => `${violation.id} (${violation.impact ?? ''})`)).toEqual([]);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Users');
    const cookie = (await page.context().cookies()).find((each) => each.name === ADMIN_COOKIE);
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
    expect(violations).toEqual([]);
    expect((await eventsOf(test, 'admin.console-signed-in')).map((event) => event.details)).toEqual([
      { factor: 'passkey' },
    ]);
  });

  it('attack: refuses another user’s passkey, an answer for another sign-in, a replayed answer, and a passkey once locked', async () => {
    const test = await passkeyConsole();
    const { page, passkeys } = await chromiumPage();
    // Bob's passkey first, on the same authenticator, then Ana's.
    await addPasskey(test, page, BOB.loginId);
    const [bobCredential = ''] = await passkeys.credentialIds();
    await addPasskey(test, page, ANA.loginId);
    await page.goto(test.origin);

    // A non-admin never reaches a second step, passkey or not.
    const bob = new PageBrowser(test.origin);
    const bobAnswer = await bob.submit(await bob.get('/admin'), '/admin/sign-in', {
      login: BOB.loginId,
      password: BOB.password,
    });
    expect(bobAnswer.status).toBe(403);
    expect(heading(bobAnswer.html)).toBe('This account is not an administrator');

    // Only Ana's passkeys are offered, and Bob's (a valid signature, but not hers) is refused.
    const first = await pendingAna(test);
    expect(first.options.allowCredentials.map((each) => each.id)).not.toContain(bobCredential);
    expect(first.options.allowCredentials).toHaveLength(1);
    expect(first.options.userVerification).toBe('preferred');
    const borrowed = await assertionFrom(page, first.options, [bobCredential]);
    const refusedBob = await first.browser.submit(first.step, '/admin/verify/passkey', { response: borrowed });
    expect(refusedBob.status).toBe(401);
    expect(alertText(refusedBob.html)).toBe(
      'This passkey belongs to another account, so it was refused. Use your own passkey.',
    );
    expect(first.browser.cookies.has(ADMIN_COOKIE)).toBe(false);

    // Ana's own passkey, answering the challenge of another pending sign-in (another browser's page).
    const other = await pendingAna(test);
    const mine = await pendingAna(test);
    const elsewhere = await assertionFrom(page, other.options);
    const crossed = await mine.browser.submit(mine.step, '/admin/verify/passkey', { response: elsewhere });
    expect(crossed.status).toBe(401);
    expect(alertText(crossed.html)).toBe(
      'This passkey answer belongs to another sign-in, so it was refused. Start again.',
    );
    expect(mine.browser.cookies.has(ADMIN_COOKIE)).toBe(false);

    // The right answer for its own sign-in is accepted once; replayed at another sign-in, it is refused.
    const fresh = await pendingAna(test);
    const answer = await assertionFrom(page, fresh.options);
    const accepted = await fresh.browser.submit(fresh.step, '/admin/verify/passkey', { response: answer });
    expect(accepted.status).toBe(303);
    expect(accepted.location).toBe(`${test.origin}/admin/users`);
    const later = await pendingAna(test);
    const replayed = await later.browser.submit(later.step, '/admin/verify/passkey', { response: answer });
    expect(replayed.status).toBe(401);
    expect(alertText(replayed.html)).toBe(
      'This passkey request was already answered or has expired, so the answer was refused. Start again.',
    );
    const reasons = (await eventsOf(test, 'admin.console-sign-in-failed')).map((event) => event.reason).reverse();
    expect(reasons).toEqual(['not_admin', 'passkey_refused', 'passkey_refused', 'passkey_challenge_used']);

    // Refused passkeys count toward the account-wide lock (10 in a row: failure-lock.ts); the success above
    // cleared the count, so the replay was the first; once locked, even Ana's right passkey is refused.
    for (let attempt = 2; attempt <= 10; attempt += 1) {
      const again = await later.browser.submit(later.step, '/admin/verify/passkey', { response: answer });
      expect(again.status).toBe(401);
    }
    expect(await eventsOf(test, 'second-factor.locked-out')).toHaveLength(1);
    const locked = await pendingAna(test);
    const right = await assertionFrom(page, locked.options);
    const refusedLocked = await locked.browser.submit(locked.step, '/admin/verify/passkey', { response: right });
    expect(refusedLocked.status).toBe(401);
    expect(alertText(refusedLocked.html)).toBe(
      'This account is locked for now after too many wrong attempts. Try again later.',
    );
    expect(locked.browser.cookies.has(ADMIN_COOKIE)).toBe(false);
    expect(await eventsOf(test, 'admin.console-signed-in')).toHaveLength(1);
  });
});
