import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished, describe, expect, it } from 'vitest';
import { Problem } from '../../../protocol/api';
import { MfaOverview, RecoveryCodes, VerifiedSession } from '../../../protocol/mfa';
import { RECOVERY_CODE_ALPHABET, RecoveryCodeStore, normaliseRecoveryCode } from '../../../server/mfa/recovery-codes';
import { SecretBox } from '../../../server/mfa/secret-box';
import type { Storage } from '../../../server/storage/storage';
import { forEachEngine } from '../../support/engines';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { storedBytes } from '../../support/stored-data';
import { bearer, challenged, enrolAna, postAuthorized, startMfaServer, totpCode } from './mfa-fixture';
import { ANA, expectProblem, getJson, postJson, type JsonResponse, type TestServer } from './server-fixture';
import { gatheredAtWrites, instancesOn, roundRobin, someUser } from './store-fixture';
import { authorize, followOn, keywayClient, redeem, submitSignIn } from './oidc-fixture';
import { PageBrowser } from '../../support/browser';
import { alertText, fieldValue, heading, parseHtml, textsOf } from '../../support/html';

const REDIRECT = 'http://127.0.0.1:49152/callback';

const GROUPED = /^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$/;

/** One MFA key for every instance of a test, as instances sharing a database share it. */
function sharedBox(): SecretBox {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-recovery-key-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return SecretBox.inDataDir(dir);
}

async function macsOf(storage: Storage, userId: number): Promise<string[]> {
  const rows = await storage
    .q()
    .selectFrom('mfa_recovery_codes')
    .select('code_mac')
    .where('user_id', '=', userId)
    .execute();
  return rows.map((row) => row.code_mac);
}

forEachEngine('recovery-code store', (open, engine) => {
  it('makes ten distinct grouped codes of ≥ 50 bits, stores only keyed hashes of them, and counts them', async () => {
    const storage = await open();
    const store = new RecoveryCodeStore(storage, () => 1_000, sharedBox());
    const ana = await someUser(storage, 'ana');
    expect(await store.remaining(ana)).toBeNull();
    const codes = await store.replace(ana);
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(GROUPED);
    expect(new Set(codes).size).toBe(10);
    // 12 characters from 31: log2(31) × 12 ≈ 59.4 bits.
    expect(12 * Math.log2(RECOVERY_CODE_ALPHABET.length)).toBeGreaterThanOrEqual(50);
    expect(RECOVERY_CODE_ALPHABET).not.toMatch(/[01ilo]/);
    const macs = await macsOf(storage, ana);
    expect(macs).toHaveLength(10);
    for (const code of codes) {
      for (const mac of macs) {
        expect(mac.includes(code)).toBe(false);
        expect(mac.includes(normaliseRecoveryCode(code) ?? code)).toBe(false);
      }
    }
    expect(await store.remaining(ana)).toBe(10);
  });

  it('takes a code typed in capitals with spaces or without dashes, once; then it is refused', async () => {
    const storage = await open();
    const store = new RecoveryCodeStore(storage, () => 1_000, sharedBox());
    const ana = await someUser(storage, 'ana');
    const [first = '', second = ''] = await store.replace(ana);
    expect(await store.use(ana, ` ${first.toUpperCase().replace(/-/g, ' ')} `)).toEqual({ used: true, remaining: 9 });
    expect(await store.use(ana, first)).toEqual({ used: false });
    expect(await store.use(ana, second.replace(/-/g, ''))).toEqual({ used: true, remaining: 8 });
    // Not a code at all: refused without touching anything.
    expect(await store.use(ana, 'abcd-efgh-ijkl')).toEqual({ used: false });
    expect(await store.use(ana, '')).toEqual({ used: false });
    expect(await store.remaining(ana)).toBe(8);
  });

  it('attack: a code of another user is refused, and spends nothing of theirs', async () => {
    const storage = await open();
    const store = new RecoveryCodeStore(storage, () => 1_000, sharedBox());
    const ana = await someUser(storage, 'ana');
    const bob = await someUser(storage, 'bob');
    await store.replace(ana);
    const bobs = await store.replace(bob);
    for (const code of bobs) expect(await store.use(ana, code)).toEqual({ used: false });
    expect(await store.remaining(ana)).toBe(10);
    expect(await store.remaining(bob)).toBe(10);
  });

  it('attack: MACs copied onto another account (a database write without the key) do not let their codes in', async () => {
    const storage = await open();
    const store = new RecoveryCodeStore(storage, () => 1_000, sharedBox());
    const ana = await someUser(storage, 'ana');
    const bob = await someUser(storage, 'bob');
    const bobs = await store.replace(bob);
    // Someone who can write the database but not read the key puts Bob's rows (codes they know) on Ana.
    await storage
      .q()
      .insertInto('mfa_recovery_codes')
      .values(
        (await macsOf(storage, bob)).map((code_mac) => ({ user_id: ana, code_mac, created_at: 1, used_at: null })),
      )
      .execute();
    expect(await store.remaining(ana)).toBe(10);
    // Each MAC is bound to its user (the user id is in the MAC's input): moved, it matches nothing.
    for (const code of bobs) expect(await store.use(ana, code)).toEqual({ used: false });
    expect(await store.remaining(ana)).toBe(10);
  });

  it('attack: after a new set, every code of the old set is refused', async () => {
    const storage = await open();
    const store = new RecoveryCodeStore(storage, () => 1_000, sharedBox());
    const ana = await someUser(storage, 'ana');
    const old = await store.replace(ana);
    expect((await store.use(ana, old[0] ?? '')).used).toBe(true);
    const fresh = await store.replace(ana);
    expect(await store.remaining(ana)).toBe(10);
    for (const code of old) expect(await store.use(ana, code)).toEqual({ used: false });
    expect(await store.use(ana, fresh[3] ?? '')).toEqual({ used: true, remaining: 9 });
    // A first set is made only when there is none (reset-mfa's clear makes none again).
    expect(await store.firstSet(ana)).toBeUndefined();
    expect(await store.clear(ana)).toBe(9);
    expect(await store.remaining(ana)).toBeNull();
    expect(await store.firstSet(ana)).toHaveLength(10);
  });

  it('attack: one code used at once from several instances signs in exactly once', async () => {
    const instances = await instancesOn(engine);
    const box = sharedBox();
    const stores = instances.map((storage) => new RecoveryCodeStore(storage, () => 1_000, box));
    const at = roundRobin(stores as [RecoveryCodeStore, ...RecoveryCodeStore[]]);
    const ana = await someUser(instances[0], 'ana');
    const [code = ''] = await at(0).replace(ana);
    const racers = 6;
    const answers = await gatheredAtWrites(instances[0], 'mfa_recovery_codes', racers, () =>
      Promise.all(Array.from({ length: racers }, (_, index) => at(index).use(ana, code))),
    );
    expect(answers.filter((answer) => answer.used)).toHaveLength(1);
    expect(await at(0).remaining(ana)).toBe(9);
  });
});

function recover(origin: string, challengeId: string, recoveryCode: string): Promise<JsonResponse> {
  return postJson(origin, '/api/v1/mfa/recover', { challengeId, recoveryCode });
}

function codeOf(response: JsonResponse): string {
  return Problem.parse(response.body).code;
}

async function sinkServer(): Promise<{ test: TestServer; sink: SmtpSink }> {
  const sink = await startSmtpSink();
  onTestFinished(() => sink.close());
  const test = await startMfaServer(
    { mode: 'enforced' },
    { smtp: { host: '127.0.0.1', port: sink.port, insecure: true } },
  );
  return { test, sink };
}

async function overview(test: TestServer, accessToken: string): Promise<MfaOverview> {
  const response = await getJson(test.origin, '/api/v1/me/mfa', bearer(accessToken));
  expect(response.status).toBe(200);
  return MfaOverview.parse(response.body);
}

describe('recovery codes over the API', () => {
  it('enrol → codes shown once → sign in with one → the same refused → regenerate → the old set refused', async () => {
    const { test, sink } = await sinkServer();
    const { session, secret } = await enrolAna(test);
    // The first second factor's answer carries the codes; nothing else ever shows them again.
    const codes = session.recoveryCodes ?? [];
    expect(codes).toHaveLength(10);
    expect((await overview(test, session.accessToken)).recoveryCodes).toEqual({ remaining: 10 });

    const required = await challenged(test.origin);
    expect(required.recoveryCode).toBe(true);
    const recovered = await recover(test.origin, required.challengeId, (codes[0] ?? '').toUpperCase());
    expect(recovered.status).toBe(200);
    const signedIn = VerifiedSession.parse(recovered.body);
    expect(signedIn.recoveryCodesLeft).toBe(9);
    expect(signedIn.recoveryCodes).toBeUndefined();
    // The sign-in is spent: another code cannot start a second session from it.
    expectProblem(await recover(test.origin, required.challengeId, codes[1] ?? ''), 'mfa_challenge_expired', 410);
    const used = await sink.waitForMail((mail) => mail.subject?.startsWith('A recovery code was used') === true);
    expect(used.text).toContain('You have 9 recovery codes left.');
    expect(used.text).not.toContain(codes[0] ?? '');

    // The same code again, in a new sign-in: refused like a wrong code.
    const again = await challenged(test.origin);
    expectProblem(await recover(test.origin, again.challengeId, codes[0] ?? ''), 'mfa_code_invalid', 401);
    // A normal second factor still works afterwards (the wrong code did not spend the challenge).
    test.advance(30_000);
    const withApp = await postJson(test.origin, '/api/v1/mfa/verify', {
      challengeId: again.challengeId,
      channel: 'totp',
      code: totpCode(secret, test),
    });
    expect(withApp.status).toBe(200);
    // A later authenticator code does not hand out codes again.
    expect(VerifiedSession.parse(withApp.body).recoveryCodes).toBeUndefined();

    // Regenerate: the password again, then a new set; the old one stops working at once.
    expectProblem(
      await postAuthorized(test.origin, '/api/v1/me/mfa/recovery-codes', signedIn.accessToken, { password: 'wrong' }),
      'reauthentication_required',
      401,
    );
    const regenerated = await postAuthorized(test.origin, '/api/v1/me/mfa/recovery-codes', signedIn.accessToken, {
      password: ANA.password,
    });
    expect(regenerated.status).toBe(200);
    const fresh = RecoveryCodes.parse(regenerated.body).recoveryCodes;
    expect(fresh.some((code) => codes.includes(code))).toBe(false);
    expect((await overview(test, signedIn.accessToken)).recoveryCodes).toEqual({ remaining: 10 });
    const third = await challenged(test.origin);
    expectProblem(await recover(test.origin, third.challengeId, codes[1] ?? ''), 'mfa_code_invalid', 401);
    const withFresh = await recover(test.origin, third.challengeId, fresh[1] ?? '');
    expect(VerifiedSession.parse(withFresh.body).recoveryCodesLeft).toBe(9);

    // Nothing the server stored holds a code, grouped or not (SQLite files or every PostgreSQL row).
    const stored = await storedBytes(test);
    expect(stored.includes(ANA.email)).toBe(true);
    for (const code of [...codes, ...fresh]) {
      expect(stored.includes(code)).toBe(false);
      expect(stored.includes(normaliseRecoveryCode(code) ?? code)).toBe(false);
    }
  });

  it('attack: wrong recovery codes count toward the account-wide limit and lock the second step', async () => {
    const { test, sink } = await sinkServer();
    const { session } = await enrolAna(test);
    const codes = session.recoveryCodes ?? [];
    const answers: string[] = [];
    // Five sign-ins, two wrong codes each: under the per-challenge limit (5); only the account limit stops them.
    for (let signIn = 0; signIn < 5; signIn += 1) {
      const { challengeId } = await challenged(test.origin);
      for (let guess = 0; guess < 2; guess += 1) {
        answers.push(
          codeOf(await recover(test.origin, challengeId, `zzzz-zzzz-zz${'abcde'.charAt(signIn)}${'xy'.charAt(guess)}`)),
        );
      }
    }
    expect(answers.slice(0, 9).every((code) => code === 'mfa_code_invalid')).toBe(true);
    expect(answers[9]).toBe('account_locked');
    await sink.waitForMail((mail) => mail.subject?.startsWith('Too many wrong sign-in codes') === true);
    // During the lock even a right code is refused, and not spent.
    const locked = await challenged(test.origin);
    expectProblem(await recover(test.origin, locked.challengeId, codes[0] ?? ''), 'account_locked', 423);
    test.advance(16 * 60 * 1000);
    const after = await challenged(test.origin);
    expect(
      VerifiedSession.parse((await recover(test.origin, after.challengeId, codes[0] ?? '')).body).recoveryCodesLeft,
    ).toBe(9);
  });

  it('attack: a recovery code of another user does not sign in', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const bob = { loginId: 'bob', email: 'bob@example.com', displayName: 'Bob', password: 'bob horse battery staple' };
    await test.server.admin.createUser({ ...bob, sendWelcomeEmail: false });
    const { session } = await enrolAna(test);
    const anas = session.recoveryCodes ?? [];
    // Bob (password known to the attacker) has no codes: Ana's, leaked, must not pass his second step.
    const bobRequired = await challenged(test.origin, { loginId: bob.loginId, password: bob.password });
    expect(bobRequired.recoveryCode).toBe(false);
    for (const code of anas.slice(0, 3)) {
      expectProblem(await recover(test.origin, bobRequired.challengeId, code), 'mfa_code_invalid', 401);
    }
    expect((await overview(test, session.accessToken)).recoveryCodes).toEqual({ remaining: 10 });
  });

  it('a challenge that is not live, or a malformed code, is refused with a specific error', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const { session } = await enrolAna(test);
    const codes = session.recoveryCodes ?? [];
    expectProblem(await recover(test.origin, 'x'.repeat(43), codes[0] ?? ''), 'mfa_challenge_expired', 410);
    const required = await challenged(test.origin);
    expectProblem(await recover(test.origin, required.challengeId, 'not a code!'), 'invalid_input', 400);
    test.advance(31 * 60 * 1000);
    expectProblem(await recover(test.origin, required.challengeId, codes[0] ?? ''), 'mfa_challenge_expired', 410);
  });
});

describe('recovery codes on the server’s pages', () => {
  it('/account: "Use a recovery code" signs in once with a code; new codes after the password; a used code is refused', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const codes = (await enrolAna(test)).session.recoveryCodes ?? [];
    const signIn = async () => {
      const browser = new PageBrowser(test.origin);
      const form = await browser.get('/account');
      const answer = await browser.submit(form, '/account/sign-in', { login: ANA.email, password: ANA.password });
      expect(heading(answer.html)).toBe('Enter your code');
      expect(answer.html).toContain('<a href="/account?mfa=recover">Use a recovery code</a>');
      const page = await browser.get('/account?mfa=recover');
      expect(heading(page.html)).toBe('Use a recovery code');
      expect(page.html).toContain('<label for="recoveryCode">Recovery code</label>');
      return { browser, page };
    };
    const first = await signIn();
    const malformed = await first.browser.submit(first.page, '/account/mfa/recover', { recoveryCode: 'nope' });
    expect(malformed.status).toBe(400);
    expect(alertText(malformed.html)).toMatch(/^Enter a recovery code/);
    const right = await first.browser.submit(first.page, '/account/mfa/recover', {
      recoveryCode: (codes[2] ?? '').toUpperCase(),
    });
    expect(right.status).toBe(303);
    const account = await first.browser.get('/account');
    expect(heading(account.html)).toBe('Set up Keyway');
    expect(account.html).toContain('You have 9 unused recovery codes.');

    // New codes from the signed-in page: the password again first; a wrong one changes nothing.
    const refusedNew = await first.browser.submit(account, '/account/recovery-codes', { password: 'not the password' });
    expect(refusedNew.status).toBe(401);
    expect(heading(refusedNew.html)).toBe('No new recovery codes');
    const forged = await first.browser.post('/account/recovery-codes', { password: ANA.password, csrf: 'forged' });
    expect(forged.status).toBe(403);
    const renewed = await first.browser.submit(account, '/account/recovery-codes', { password: ANA.password });
    expect(renewed.status).toBe(200);
    expect(heading(renewed.html)).toBe('Save your recovery codes');
    const fresh = textsOf(renewed.html, 'li.code');
    expect(fresh).toHaveLength(10);
    const viaApi = await challenged(test.origin);
    expectProblem(await recover(test.origin, viaApi.challengeId, codes[3] ?? ''), 'mfa_code_invalid', 401);
    expect(
      VerifiedSession.parse((await recover(test.origin, viaApi.challengeId, fresh[3] ?? '')).body).recoveryCodesLeft,
    ).toBe(9);

    const second = await signIn();
    const reused = await second.browser.submit(second.page, '/account/mfa/recover', { recoveryCode: fresh[3] ?? '' });
    expect(reused.status).toBe(401);
    expect(alertText(reused.html)).toMatch(/not right, or it was used before\. 4 more tries/);
    expect(heading((await second.browser.get('/account')).html)).toBe('Enter your code');
  });

  it('provider pages: "Use a recovery code" finishes the unified login once; the same code is then refused', async () => {
    const test = await startMfaServer({ mode: 'enforced' });
    const codes = (await enrolAna(test)).session.recoveryCodes ?? [];
    await test.server.admin.setSignInMethod(ANA.loginId, 'oidc');
    const config = await keywayClient(test.server.issuer);
    const attempt = async (code: string) => {
      const started = await authorize(config, test.origin, { redirectUri: REDIRECT, loginHint: ANA.loginId });
      const landed = await submitSignIn(started, test.origin, ANA.password);
      const html = await landed.response.text();
      expect(html).toContain('Use a recovery code</a>');
      const page = await started.browser.get(`${started.landed.url}?mfa=recover`);
      const pageHtml = await page.text();
      expect(heading(pageHtml)).toBe('Use a recovery code');
      const action = parseHtml(pageHtml).querySelector('form.form[method="post"]')?.getAttribute('action') ?? '';
      const csrf = fieldValue(pageHtml, 'csrf') ?? '';
      expect(action).toMatch(/\/mfa\/recover$/);
      const posted = await started.browser.post(new URL(action, test.origin), { csrf, recoveryCode: code });
      return { started, done: await followOn(started.browser, posted, test.origin) };
    };
    const { started, done } = await attempt(codes[4] ?? '');
    expect(done.url).toMatch(new RegExp(`^${REDIRECT}\\?code=`));
    expect((await redeem(config, started, done.url)).claims()?.preferred_username).toBe(ANA.loginId);

    const again = await attempt(codes[4] ?? '');
    expect(again.done.response.status).toBe(401);
    expect(again.done.url).not.toMatch(new RegExp(`^${REDIRECT}`));
    expect(await again.done.response.text()).toMatch(
      /role="alert">That recovery code is not right, or it was used before/,
    );
  });
});
