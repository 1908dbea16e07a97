import { expect } from 'vitest';
import type { MfaPolicyChange } from '../../../server/index';
import { PageBrowser, type WebPage } from '../../support/browser';
import { enrolAna, startMfaServer, totpCode } from './mfa-fixture';
import { ANA, type startServerWithAna, type TestServer } from './server-fixture';

/**
 * The admin console's two-step sign-in as a browser does it (issue 18): the password form at /admin, then,
 * when it leads to the second step, the authenticator code there. Returns the last answer: the password
 * step's when it went no further (a refusal), else the code's (303 to /admin/users on success).
 */
export async function consoleSignIn(
  browser: PageBrowser,
  fields: { login: string; password: string; code: string },
): Promise<WebPage> {
  const first = await browser.submit(await browser.get('/admin'), '/admin/sign-in', {
    login: fields.login,
    password: fields.password,
  });
  if (first.status !== 303 || first.location !== `${browser.origin}/admin/verify`) return first;
  const step = await browser.get('/admin/verify');
  if (step.status !== 200) return step;
  return browser.submit(step, '/admin/verify/code', { code: fields.code });
}

/** A plain user beside the admin: the console's target for user actions, and its non-admin. */
export const BOB = {
  loginId: 'bob',
  email: 'bob@example.com',
  displayName: 'Bob Example',
  password: 'bob has a long password',
};

/** The site a cross-site form post comes from. */
export const EVIL_ORIGIN = 'https://evil.example';

/** What differs between the console tests' worlds; each default is what most of them want. */
export interface ConsoleWorldOptions {
  /** The user MFA policy Ana enrols her authenticator app under (default: TOTP enforced). */
  enrolUnder?: MfaPolicyChange;
  /**
   * The user MFA policy set after her enrolment (default: optional, so anything that lets her into the
   * console without a code is the console's fault, not the policy's); null keeps `enrolUnder`.
   */
  afterwards?: MfaPolicyChange | null;
  /** Whether Bob exists (default: yes). */
  bob?: boolean;
  /** The server's options (limits, say). */
  server?: Parameters<typeof startServerWithAna>[0];
}

/** One console world: the server, and Ana's authenticator secret (for her codes). */
export interface ConsoleWorld {
  test: TestServer;
  secret: string;
}

/** A server where Ana is an admin with an authenticator app (and, by default, Bob a plain user). */
export async function consoleWorld(options: ConsoleWorldOptions = {}): Promise<ConsoleWorld> {
  const test = await startMfaServer(options.enrolUnder ?? { mode: 'enforced' }, options.server ?? {});
  const { secret } = await enrolAna(test);
  const afterwards = options.afterwards === undefined ? { mode: 'optional' as const } : options.afterwards;
  if (afterwards !== null) await test.server.admin.setMfaPolicy(afterwards);
  await test.server.admin.grantAdmin(ANA.loginId);
  if (options.bob ?? true) await test.server.admin.createUser({ ...BOB, sendWelcomeEmail: false });
  return { test, secret };
}

/**
 * Signs in at /admin in two steps in a new browser (with these default headers, or `browser` when given);
 * Ana's login ID and password unless told otherwise. The clock then moves one TOTP step on, so the next
 * code is a fresh one.
 */
export async function signInToConsole(
  test: TestServer,
  fields: { login?: string | undefined; password?: string | undefined; code: string },
  browser: PageBrowser = new PageBrowser(test.origin),
): Promise<{ browser: PageBrowser; answer: WebPage }> {
  const answer = await consoleSignIn(browser, {
    login: fields.login ?? ANA.loginId,
    password: fields.password ?? ANA.password,
    code: fields.code,
  });
  test.advance(30_000);
  return { browser, answer };
}

/**
 * A browser (with these default headers) where Ana signed in (with her login ID unless told otherwise) with
 * her current code, and reached the Users page.
 */
export async function signedInAdmin(
  { test, secret }: ConsoleWorld,
  options: { login?: string; headers?: Record<string, string> } = {},
): Promise<PageBrowser> {
  const { browser, answer } = await signInToConsole(
    test,
    { login: options.login, code: totpCode(secret, test) },
    new PageBrowser(test.origin, options.headers ?? {}),
  );
  expect(answer.status).toBe(303);
  expect(answer.location).toBe(`${test.origin}/admin/users`);
  return browser;
}
