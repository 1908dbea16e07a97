import { AuditLog } from '../../../server/audit/audit-log';
import { sql } from 'kysely';
import { onTestFinished, describe, expect, it } from 'vitest';
import { DeploymentConfig, DiscoveryResponse, SessionTokens } from '../../../protocol/api';
import { PasswordResetRequested } from '../../../protocol/password-reset';
import { runCli } from '../../../server/cli/run-cli';
import { RESET_REQUEST_FLOOR_MS } from '../../../server/http/routes/password-reset';
import { DEFAULT_LICENSE } from '../../../server/index';
import { PasswordResetService } from '../../../server/password-reset/password-reset-service';
import { ResetLinkStore } from '../../../server/password-reset/reset-links';
import { PasswordResetPolicyStore } from '../../../server/password-reset/reset-policy';
import { SessionStore } from '../../../server/sessions/session-store';
import type { Storage } from '../../../server/storage/storage';
import { verifyPassword } from '../../../server/users/password-hash';
import { UserStore } from '../../../server/users/user-store';
import { forEachEngine } from '../../support/engines';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import {
  ANA,
  cliDatabaseEnv,
  expectProblem,
  getJson,
  postJson,
  startServerWithAna,
  type TestServer,
} from './server-fixture';
import { storedBytes } from '../../support/stored-data';
import { gatheredAtWrites, instancesOn, roundRobin, someUser } from './store-fixture';
import { PageBrowser } from '../../support/browser';
import { alertText, heading } from '../../support/html';

const REQUEST = '/api/v1/password-reset';
const NEW_PASSWORD = 'a brand new passphrase 7';
const RESET_LINK = /(http:\/\/127\.0\.0\.1:\d+\/password-reset\?token=([A-Za-z0-9_-]+))/;

/** Ana's server with mail going to a real SMTP sink; forgot-password on unless told otherwise. */
async function resetServer(options: { enabled?: boolean; limits?: Record<string, number> } = {}) {
  const sink = await startSmtpSink();
  onTestFinished(() => sink.close());
  const test = await startServerWithAna({
    smtp: { host: '127.0.0.1', port: sink.port, insecure: true },
    limits: options.limits,
  });
  if (options.enabled !== false) await test.server.admin.setPasswordResetPolicy({ enabled: true });
  return { test, sink };
}

function requestReset(origin: string, loginId: string) {
  return postJson(origin, REQUEST, { loginId });
}

/** The reset link of the newest reset e-mail to Ana that arrives after `already` messages. */
async function resetLink(sink: SmtpSink, already = 0): Promise<{ url: string; token: string }> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const mails = sink.messages.filter((mail) => mail.subject?.startsWith('Reset your password') === true);
    const match = RESET_LINK.exec(mails[already]?.text ?? '');
    if (match?.[1] && match[2]) return { url: match[1], token: match[2] };
    if (Date.now() > deadline) throw new Error(`No reset e-mail #${already + 1}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function resetMails(sink: SmtpSink): number {
  return sink.messages.filter((mail) => mail.subject?.startsWith('Reset your password') === true).length;
}

async function signIn(origin: string, password: string) {
  return postJson(origin, '/api/v1/sessions', { loginId: ANA.loginId, password });
}

/** Opens the link in a "browser" and submits the form; returns the answer page. */
async function chooseNewPassword(test: TestServer, url: string, password: string, confirm = password) {
  const browser = new PageBrowser(test.origin);
  const form = await browser.get(url);
  expect(form.status).toBe(200);
  expect(heading(form.html)).toBe('Choose a new password');
  return { browser, form, answer: await browser.submit(form, '/password-reset', { password, confirm }) };
}

/**
 * A forgot-password server where Ana asked for a reset and her link arrived, opened in a browser: the
 * set-up of every test that starts from a link in hand.
 */
async function linkOpened(options: Parameters<typeof resetServer>[0] = {}) {
  const { test, sink } = await resetServer(options);
  await requestReset(test.origin, ANA.loginId);
  const { url, token } = await resetLink(sink);
  const browser = new PageBrowser(test.origin);
  const form = await browser.get(url);
  return { test, sink, url, token, browser, form };
}

describe('forgot password', () => {
  it('is off by default: the features say so and a request is refused', async () => {
    const { test } = await resetServer({ enabled: false });
    const discovery = DiscoveryResponse.parse(
      (await postJson(test.origin, '/api/v1/discovery', { loginId: 'ana' })).body,
    );
    expect(discovery.features.forgotPassword).toBe(false);
    expectProblem(await requestReset(test.origin, ANA.loginId), 'password_reset_disabled', 403);

    await test.server.admin.setPasswordResetPolicy({ enabled: true });
    const after = DiscoveryResponse.parse((await postJson(test.origin, '/api/v1/discovery', { loginId: 'ana' })).body);
    expect(after.features.forgotPassword).toBe(true);
    const { code } = await test.server.admin.createDeployment(ANA.loginId);
    const redeemed = await postJson(test.origin, '/api/v1/deployments/redeem', {
      code,
      installationId: 'installation-aaaaaaaa',
    });
    expect(DeploymentConfig.parse(redeemed.body).features.forgotPassword).toBe(true);
  });

  it('the admin CLI turns it on and off and sets the link lifetime', async () => {
    const { test } = await resetServer({ enabled: false });
    const out: string[] = [];
    const env = await cliDatabaseEnv(test.dataDir); // the server's own database on either engine
    const run = (...argv: string[]) =>
      runCli([...argv, '--data-dir', test.dataDir], {
        out: (line) => out.push(line),
        err: (line) => out.push(line),
        env,
      });
    expect(await run('set-forgot-password', '--enabled', 'on', '--link-minutes', '15')).toBe(0);
    expect(out).toContain('Forgot password:   on');
    expect(PasswordResetRequested.parse((await requestReset(test.origin, 'ana')).body).linkValidMinutes).toBe(15);
    expect(await run('set-forgot-password', '--link-minutes', '3')).toBe(2);
    expect(await run('set-forgot-password', '--enabled', 'off')).toBe(0);
    expectProblem(await requestReset(test.origin, ANA.loginId), 'password_reset_disabled', 403);
  });

  it('answers an unknown account exactly like a known one (status, body, the same floor) and mails only the real one', async () => {
    const { test, sink } = await resetServer();
    const timed = async (loginId: string) => {
      const started = performance.now();
      const response = await requestReset(test.origin, loginId);
      return { response, ms: performance.now() - started };
    };
    const known = await timed(ANA.email);
    const unknown = await timed('nobody@example.com');
    expect(known.response.status).toBe(202);
    expect(unknown.response.status).toBe(202);
    expect(unknown.response.body).toEqual(known.response.body);
    const headers = (response: { headers: Headers }) =>
      [...response.headers.entries()].filter(([name]) => !['date', 'x-request-id'].includes(name));
    expect(headers(unknown.response)).toEqual(headers(known.response));
    expect(PasswordResetRequested.parse(known.response.body)).toEqual({ status: 'requested', linkValidMinutes: 30 });
    // Both wait out the server's own floor (a lower bound: load only makes answers slower, never faster,
    // so this cannot flake; the few ms allow for timer granularity). Without the floor an unknown account
    // answers in a few ms and a known one later: that difference is what the floor hides.
    expect(known.ms).toBeGreaterThanOrEqual(RESET_REQUEST_FLOOR_MS - 5);
    expect(unknown.ms).toBeGreaterThanOrEqual(RESET_REQUEST_FLOOR_MS - 5);

    const { token } = await resetLink(sink);
    expect(resetMails(sink)).toBe(1);
    expect(JSON.stringify(sink.messages[0]?.to)).toContain(ANA.email);
    // 256 bits from the CSPRNG, and only its hash at rest.
    expect(Buffer.from(token, 'base64url').length).toBe(32);
    // Everything the server stored, on either engine: the link's row is there, its token is not.
    const stored = await storedBytes(test);
    expect(stored.includes(ANA.email)).toBe(true);
    expect(stored.includes(Buffer.from(token))).toBe(false);
  });

  it('sets a new password once: old password and every session end, the link cannot be used again', async () => {
    const { test, sink } = await resetServer();
    const before = SessionTokens.parse((await signIn(test.origin, ANA.password)).body);
    await requestReset(test.origin, ANA.loginId);
    const { url } = await resetLink(sink);

    const { browser, form, answer } = await chooseNewPassword(test, url, NEW_PASSWORD);
    expect(form.headers.get('cache-control')).toBe('no-store');
    expect(form.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(answer.status).toBe(200);
    expect(heading(answer.html)).toBe('Your password was changed');

    expectProblem(await signIn(test.origin, ANA.password), 'invalid_credentials', 401);
    expect((await signIn(test.origin, NEW_PASSWORD)).status).toBe(200);
    // The sessions the old password opened are over: refresh and access tokens alike.
    const refreshed = await postJson(test.origin, '/api/v1/sessions/refresh', { refreshToken: before.refreshToken });
    expectProblem(refreshed, 'session_invalid', 401);
    const me = await getJson(test.origin, '/api/v1/me', { authorization: `Bearer ${before.accessToken}` });
    expectProblem(me, 'unauthorized', 401);

    // The same link again: used, whether opened or posted.
    const again = await browser.get(url);
    expect(again.status).toBe(409);
    expect(heading(again.html)).toBe('This link was already used');
    const replay = await browser.submit(form, '/password-reset', {
      password: 'yet another passphrase',
      confirm: 'yet another passphrase',
    });
    expect(replay.status).toBe(409);
    expect((await signIn(test.origin, NEW_PASSWORD)).status).toBe(200);
  });

  it('enforces the password rules with a clear message per rule, and keeps the link usable meanwhile', async () => {
    const { test, browser, form } = await linkOpened();
    const cases: [string, string, RegExp][] = [
      ['short', 'short', /at least 8 characters; this one has 5/],
      ['common', 'password123', /commonly used passwords/],
      ['login ID', 'ana@example.com', /same as the login ID, e-mail address or an alias/],
      ['sequence', 'hijklmnopq', /one character repeated or a plain sequence/],
    ];
    for (const [rule, password, message] of cases) {
      const answer = await browser.submit(form, '/password-reset', { password, confirm: password });
      expect(answer.status, rule).toBe(400);
      expect(alertText(answer.html), rule).toMatch(message);
    }
    const mismatch = await browser.submit(form, '/password-reset', {
      password: NEW_PASSWORD,
      confirm: 'something else',
    });
    expect(alertText(mismatch.html)).toMatch(/two passwords are not the same/);

    // None of those changed anything; the link still sets a good password.
    expect((await signIn(test.origin, ANA.password)).status).toBe(200);
    const done = await browser.submit(form, '/password-reset', { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(heading(done.html)).toBe('Your password was changed');
  });

  it('expires after 30 minutes, and a newer link voids the older one', async () => {
    const { test, sink } = await resetServer();
    await requestReset(test.origin, ANA.loginId);
    const first = await resetLink(sink, 0);
    await requestReset(test.origin, ANA.loginId);
    const second = await resetLink(sink, 1);

    const browser = new PageBrowser(test.origin);
    const older = await browser.get(first.url);
    expect(older.status).toBe(409);
    expect((await browser.get(second.url)).status).toBe(200);

    test.advance(30 * 60 * 1000 + 1);
    const late = await browser.get(second.url);
    expect(late.status).toBe(410);
    expect(heading(late.html)).toBe('This link has expired');
    expect((await browser.get('/password-reset?token=not-a-real-token-at-all')).status).toBe(404);
  });

  it('refuses a post without the form cookie and token, or from another site', async () => {
    const { test, token, browser, form } = await linkOpened();
    const fields = { token, password: NEW_PASSWORD, confirm: NEW_PASSWORD };

    const stranger = new PageBrowser(test.origin);
    expect((await stranger.post('/password-reset', { ...fields, csrf: 'made-up' })).status).toBe(403);
    const crossSite = await browser.post(
      '/password-reset',
      { ...fields, csrf: /name="csrf" value="([^"]+)"/.exec(form.html)?.[1] ?? '' },
      { origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    expect((await signIn(test.origin, ANA.password)).status).toBe(200);
  });

  it('sends at most three e-mails per account per hour and limits requests per address', async () => {
    const { test, sink } = await resetServer({ limits: { passwordResetPerSourcePerMinute: 6 } });
    await test.server.admin.createUser({
      loginId: 'bob',
      email: 'bob@example.com',
      displayName: 'Bob',
      password: 'another long passphrase 9',
      sendWelcomeEmail: false,
    });
    for (let i = 0; i < 4; i++) expect((await requestReset(test.origin, ANA.loginId)).status).toBe(202);
    const third = await resetLink(sink, 2);
    // No fourth e-mail: instead of sleeping and hoping it would have come by then, a marker request for
    // Bob is made after all four, and Ana's count is read once Bob's mail has arrived.
    expect((await requestReset(test.origin, 'bob')).status).toBe(202);
    await waitFor(() => sink.messages.some((mail) => JSON.stringify(mail.to).includes('bob@example.com')));
    expect(resetMails(sink)).toBe(4); // Ana's three and Bob's one
    expect(sink.messages.filter((mail) => JSON.stringify(mail.to).includes(ANA.email))).toHaveLength(3);
    // And the fourth request made no link either: a newer link would have voided the third one.
    expect((await new PageBrowser(test.origin).get(third.url)).status).toBe(200);

    expect((await requestReset(test.origin, 'nobody')).status).toBe(202);
    const limited = await requestReset(test.origin, 'nobody');
    expect(expectProblem(limited, 'rate_limited', 429).retryAfter).toBeGreaterThan(0);
    expect(limited.headers.get('retry-after')).not.toBeNull();
  });
});

/** Polls a condition the test is waiting for (its own event), failing after a generous bound. */
async function waitFor(condition: () => boolean, what = 'the marker e-mail'): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const identity = { name: 'Test', origin: 'https://id.example', license: DEFAULT_LICENSE };

/**
 * The reset service of one instance and its stores; mail is not sent here (no mail in these tests), only
 * logged. `offeredTo` stands in for the profile lookup when a test needs that moment.
 */
function serviceOn(
  storage: Storage,
  clock: () => number,
  extra: { log?: (line: string) => void; offeredTo?: (userId: number) => Promise<boolean> } = {},
) {
  const users = new UserStore(storage, clock);
  const links = new ResetLinkStore(storage, clock);
  const policy = new PasswordResetPolicyStore(storage, clock);
  const audit = new AuditLog(storage, clock);
  const service = new PasswordResetService({
    storage,
    clock,
    identity,
    users,
    links,
    policy,
    mail: () => undefined,
    log: extra.log ?? (() => undefined),
    audit,
    ...(extra.offeredTo === undefined ? {} : { offeredTo: extra.offeredTo }),
  });
  return { users, links, policy, audit, service };
}

/** Forgot-password on, and Ana (password hash 'old-hash') in these stores. */
async function resetOnForAna({ users, policy }: Pick<ReturnType<typeof serviceOn>, 'users' | 'policy'>) {
  await policy.update({ enabled: true });
  return users.create({
    loginId: 'ana',
    email: 'ana@example.com',
    displayName: 'Ana',
    passwordHash: 'old-hash',
    aliases: [],
  });
}

forEachEngine('password reset stores and service', (open, engine) => {
  const RULE_ABIDING = 'a brand new passphrase 7';

  it('a link works once until it expires; a newer one voids the older; the policy keeps the part not changed', async () => {
    const storage = await open();
    let now = 10_000_000;
    const { links, policy } = serviceOn(storage, () => now);
    const ana = await someUser(storage, 'ana');
    expect(await policy.read()).toEqual({ enabled: false, linkTtlMinutes: 30 });
    expect(await policy.update({ enabled: true })).toEqual({ enabled: true, linkTtlMinutes: 30 });
    expect(await policy.update({ linkTtlMinutes: 10 })).toEqual({ enabled: true, linkTtlMinutes: 10 });
    await expect(policy.update({ linkTtlMinutes: 1 })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await policy.read()).toEqual({ enabled: true, linkTtlMinutes: 10 });

    const first = await links.issue(ana, 60_000);
    const second = await links.issue(ana, 60_000);
    expect(await links.state(first.token)).toEqual({ outcome: 'used' });
    expect(await links.issuedSince(ana, now)).toBe(2);
    expect(await links.consume(second.token)).toEqual({ outcome: 'valid', userId: ana, expiresAt: now + 60_000 });
    expect(await links.consume(second.token)).toEqual({ outcome: 'used' });
    const third = await links.issue(ana, 60_000);
    now += 60_000;
    expect(await links.consume(third.token)).toEqual({ outcome: 'expired' });
    expect(await links.consume('no-such-token')).toEqual({ outcome: 'unknown' });
  });

  it('of concurrent uses of one link (several instances), exactly one is valid', async () => {
    const instances = await instancesOn(engine);
    const now = 20_000_000;
    const storeOf = roundRobin(
      instances.map((storage) => new ResetLinkStore(storage, () => now)) as [ResetLinkStore, ...ResetLinkStore[]],
    );
    const ana = await someUser(instances[0], 'ana');
    const { token } = await storeOf(0).issue(ana, 60_000);
    // Every use has read the link as valid before any spends it (gatheredAtWrites).
    const states = await gatheredAtWrites(instances[0], 'password_reset_links', 8, () =>
      Promise.all(Array.from({ length: 8 }, (_, index) => storeOf(index).consume(token))),
    );
    expect(states.filter((state) => state.outcome === 'valid')).toHaveLength(1);
    expect(states.filter((state) => state.outcome === 'used')).toHaveLength(7);
  });

  it('of concurrent resets with one link (several instances), one sets the password and ends the sessions', async () => {
    const instances = await instancesOn(engine);
    const now = 30_000_000;
    const services = instances.map((storage) => serviceOn(storage, () => now));
    const serviceOf = roundRobin(services as [(typeof services)[0], ...typeof services]);
    const { users, links, policy } = serviceOf(0);
    const ana = await resetOnForAna({ users, policy });
    await new SessionStore(instances[0], () => now).start(ana.id, 'installation-a');
    await instances[0]
      .q()
      .insertInto('sign_in_failures')
      .values({ subject: `user:${ana.id}`, failures: 10, locked_until: now + 60_000 })
      .execute();
    const { token } = await links.issue(ana.id, 60_000);

    const outcomes = await gatheredAtWrites(instances[0], 'password_reset_links', 3, () =>
      Promise.all(
        Array.from({ length: 3 }, (_, index) => serviceOf(index).service.complete(token, `${RULE_ABIDING} ${index}`)),
      ),
    );
    const reset = outcomes.filter((outcome) => outcome.outcome === 'reset');
    expect(reset).toHaveLength(1);
    expect(reset[0]).toMatchObject({ revokedSessions: 1 });
    expect(outcomes.filter((outcome) => outcome.outcome === 'link')).toEqual([
      { outcome: 'link', problem: 'used' },
      { outcome: 'link', problem: 'used' },
    ]);
    // Exactly the winner's password is set, and the lock-out from someone's guessing has ended.
    const winner = outcomes.findIndex((outcome) => outcome.outcome === 'reset');
    const hash = (await users.findById(ana.id))?.passwordHash ?? '';
    expect(await verifyPassword(hash, `${RULE_ABIDING} ${winner}`)).toBe(true);
    expect(await instances[0].q().selectFrom('sign_in_failures').selectAll().execute()).toEqual([]);
  });

  it('a reset that fails half-way changes nothing: the old password stays and the link still works', async () => {
    const storage = await open();
    const now = 35_000_000;
    const { users, links, policy, service } = serviceOn(storage, () => now);
    const ana = await resetOnForAna({ users, policy });
    const { token } = await links.issue(ana.id, 60_000);
    // Signing out everywhere fails at its last step (the second steps' table is gone).
    await sql`ALTER TABLE mfa_challenges RENAME TO mfa_challenges_elsewhere`.execute(storage.q());
    await expect(service.complete(token, RULE_ABIDING)).rejects.toThrow(/mfa_challenges/);
    await sql`ALTER TABLE mfa_challenges_elsewhere RENAME TO mfa_challenges`.execute(storage.q());
    expect((await users.findById(ana.id))?.passwordHash).toBe('old-hash');
    expect(await links.state(token)).toMatchObject({ outcome: 'valid' });
    expect(await service.complete(token, RULE_ABIDING)).toMatchObject({ outcome: 'reset' });
  });

  it('of many concurrent requests for one account (several instances), at most three make a link', async () => {
    const instances = await instancesOn(engine);
    const now = 40_000_000;
    const services = instances.map((storage) => serviceOn(storage, () => now));
    const serviceOf = roundRobin(services as [(typeof services)[0], ...typeof services]);
    const ana = await someUser(instances[0], 'ana');
    await serviceOf(0).policy.update({ enabled: true });
    // Every request has counted the account's links before any makes one (gatheredAtWrites).
    const answers = await gatheredAtWrites(instances[0], 'password_reset_links', 9, () =>
      Promise.all(Array.from({ length: 9 }, (_, index) => serviceOf(index).service.request('ana'))),
    );
    expect(new Set(answers.map((answer) => JSON.stringify(answer)))).toEqual(
      new Set([JSON.stringify({ status: 'requested', linkValidMinutes: 30 })]),
    );
    expect(await serviceOf(0).links.issuedSince(ana, 0)).toBe(3);
  });
});

/**
 * Issue 18: an admin's lock (server/users/user-lock.ts) also closes forgot-password. Otherwise a locked
 * user (or whoever holds their mailbox) could set a new password while locked, and sign in with it the
 * moment an admin unlocks them; and the lock is the admin's tool for exactly that mailbox-compromise case.
 */
describe('forgot password for a user an admin locked', () => {
  async function refusals(test: TestServer) {
    const page = await test.server.admin.auditEvents({ limit: 20, types: ['password-reset.refused'] });
    return page.events.map((event) => ({ reason: event.reason, step: event.details.step, actor: event.actor.kind }));
  }

  it('answers a request exactly as for an unknown login and sends nothing; after the unlock a request works again', async () => {
    const { test, sink } = await resetServer();
    await test.server.admin.lockUser(ANA.loginId);
    const locked = await requestReset(test.origin, ANA.email);
    const unknown = await requestReset(test.origin, 'nobody@example.com');
    expect(locked.status).toBe(202);
    expect(locked.status).toBe(unknown.status);
    expect(locked.body).toEqual(unknown.body);
    const headers = (response: { headers: Headers }) =>
      [...response.headers.entries()].filter(([name]) => !['date', 'x-request-id'].includes(name));
    expect(headers(locked)).toEqual(headers(unknown));
    expect(await refusals(test)).toEqual([{ reason: 'account_locked_by_admin', step: 'request', actor: 'anonymous' }]);

    // The marker: after the unlock, Ana's own request makes the first reset e-mail, and it is the only one
    // (the locked request's e-mail would have been queued before this request was even made).
    await test.server.admin.unlockUser(ANA.loginId);
    expect((await requestReset(test.origin, ANA.loginId)).status).toBe(202);
    const { url } = await resetLink(sink);
    expect(resetMails(sink)).toBe(1);
    const { answer } = await chooseNewPassword(test, url, NEW_PASSWORD);
    expect(answer.status).toBe(200);
    expect((await signIn(test.origin, NEW_PASSWORD)).status).toBe(200);
  });

  it('refuses a link sent before the lock, opened or posted after it; the old password works after the unlock, the old link never again', async () => {
    const { test, sink, url, browser, form } = await linkOpened();
    expect(form.status).toBe(200);

    await test.server.admin.lockUser(ANA.loginId);
    const opened = await browser.get(url);
    expect(opened.status).toBe(403);
    expect(heading(opened.html)).toBe('Your account is locked');
    expect(opened.html).toContain('Contact your administrator.');
    expect(opened.html).not.toContain('<form');
    // The form fetched before the lock, posted after it.
    const posted = await browser.submit(form, '/password-reset', { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(posted.status).toBe(403);
    expect(heading(posted.html)).toBe('Your account is locked');
    // The same page in the reader's language.
    const french = await new PageBrowser(test.origin, { 'accept-language': 'fr' }).get(url);
    expect(heading(french.html)).toBe('Votre compte est verrouillé');
    const german = await new PageBrowser(test.origin, { 'accept-language': 'de' }).get(url);
    expect(heading(german.html)).toBe('Ihr Konto ist gesperrt');
    expect(
      (await refusals(test)).every((each) => each.step === 'link' && each.reason === 'account_locked_by_admin'),
    ).toBe(true);
    expect((await refusals(test)).length).toBe(4);

    // Nothing changed: after the unlock the old password signs in, the new one does not.
    await test.server.admin.unlockUser(ANA.loginId);
    expectProblem(await signIn(test.origin, NEW_PASSWORD), 'invalid_credentials', 401);
    expect((await signIn(test.origin, ANA.password)).status).toBe(200);
    // The lock voided the link: the unlock does not bring it back.
    const again = await browser.get(url);
    expect(again.status).toBe(409);
    const replay = await browser.submit(form, '/password-reset', { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(replay.status).toBe(409);
    expect((await signIn(test.origin, ANA.password)).status).toBe(200);

    // A new request after the unlock works.
    await requestReset(test.origin, ANA.loginId);
    const fresh = await resetLink(sink, 1);
    expect((await chooseNewPassword(test, fresh.url, NEW_PASSWORD)).answer.status).toBe(200);
    expect((await signIn(test.origin, NEW_PASSWORD)).status).toBe(200);
  });
});

forEachEngine('password reset and an admin lock that commits mid-way', (open) => {
  /**
   * The service, with `offeredTo` (the profile lookup, the last read of check() and request() before
   * they act) used as the moment an admin's lock commits: what a lock racing a request or a reset does.
   */
  async function racingLock() {
    const storage = await open();
    let lockNext = false;
    const parts = serviceOn(storage, () => 50_000_000, {
      offeredTo: async (userId) => {
        if (lockNext) await parts.users.setLock(userId, { reason: undefined });
        return true;
      },
    });
    const ana = await resetOnForAna(parts);
    return { ...parts, ana, lockAfterTheLookup: () => (lockNext = true) };
  }

  it('a lock committed after the request looked the user up makes no link', async () => {
    const { links, service, ana, lockAfterTheLookup } = await racingLock();
    lockAfterTheLookup();
    expect(await service.request('ana')).toEqual({ status: 'requested', linkValidMinutes: 30 });
    expect(await links.issuedSince(ana.id, 0)).toBe(0);
  });

  it('a lock committed after the link was checked stops the reset: the password stays, the refusal is audited', async () => {
    const { users, links, audit, service, ana, lockAfterTheLookup } = await racingLock();
    const { token } = await links.issue(ana.id, 60_000);
    lockAfterTheLookup();
    expect(await service.complete(token, 'a brand new passphrase 7')).toEqual({ outcome: 'link', problem: 'locked' });
    expect((await users.findById(ana.id))?.passwordHash).toBe('old-hash');
    const events = (await audit.query({ limit: 5, types: ['password-reset.refused'] })).events;
    expect(events.map((event) => [event.userId, event.reason, event.details.step])).toEqual([
      [ana.id, 'account_locked_by_admin', 'link'],
    ]);
    // Still refused while locked, whatever the link's state.
    expect(await service.check(token)).toEqual({ ok: false, problem: 'locked' });
  });
});
