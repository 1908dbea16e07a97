import type { Page } from '@playwright/test';
import { formsOf, parseHtml, submission, text, type PageForm } from './html';
import { Browser } from './browser';

/**
 * The one driver of the reference server's sign-in pages (server/oidc/pages.ts, server/oidc/mfa-pages.ts,
 * the passkey pages of server/mfa/passkeys-page.ts) for every test that goes through them: it knows each
 * page by its form, read with a real HTML parser (./html.ts), and goes on as a person would. Two ways to
 * drive them: `signInThroughProvider`, a scripted browser over HTTP (fetch, cookies, redirects by hand),
 * and the functions taking a Playwright `Page`, in real Chromium, which act through what a person sees
 * (labels, roles) and use the same reading of the page to tell where they are.
 */

interface Shown {
  /** The page's h1. */
  heading: string;
  /** The first non-empty role=alert: why the provider refused what was sent. */
  error: string | undefined;
}

type ProviderPage = Shown &
  (
    | { kind: 'sign-in'; form: PageForm; login: string }
    | { kind: 'mfa-choice'; form: PageForm; ways: { channel: string; label: string }[] }
    | { kind: 'code'; form: PageForm; channel: string }
    | { kind: 'enrolment'; form: PageForm; key: string }
    | { kind: 'recovery-code'; form: PageForm }
    | { kind: 'passkey'; form: PageForm; options: Record<string, unknown> }
    | { kind: 'recovery-codes'; codes: string[]; continueUrl: URL }
    | { kind: 'confirm-account'; form: PageForm }
    | { kind: 'other' }
  );

/**
 * Which provider page `html` is, by its form: the password field (sign-in), buttons named `channel`
 * (the choice of a second step), a `code` field (a code, or the first code of an authenticator app next
 * to its key), a `recoveryCode` field, a passkey form (its ceremony's options), the list of new recovery
 * codes and its way on, and a form with nothing but its CSRF token ("Continue as …?", RFC 8252 §8.6).
 */
export function readProviderPage(html: string, pageUrl: string | URL): ProviderPage {
  const document = parseHtml(html);
  const forms = formsOf(document, pageUrl);
  const alerts = [...document.querySelectorAll('[role="alert"]')].map((alert) => text(alert));
  const shown: Shown = { heading: text(document.querySelector('h1')), error: alerts.find((alert) => alert !== '') };
  const has = (name: string) => forms.find((form) => name in form.fields);

  const signIn = has('password');
  if (signIn) return { ...shown, kind: 'sign-in', form: signIn, login: signIn.fields.login ?? '' };
  const choice = forms.find((form) => form.buttons.some((button) => button.name === 'channel'));
  if (choice) {
    const ways = choice.buttons
      .filter((button) => button.name === 'channel')
      .map((button) => ({ channel: button.value, label: button.label }));
    return { ...shown, kind: 'mfa-choice', form: choice, ways };
  }
  const code = has('code');
  const key = document.querySelector('p.code[translate="no"]');
  if (code && key) return { ...shown, kind: 'enrolment', form: code, key: text(key).replace(/\s/g, '') };
  if (code) return { ...shown, kind: 'code', form: code, channel: code.fields.channel ?? '' };
  const recovery = has('recoveryCode');
  if (recovery) return { ...shown, kind: 'recovery-code', form: recovery };
  const passkeyForm = document.querySelector('form[data-options]');
  const passkey = has('response');
  if (passkeyForm && passkey) {
    const options = JSON.parse(passkeyForm.getAttribute('data-options') ?? '{}') as Record<string, unknown>;
    return { ...shown, kind: 'passkey', form: passkey, options };
  }
  const codes = document.querySelector('[aria-label="Recovery codes"]');
  const onward = document.querySelector('a.button[href]');
  if (codes && onward) {
    return {
      ...shown,
      kind: 'recovery-codes',
      codes: [...codes.querySelectorAll('li')].map((item) => text(item)),
      continueUrl: new URL(onward.getAttribute('href') ?? '', pageUrl),
    };
  }
  const [only, ...more] = forms;
  const [button, ...otherButtons] = only?.buttons ?? [];
  // A refusal's "Try again with …" is a form of the same shape: the button says which one it is.
  if (only && more.length === 0 && Object.keys(only.fields).join() === 'csrf' && otherButtons.length === 0) {
    if (button?.label.startsWith('Continue as ')) return { ...shown, kind: 'confirm-account', form: only };
  }
  return { ...shown, kind: 'other' };
}

// ---------------------------------------------------------------------------------------------------
// Over HTTP

/**
 * What the scripted browser answers on a page that is neither the sign-in form nor the new recovery
 * codes: the fields to post on that page's form (a button's name with its value presses it), or
 * undefined for a page it cannot pass; possibly later (an e-mailed code to wait for).
 */
type ProviderAnswer = (
  page: Exclude<ProviderPage, { kind: 'other' | 'recovery-codes' | 'sign-in' }>,
) => Record<string, string> | undefined | Promise<Record<string, string> | undefined>;

/**
 * A minimal system browser for integration tests of unified login: follows redirects by hand, keeps
 * cookies, signs in on the provider's form with `password` (the login ID as the form has it, from
 * login_hint), goes on past the new recovery codes as a person who saved them, and answers any other
 * step with `answer`. It stops at the first redirect to `stopAt` and returns that URL without
 * requesting it, so a test decides what reaches Keyway's loopback listener (and an attacker's copy).
 * A page it cannot pass, or the sign-in form shown again (refused), throws with what the page says.
 */
export async function signInThroughProvider(
  authorizationUrl: string,
  password: string,
  stopAt: (url: URL) => boolean,
  answer?: ProviderAnswer,
): Promise<URL> {
  const browser = new Browser();
  let next: Visit = { url: new URL(authorizationUrl) };
  let signedIn = false;
  for (let hop = 0; hop < 20; hop++) {
    if (stopAt(next.url)) return next.url;
    const here = next.url;
    const response = next.form === undefined ? await browser.get(here) : await browser.post(here, next.form);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      next = { url: new URL(location, here) };
      continue;
    }
    const page = readProviderPage(await response.text(), here);
    if (page.kind === 'recovery-codes') {
      next = { url: page.continueUrl };
    } else if (page.kind === 'sign-in' && !signedIn) {
      signedIn = true;
      next = submit(page.form, { password });
    } else if (page.kind === 'other' || page.kind === 'sign-in') {
      // The sign-in form again is a refusal (its alert says why): signing in twice would only repeat it.
      const why = page.error === undefined ? '' : `: ${page.error}`;
      throw new Error(`The provider stopped at "${page.heading}" (${here.pathname}, ${response.status})${why}`);
    } else {
      const fields = await answer?.(page);
      if (fields === undefined) throw new Error(`No answer for the provider's "${page.heading}" (${page.kind}).`);
      next = submit(page.form, fields);
    }
  }
  throw new Error('too many redirects at the provider');
}

/** The scripted browser's next request: a GET, or a form posted. */
interface Visit {
  url: URL;
  form?: Record<string, string>;
}

function submit(form: PageForm, typed: Record<string, string>): Visit {
  if (form.method !== 'post')
    throw new Error(`The form to ${form.action.pathname} is not posted: not a provider step.`);
  return { url: form.action, form: Object.fromEntries(submission(form, typed)) };
}

// ---------------------------------------------------------------------------------------------------
// In real Chromium (Playwright)

/** Where `page` is, read from what it shows now (after a navigation has loaded). */
async function providerPageIn(page: Page): Promise<ProviderPage> {
  return readProviderPage(await page.content(), page.url());
}

/**
 * Signs in on the provider's sign-in page. Call it with `page` showing that page: Keyway opened the
 * browser on the authorization URL with login_hint, so "E-mail or login ID" is already filled in; pass
 * `loginId` only to type another. It submits and returns once the next page has loaded (Keyway's loopback
 * callback, the device flow's "You are signed in" page, or, when MFA applies, the provider's second step:
 * finish that with chooseProviderMfaWay and completeProviderMfa); if the provider shows the form again
 * with an error (wrong password, locked account), it throws with that error.
 */
export async function signInAtProvider(page: Page, password: string, loginId?: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  if (loginId !== undefined) await page.getByLabel('E-mail or login ID', { exact: true }).fill(loginId);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
  // Only the provider's pages are read: the next page may be Keyway's callback, which is not ours to parse.
  if (!new URL(page.url()).pathname.startsWith('/oidc/interaction/')) return;
  const next = await providerPageIn(page);
  if (next.kind === 'sign-in')
    throw new Error(`The OpenID Provider did not accept the sign-in: ${next.error ?? 'no reason shown'}`);
}

/** On "Verify it's you", picks a way by its button text: /authenticator app/, /E-mail a code/, /Text a code/, /Set up/. */
export async function chooseProviderMfaWay(page: Page, way: RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: "Verify it's you" }).waitFor();
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: way }).click()]);
}

/** The key shown on "Set up an authenticator app", without its grouping spaces (base32). */
export async function readProviderEnrollmentKey(page: Page): Promise<string> {
  await page.getByRole('heading', { level: 1, name: 'Set up an authenticator app' }).waitFor();
  const shown = await providerPageIn(page);
  if (shown.kind !== 'enrolment') throw new Error(`Not the enrolment page: "${shown.heading}" (${shown.kind})`);
  return shown.key;
}

/**
 * Types `code` into "6-digit code" on the code or enrolment page and submits. Returns once the next
 * page has loaded (Keyway's callback, or the device flow's success page), past the new recovery codes
 * after a first second factor; throws with the page's error when the provider shows a step again
 * (wrong, expired or used code) or the sign-in page.
 */
export async function completeProviderMfa(page: Page, code: string): Promise<void> {
  const field = page.getByLabel('6-digit code', { exact: true });
  await field.waitFor();
  await field.fill(code);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: /^Verify/ }).click()]);
  if ((await providerPageIn(page)).kind === 'recovery-codes') await leaveRecoveryCodes(page);
  if (new URL(page.url()).pathname.startsWith('/oidc/interaction/')) {
    const shown = await providerPageIn(page);
    throw new Error(`The OpenID Provider did not accept the code: ${shown.error ?? 'no reason shown'}`);
  }
}

/**
 * After a step that may add a user's first second factor (a passkey, an authenticator app), whichever
 * comes first: the browser at `done` (no recovery codes: undefined), or the page with the new recovery
 * codes (their text, once the person has gone on past them and the browser is at `done`).
 */
export async function passRecoveryCodes(page: Page, done: (url: URL) => boolean): Promise<string[] | undefined> {
  const shown = page.getByRole('heading', { level: 1, name: 'Save your recovery codes' });
  await Promise.race([page.waitForURL(done), shown.waitFor()]);
  if (done(new URL(page.url()))) return undefined;
  const codes = await leaveRecoveryCodes(page);
  await page.waitForURL(done);
  return codes;
}

/** On the new recovery codes: reads them, then "I saved them, continue"; returns once the next page has loaded. */
async function leaveRecoveryCodes(page: Page): Promise<string[]> {
  const shown = await providerPageIn(page);
  if (shown.kind !== 'recovery-codes') throw new Error(`Not the recovery codes: "${shown.heading}" (${shown.kind})`);
  await Promise.all([
    page.waitForEvent('load'),
    page.getByRole('link', { name: 'I saved them, continue', exact: true }).click(),
  ]);
  return shown.codes;
}
