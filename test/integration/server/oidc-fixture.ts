import * as client from 'openid-client';
import { expect } from 'vitest';
import { KEYWAY_OIDC_CLIENT_ID } from '../../../protocol/api';

/**
 * A tiny browser for the provider's pages: fetch with a cookie jar and manual redirects. One origin,
 * so cookies are kept by name (a newer cookie of the same name replaces the older one, as the
 * provider's path-scoped interaction cookies would in a real browser for the current page).
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  /** `headers`: sent with every request, as a browser sends its Accept-Language. */
  constructor(private readonly headers: Record<string, string> = {}) {}

  async get(url: string | URL): Promise<Response> {
    return this.request(url, { method: 'GET' });
  }

  async post(url: string | URL, form: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /**
   * Follows redirects from `response` while they stay on `origin`; returns the first response that is
   * not a redirect there, or the URL of a redirect that leaves it (the app's callback).
   */
  async follow(response: Response, origin: string): Promise<{ response: Response; url: string }> {
    let current = response;
    let url = current.url;
    for (let hop = 0; hop < 10; hop++) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || location === null) return { response: current, url };
      url = new URL(location, url).href;
      if (!url.startsWith(`${origin}/`)) return { response: current, url };
      current = await this.get(url);
    }
    throw new Error('Too many redirects.');
  }

  private async request(url: string | URL, init: RequestInit): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...this.headers,
        ...(init.headers as Record<string, string> | undefined),
        ...(cookie ? { cookie } : {}),
      },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const expired = attributes.some((attribute) => /^\s*expires=Thu, 01 Jan 1970/i.test(attribute));
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}

export interface SignInForm {
  action: string;
  csrf: string;
  login: string;
  cancel: string;
}

/** The sign-in page's form, read back from its HTML. */
export function readSignInForm(html: string, origin: string): SignInForm {
  const action = /<form class="form" method="post" action="([^"]+)">/.exec(html)?.[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  const login = /id="login" name="login" type="text" value="([^"]*)"/.exec(html)?.[1];
  const cancel = /<a href="([^"]+)">Cancel<\/a>/.exec(html)?.[1];
  if (action === undefined || csrf === undefined || login === undefined || cancel === undefined) {
    throw new Error(`Not the sign-in page:\n${html}`);
  }
  return { action: new URL(decode(action), origin).href, csrf, login, cancel: new URL(decode(cancel), origin).href };
}

function decode(text: string): string {
  return text.replace(/&amp;/g, '&');
}

/** openid-client's configuration for the Keyway client of a reference server on http loopback. */
export async function keywayClient(issuer: string): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), KEYWAY_OIDC_CLIENT_ID, undefined, client.None(), {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the test server is plain http on 127.0.0.1
    execute: [client.allowInsecureRequests],
  });
}

export interface StartedAuthorization {
  browser: TestBrowser;
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
  browser?: TestBrowser;
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
  const browser = options.browser ?? new TestBrowser();
  const url = client.buildAuthorizationUrl(config, parameters);
  const landed = await browser.follow(await browser.get(url), origin);
  const html = landed.url.startsWith(`${origin}/`) ? await landed.response.text() : '';
  return { browser, verifier, state, nonce, redirectUri: options.redirectUri, landed, html };
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
  return started.browser.follow(response, origin);
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
