import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import * as client from 'openid-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MfaOverview, PasskeyStep, VerifiedSession } from '../../../protocol/mfa';
import type { MfaPolicyChange } from '../../../server/index';
import { chromiumPerFile } from '../../support/chromium-per-file';
import { loopbackReceiver } from '../../support/loopback-receiver';
import { passRecoveryCodes, readProviderPage } from '../../support/provider-pages';
import {
  addPasskeyInBrowser,
  assertionFrom,
  freeLocalhostPort,
  VirtualAuthenticator,
} from '../../support/virtual-authenticator';
import { bearer, challenged, postAuthorized, signedInWithPassword, startMfaServer } from './mfa-fixture';
import { keywayClient } from './oidc-fixture';
import { ANA, databaseUrlOf, expectProblem, getJson, postJson, type TestServer } from './server-fixture';
import type { AuditEvent } from '../../../server/audit/audit-log';
import { openStorage } from '../../../server/storage/database';

/**
 * Passkeys end to end in real Chromium with the Chrome DevTools Protocol's virtual authenticator
 * (test/support/virtual-authenticator.ts), against the real server. WebAuthn needs a domain for its RP
 * ID (an IP address is not one), so the server's public origin is http://localhost:<port> while it
 * listens on 127.0.0.1 only.
 */

const STATE = 'state-passkey-test-0001';

async function passkeyServer(policy: MfaPolicyChange): Promise<TestServer> {
  const port = await freeLocalhostPort();
  return startMfaServer(policy, { port, host: '127.0.0.1', publicOrigin: `http://localhost:${port}` });
}

/** Keyway's loopback receiver for the step's return (any port, path /passkey-callback). */
async function keywayReturn(): Promise<{ returnTo: string }> {
  return { returnTo: (await loopbackReceiver('/passkey-callback')).redirectUri };
}

/** Another site on this computer: a phishing page that relays the server's challenge. */
async function otherSite(): Promise<string> {
  const server = http.createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end('<!doctype html><title>Totally the real sign-in</title><p>Sign in</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://localhost:${(server.address() as AddressInfo).port}`;
}

interface Authenticator {
  page: Page;
  passkeys: VirtualAuthenticator;
  violations: string[];
}

const chromiumFile = chromiumPerFile();

/**
 * What every test here starts from: a passkey server with this MFA policy (passkeys allowed by default) and a
 * page in a fresh context of the file's Chromium (chromium-per-file.ts) with its own virtual authenticator,
 * so no passkey, cookie or session of an earlier test is there.
 */
async function passkeyTestSetup(
  policy: MfaPolicyChange = { mode: 'optional', channels: 'totp,passkey' },
): Promise<{ test: TestServer; auth: Authenticator }> {
  const test = await passkeyServer(policy);
  const { page, violations } = await chromiumFile.newPage();
  const passkeys = await VirtualAuthenticator.attach(page);
  return { test, auth: { page, passkeys, violations } };
}

async function signIn(test: TestServer): Promise<string> {
  return (await signedInWithPassword(test.origin)).accessToken;
}

/**
 * Adds a passkey through Keyway's "add a passkey" step, driven in the browser (virtual-authenticator.ts); returns
 * its return URL and, when it was the user's first second factor, the recovery codes the page showed before it.
 */
async function addPasskey(
  test: TestServer,
  auth: Authenticator,
  accessToken: string,
  name: string,
): Promise<{ url: URL; recoveryCodes: string[] | undefined }> {
  const added = await addPasskeyInBrowser(auth.page, {
    origin: test.origin,
    accessToken,
    password: ANA.password,
    state: STATE,
    name,
  });
  expect(added.stepUrl).toMatch(new RegExp(`^${test.origin}/passkeys/add/[A-Za-z0-9_-]{43}$`));
  // Never in a URL: not in the way back to Keyway.
  for (const code of added.recoveryCodes ?? []) expect(auth.page.url()).not.toContain(code);
  return { url: new URL(auth.page.url()), recoveryCodes: added.recoveryCodes };
}

/** The audit trail as the admin reads it, oldest first, and its passkey rows' credential ids and keys. */
async function auditTrail(test: TestServer): Promise<{ events: AuditEvent[]; passkeySecrets: string[] }> {
  const events = (await test.server.admin.auditEvents({ limit: 1000 })).events.reverse();
  const url = await databaseUrlOf(test.dataDir);
  const storage = await openStorage(
    url === undefined ? { engine: 'sqlite', dataDir: test.dataDir } : { engine: 'postgres', url },
    { migrations: 'apply' },
  );
  try {
    const rows = await storage.q().selectFrom('passkeys').select(['credential_id', 'public_key']).execute();
    return { events, passkeySecrets: rows.flatMap((row) => [row.credential_id, row.public_key]) };
  } finally {
    await storage.close();
  }
}

/** The events of these types, as [type, details]. */
function eventsOf(events: AuditEvent[], types: readonly string[]): [string, Record<string, unknown>][] {
  return events.filter((event) => types.includes(event.type)).map((event) => [event.type, event.details]);
}

async function overview(test: TestServer, accessToken: string): Promise<MfaOverview> {
  const response = await getJson(test.origin, '/api/v1/me/mfa', bearer(accessToken));
  expect(response.status).toBe(200);
  return MfaOverview.parse(response.body);
}

/** Starts the MFA browser step of a fresh password sign-in. */
async function mfaStep(test: TestServer): Promise<{ challengeId: string; stepUrl: string; returnTo: string }> {
  const challenge = await challenged(test.origin);
  const { returnTo } = await keywayReturn();
  const started = await postJson(test.origin, '/api/v1/mfa/passkey/start', {
    challengeId: challenge.challengeId,
    returnTo,
    state: STATE,
  });
  expect(started.status).toBe(200);
  const { stepUrl } = PasskeyStep.parse(started.body);
  expect(stepUrl).toMatch(new RegExp(`^${test.origin}/mfa/passkey/step/`));
  return { challengeId: challenge.challengeId, stepUrl, returnTo };
}

/** Presses "Use my passkey" on the step page; the way back to Keyway, or the refusal page's message. */
async function usePasskeyOnStep(auth: Authenticator, stepUrl: string, returnTo: string): Promise<URL | string> {
  await auth.page.goto(stepUrl);
  await auth.page.getByRole('button', { name: 'Use my passkey' }).click();
  // Whichever comes first: the browser back at Keyway's return, or the server's refusal (a visible alert).
  const refusal = auth.page.getByRole('alert').filter({ hasText: /\S/ });
  await Promise.race([auth.page.waitForURL((url) => url.href.startsWith(returnTo)), refusal.waitFor()]);
  if (auth.page.url().startsWith(returnTo)) return new URL(auth.page.url());
  return (await refusal.textContent()) ?? '';
}

/** The step page's ceremony options (a GET opens a new ceremony), read as the page script would. */
async function optionsOf(stepUrl: string): Promise<Record<string, unknown>> {
  const page = readProviderPage(await (await fetch(stepUrl)).text(), stepUrl);
  if (page.kind !== 'passkey') throw new Error(`Not a passkey page: "${page.heading}" (${page.kind})`);
  return page.options;
}

/** Posts an answer to a step page as its form would (same origin). */
async function postAnswer(test: TestServer, stepUrl: string, answer: string): Promise<Response> {
  return fetch(stepUrl, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: test.origin },
    body: new URLSearchParams({ response: answer }).toString(),
  });
}

/** axe-core (WCAG 2.x A/AA, best practices) on what the page shows: no serious or critical violation. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

function outboxSubjects(test: TestServer): string[] {
  const outbox = path.join(test.dataDir, 'outbox');
  return readdirSync(outbox)
    .sort()
    .map((name) => /^Subject: (.*)$/m.exec(readFileSync(path.join(outbox, name), 'utf8'))?.[1] ?? '');
}

/** A browser, a server and several ceremonies per test: generous, since CPU contention slows Chromium. */
const BROWSER_TEST_MS = 180_000;

describe('passkeys in real Chromium with a virtual authenticator', { timeout: BROWSER_TEST_MS }, () => {
  it('adds a passkey from Keyway, signs in with it as the second factor, and removes it (re-authenticated, e-mailed)', async () => {
    const { test, auth } = await passkeyTestSetup();
    const accessToken = await signIn(test);

    // Re-authentication first, and only Keyway's return addresses.
    const { returnTo } = await keywayReturn();
    expectProblem(
      await postAuthorized(test.origin, '/api/v1/me/mfa/passkeys/start', accessToken, {
        password: 'not-the-password',
        returnTo,
        state: STATE,
      }),
      'reauthentication_required',
      401,
    );
    expectProblem(
      await postAuthorized(test.origin, '/api/v1/me/mfa/passkeys/start', accessToken, {
        password: ANA.password,
        returnTo: 'https://evil.example/passkey-callback',
        state: STATE,
      }),
      'return_uri_invalid',
      400,
    );

    const added = await addPasskey(test, auth, accessToken, 'Work laptop');
    expect(Object.fromEntries(added.url.searchParams)).toEqual({ state: STATE, result: 'added' });
    // Ana's first second factor: her recovery codes were shown once, on the page before the way back.
    expect(added.recoveryCodes).toHaveLength(10);
    const recoveryCodes = added.recoveryCodes ?? [];
    const [passkey] = (await overview(test, accessToken)).passkeys;
    expect(passkey).toMatchObject({ name: 'Work laptop', lastUsedAt: null });
    // Mail leaves in the background after the commit (notices.ts): wait for the file, not a fixed time.
    await expect.poll(() => outboxSubjects(test)).toContain('A passkey was added to your account');

    // The second factor: the challenge now offers the passkey; the browser step returns a code.
    const challenge = await challenged(test.origin);
    expect(challenge.channels).toContainEqual({ channel: 'passkey', hint: '', available: true });
    const step = await mfaStep(test);
    const back = await usePasskeyOnStep(auth, step.stepUrl, step.returnTo);
    if (typeof back === 'string') throw new Error(`refused: ${back}`);
    expect(back.searchParams.get('state')).toBe(STATE);
    const code = back.searchParams.get('code') ?? '';
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // A wrong code counts and is refused; the right one gives the session, once.
    expectProblem(
      await postJson(test.origin, '/api/v1/mfa/passkey/complete', {
        challengeId: step.challengeId,
        code: 'x'.repeat(43),
      }),
      'mfa_code_invalid',
      401,
    );
    const completed = await postJson(test.origin, '/api/v1/mfa/passkey/complete', {
      challengeId: step.challengeId,
      code,
    });
    expect(completed.status).toBe(200);
    VerifiedSession.parse(completed.body);
    expectProblem(
      await postJson(test.origin, '/api/v1/mfa/passkey/complete', { challengeId: step.challengeId, code }),
      'mfa_challenge_expired',
      410,
    );
    expect((await overview(test, accessToken)).passkeys[0]?.lastUsedAt).toBe(test.now());

    // Removal needs the password again, then e-mails the user.
    const id = passkey?.id ?? '';
    expectProblem(
      await postAuthorized(test.origin, `/api/v1/me/mfa/passkeys/${id}/remove`, accessToken, {
        password: 'not-the-password',
      }),
      'reauthentication_required',
      401,
    );
    expect((await overview(test, accessToken)).passkeys).toHaveLength(1);
    const removed = await postAuthorized(test.origin, `/api/v1/me/mfa/passkeys/${id}/remove`, accessToken, {
      password: ANA.password,
    });
    expect(removed.status).toBe(204);
    expect((await overview(test, accessToken)).passkeys).toEqual([]);
    await expect.poll(() => outboxSubjects(test)).toContain('A passkey was removed from your account');
    expect(auth.violations).toEqual([]);

    // A second passkey is no first second factor: no new codes.
    expect((await addPasskey(test, auth, accessToken, 'Spare key')).recoveryCodes).toBeUndefined();

    // The audit trail: one event per fact, passkey-kind; no recovery code, credential id or public key in it.
    const { events, passkeySecrets } = await auditTrail(test);
    expect(
      eventsOf(events, ['factor.added', 'factor.removed', 'second-factor.succeeded', 'second-factor.failed']),
    ).toEqual([
      ['factor.added', { kind: 'passkey' }],
      ['second-factor.failed', { channel: 'passkey' }],
      ['second-factor.succeeded', { channel: 'passkey' }],
      // The spent code tried again (as /mfa/verify records a used challenge).
      ['second-factor.failed', { channel: 'passkey' }],
      ['factor.removed', { kind: 'passkey', count: 1 }],
      ['factor.added', { kind: 'passkey' }],
    ]);
    expect(events.filter((event) => event.type === 'second-factor.failed').map((event) => event.reason)).toEqual([
      'mfa_code_invalid',
      'mfa_challenge_expired',
    ]);
    expect(passkeySecrets).toHaveLength(2);
    const trail = JSON.stringify(events);
    for (const secret of [...recoveryCodes, ...(await auth.passkeys.credentialIds()), ...passkeySecrets]) {
      expect(trail.includes(secret), 'a secret in the audit trail').toBe(false);
    }
  });

  it('attack: refuses another site’s answer, a replayed challenge, another user’s passkey and a cloned authenticator, each saying why', async () => {
    const { test, auth } = await passkeyTestSetup();
    // Bob's passkey first, on the same authenticator, then Ana's.
    await test.server.admin.createUser({
      loginId: 'bob',
      email: 'bob@example.com',
      displayName: 'Bob',
      password: ANA.password,
      aliases: [],
      sendWelcomeEmail: false,
    });
    const bobSession = await signedInWithPassword(test.origin, { loginId: 'bob' });
    await addPasskey(test, auth, bobSession.accessToken, 'Bob key');
    const [bobCredential] = await auth.passkeys.credentialIds();
    await addPasskey(test, auth, await signIn(test), 'Ana key');

    // Another site (a phishing page on another origin) relays the server's challenge: refused by origin.
    const phishing = await otherSite();
    const relayed = await mfaStep(test);
    await auth.page.goto(phishing);
    const phished = await assertionFrom(auth.page, await optionsOf(relayed.stepUrl));
    const phishedAnswer = await postAnswer(test, relayed.stepUrl, phished);
    expect(phishedAnswer.status).toBe(403);
    expect(await phishedAnswer.text()).toContain(`was made for ${phishing}, not for ${test.origin}`);

    // A replay: an answer accepted once is refused when sent again, for a new sign-in.
    const first = await mfaStep(test);
    await auth.page.goto(test.origin);
    const answer = await assertionFrom(auth.page, await optionsOf(first.stepUrl));
    const accepted = await postAnswer(test, first.stepUrl, answer);
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('location')).toMatch(/[?&]code=/);
    const second = await mfaStep(test);
    await optionsOf(second.stepUrl);
    const replayed = await postAnswer(test, second.stepUrl, answer);
    expect(replayed.status).toBe(409);
    expect(await replayed.text()).toContain('This passkey request was already answered or has expired');

    // Bob's passkey answering Ana's challenge: a valid signature, but not hers.
    const bobs = await mfaStep(test);
    const borrowed = await assertionFrom(auth.page, await optionsOf(bobs.stepUrl), [bobCredential ?? '']);
    const borrowedAnswer = await postAnswer(test, bobs.stepUrl, borrowed);
    expect(borrowedAnswer.status).toBe(403);
    expect(await borrowedAnswer.text()).toContain('This passkey belongs to another account');

    // A cloned authenticator: Ana's credential put back with a lower signature count.
    const anas = (await auth.passkeys.credentials()).find((each) => each.credentialId !== bobCredential);
    if (!anas) throw new Error('no credential');
    expect(anas.signCount).toBeGreaterThan(1);
    await auth.passkeys.remove(anas.credentialId);
    await auth.passkeys.add({ ...anas, signCount: 0 });
    const cloned = await mfaStep(test);
    const refusal = await usePasskeyOnStep(auth, cloned.stepUrl, cloned.returnTo);
    // A URL here means the clone was let in (back at Keyway with a code).
    expect(typeof refusal === 'string' ? refusal : `accepted: ${refusal.href}`).toContain(
      'its signature counter went backwards, so it may have been copied',
    );
    // The refusal page offers the way back to Keyway with the code.
    await expect
      .poll(() => auth.page.getByRole('link', { name: 'Go back to Keyway' }).getAttribute('href'))
      .toContain('error=passkey_cloned');
    expect(auth.violations).toEqual([]);
  });

  it('signs in without a password on the provider page, and uses the passkey as the provider page’s second factor', async () => {
    const { test, auth } = await passkeyTestSetup();
    await addPasskey(test, auth, await signIn(test), 'Ana key');
    const config = await keywayClient(test.server.issuer);
    const callback = await keywayReturn();
    const redirectUri = callback.returnTo.replace('/passkey-callback', '/callback');
    const authorizationUrl = async (state: string) =>
      client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid email profile offline_access',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        state,
      }).href;

    // Attack: a password user's passkey alone is no sign-in (the password is their first factor); refused
    // with the reason, and no sign-in recorded.
    await auth.page.goto(await authorizationUrl('state-password-user'));
    await auth.page.getByRole('link', { name: 'Sign in with a passkey' }).click();
    await auth.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect
      .poll(() => auth.page.getByRole('alert').filter({ hasText: /\S/ }).textContent())
      .toContain('This account signs in with a password in Keyway');
    expect(auth.page.url()).not.toContain(redirectUri);
    expect(eventsOf((await auditTrail(test)).events, ['sign-in.succeeded']).map(([, details]) => details)).toEqual([
      { method: 'password' },
    ]);
    await test.server.admin.setSignInMethod(ANA.loginId, 'oidc');

    // Attack: a user an admin locked signs in with no passkey either; told why once the passkey proved
    // itself, and nothing is recorded as a sign-in. Unlocked, the same passkey works (below).
    await test.server.admin.lockUser(ANA.loginId);
    await auth.page.goto(await authorizationUrl('state-locked'));
    await auth.page.getByRole('link', { name: 'Sign in with a passkey' }).click();
    await auth.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect
      .poll(() => auth.page.getByRole('alert').filter({ hasText: /\S/ }).textContent())
      .toBe('Your account is locked. Contact your administrator.');
    expect(auth.page.url()).not.toContain(redirectUri);
    expect(eventsOf((await auditTrail(test)).events, ['sign-in.succeeded'])).toHaveLength(1);
    await test.server.admin.unlockUser(ANA.loginId);

    // Passwordless: "Sign in with a passkey" on the sign-in page.
    await auth.page.goto(await authorizationUrl('state-passwordless'));
    await auth.page.getByRole('link', { name: 'Sign in with a passkey' }).click();
    const home = auth.page.waitForURL((url) => url.href.startsWith(redirectUri));
    await auth.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await home;
    expect(new URL(auth.page.url()).searchParams.get('state')).toBe('state-passwordless');
    expect(new URL(auth.page.url()).searchParams.get('code')).not.toBeNull();

    // Second factor on the provider page: password, then the passkey (the only way this user has).
    await auth.page.context().clearCookies();
    await auth.page.goto(await authorizationUrl('state-second-factor'));
    await auth.page.getByLabel('E-mail or login ID').fill(ANA.loginId);
    await auth.page.getByLabel('Password').fill(ANA.password);
    await auth.page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => auth.page.getByRole('heading', { level: 1 }).textContent()).toBe('Use your passkey');
    const after = auth.page.waitForURL((url) => url.href.startsWith(redirectUri));
    await auth.page.getByRole('button', { name: 'Use my passkey' }).click();
    await after;
    expect(new URL(auth.page.url()).searchParams.get('state')).toBe('state-second-factor');
    expect(auth.violations).toEqual([]);
    // Recorded: the passwordless sign-in, then (after the password) the passkey as second factor.
    const { events } = await auditTrail(test);
    expect(eventsOf(events, ['sign-in.succeeded', 'second-factor.succeeded']).slice(-3)).toEqual([
      ['sign-in.succeeded', { method: 'passkey' }],
      ['sign-in.succeeded', { method: 'oidc-provider' }],
      ['second-factor.succeeded', { channel: 'passkey' }],
    ]);
  });

  it('manages passkeys on /account (add, rename, remove with the password) and uses one at its second step; pages pass axe', async () => {
    const { test, auth } = await passkeyTestSetup();
    const page = auth.page;
    const signInOnAccount = async () => {
      await page.goto(`${test.origin}/account`);
      await page.getByLabel('E-mail or login ID').fill(ANA.loginId);
      await page.getByLabel('Password').fill(ANA.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    await signInOnAccount();
    await expect.poll(() => page.getByRole('heading', { name: 'Passkeys' }).isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Name of the new passkey').fill('Desk key');
    await page.getByLabel('Your password', { exact: true }).fill(ANA.password);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Add a passkey');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create the passkey' }).click();
    // Ana's first second factor: her recovery codes, once, before the account page.
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Save your recovery codes');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await passRecoveryCodes(page, (url) => url.pathname === '/account')).toHaveLength(10);
    await expect.poll(() => page.getByText('Desk key', { exact: true }).isVisible()).toBe(true);
    // Mail leaves in the background after the commit (notices.ts): wait for the file, not a fixed time.
    await expect.poll(() => outboxSubjects(test)).toContain('A passkey was added to your account');

    await page.getByLabel('New name for Desk key').fill('Office key');
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => page.getByText('Office key', { exact: true }).isVisible()).toBe(true);

    // The second step of /account: the passkey is this user's only way, so its page comes straight away.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInOnAccount();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Use your passkey');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Use my passkey' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Passkeys' }).isVisible()).toBe(true);

    // Removal: a wrong password changes nothing; the right one removes it and e-mails the user.
    await page.getByLabel('Your password, to remove Office key').fill('not-the-password');
    await page.getByRole('button', { name: 'Remove' }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Your passkeys were not changed');
    await page.goto(`${test.origin}/account`);
    await page.getByLabel('Your password, to remove Office key').fill(ANA.password);
    await page.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => page.getByText('You have no passkey yet.').isVisible()).toBe(true);
    await expect.poll(() => outboxSubjects(test)).toContain('A passkey was removed from your account');

    // The Keyway step page, too.
    const accessToken = await signIn(test);
    await addPasskey(test, auth, accessToken, 'Second key');
    const step = await mfaStep(test);
    await page.goto(step.stepUrl);
    expect(await seriousViolations(page)).toEqual([]);
    expect(auth.violations).toEqual([]);
  });

  // Issue 18 (deployment profiles): a pushed profile that does not allow passkeys takes them away from its
  // users, even where the server allows them (server/mfa/policy.ts effectiveMfaPolicy).
  it('attack: a profile without passkeys refuses its user’s passwordless sign-in; without the profile it works', async () => {
    const { test, auth } = await passkeyTestSetup();
    await addPasskey(test, auth, await signIn(test), 'Ana key');
    await test.server.admin.setSignInMethod(ANA.loginId, 'oidc');
    await test.server.admin.createProfile('Apps only', { mfaChannels: 'totp' });
    await test.server.admin.assignProfile('Apps only', { user: ANA.loginId });
    await test.server.admin.pushProfile('Apps only');
    const config = await keywayClient(test.server.issuer);
    const redirectUri = (await keywayReturn()).returnTo.replace('/passkey-callback', '/callback');
    const authorizationUrl = async (state: string) =>
      client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid email profile offline_access',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        state,
      }).href;

    await auth.page.goto(await authorizationUrl('state-profile-refused'));
    await auth.page.getByRole('link', { name: 'Sign in with a passkey' }).click();
    await auth.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect
      .poll(() => auth.page.getByRole('alert').filter({ hasText: /\S/ }).textContent())
      .toContain('Your organisation does not allow passkeys.');
    expect(auth.page.url()).not.toContain(redirectUri);

    await test.server.admin.unassignProfile({ user: ANA.loginId });
    await auth.page.goto(await authorizationUrl('state-profile-gone'));
    await auth.page.getByRole('link', { name: 'Sign in with a passkey' }).click();
    const home = auth.page.waitForURL((url) => url.href.startsWith(redirectUri));
    await auth.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await home;
    expect(new URL(auth.page.url()).searchParams.get('state')).toBe('state-profile-gone');
  });
});
