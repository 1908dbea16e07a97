import * as client from 'openid-client';
import { expect } from 'vitest';
import { KEYWAY_OIDC_CLIENT_ID } from '../../../protocol/api';
import { Browser } from '../../support/browser';
import { linkHref, parseHtml } from '../../support/html';

export interface SignInForm {
  action: string;
  csrf: string;
  login: string;
  cancel: string;
}

/** The sign-in page's form, read back from its HTML (with a real parser: test/support/html.ts). */
export function readSignInForm(html: string, origin: string): SignInForm {
  const document = parseHtml(html);
  const form = document.querySelector('form.form[method="post"]');
  const csrf = form?.querySelector('input[name="csrf"]')?.getAttribute('value') ?? undefined;
  const login = document.querySelector('input#login[name="login"][type="text"]')?.getAttribute('value');
  const cancel = linkHref(html, 'Cancel');
  const action = form?.getAttribute('action') ?? undefined;
  if (action === undefined || csrf === undefined || login === undefined || login === null || cancel === undefined) {
    throw new Error(`Not the sign-in page:\n${html}`);
  }
  return { action: new URL(action, origin).href, csrf, login, cancel: new URL(cancel, origin).href };
}

/** openid-client's configuration for the Keyway client of a reference server on http loopback. */
export async function keywayClient(issuer: string): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), KEYWAY_OIDC_CLIENT_ID, undefined, client.None(), {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the test server is plain http on 127.0.0.1
    execute: [client.allowInsecureRequests],
  });
}

export interface StartedAuthorization {
  browser: Browser;
  verifier: string;
  state: string;
  nonce: string;
  redirectUri: string;
  /** Where the authorization request led: the sign-in page, or straight to the callback. */
  landed: { response: Response; url: string };
  /** The body of the page it landed on ('' after a redirect away), read once. */
  html: string;
}

export interface AuthorizeOptions {
  redirectUri: string;
  loginHint?: string;
  prompt?: string;
  scope?: string;
  browser?: Browser;
  /** Overrides or removes (undefined) any request parameter. */
  extra?: Record<string, string | undefined>;
}

/** Starts an authorization code + PKCE request the way Keyway does, in a (possibly reused) browser. */
export async function authorize(
  config: client.Configuration,
  origin: string,
  options: AuthorizeOptions,
): Promise<StartedAuthorization> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const parameters: Record<string, string> = {
    redirect_uri: options.redirectUri,
    scope: options.scope ?? 'openid email profile offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(options.loginHint === undefined ? {} : { login_hint: options.loginHint }),
    ...(options.prompt === undefined ? {} : { prompt: options.prompt }),
  };
  for (const [key, value] of Object.entries(options.extra ?? {})) {
    if (value === undefined) Reflect.deleteProperty(parameters, key);
    else parameters[key] = value;
  }
  const browser = options.browser ?? new Browser();
  const url = client.buildAuthorizationUrl(config, parameters);
  const landed = await followOn(browser, await browser.get(url), origin);
  const html = landed.url.startsWith(`${origin}/`) ? await landed.response.text() : '';
  return { browser, verifier, state, nonce, redirectUri: options.redirectUri, landed, html };
}

/**
 * Follows redirects while they stay on `origin`; returns the first response that is not a redirect
 * there, or the URL of a redirect that leaves it (the app's callback), as a string.
 */
export async function followOn(
  browser: Browser,
  response: Response,
  origin: string,
): Promise<{ response: Response; url: string }> {
  const landed = await browser.follow(response, origin);
  return { response: landed.response, url: landed.url.href };
}

/** Submits the sign-in page the authorization landed on; returns where the browser ends up. */
export async function submitSignIn(
  started: StartedAuthorization,
  origin: string,
  password: string,
  login?: string,
): Promise<{ response: Response; url: string }> {
  expect(started.landed.response.status).toBe(200);
  const form = readSignInForm(started.html, origin);
  const response = await started.browser.post(form.action, {
    csrf: form.csrf,
    login: login ?? form.login,
    password,
  });
  return followOn(started.browser, response, origin);
}

/** Trades the callback URL for tokens, checking state, nonce, PKCE and `iss` as Keyway does. */
export async function redeem(
  config: client.Configuration,
  started: StartedAuthorization,
  callbackUrl: string,
): Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers> {
  return client.authorizationCodeGrant(config, new URL(callbackUrl), {
    pkceCodeVerifier: started.verifier,
    expectedState: started.state,
    expectedNonce: started.nonce,
    idTokenExpected: true,
  });
}

/** The whole sign-in: authorize, sign in with the password, redeem the code. */
export async function signInWithOidc(
  config: client.Configuration,
  origin: string,
  password: string,
  options: AuthorizeOptions,
): Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers> {
  const started = await authorize(config, origin, options);
  const { url } = await submitSignIn(started, origin, password);
  return redeem(config, started, url);
}
