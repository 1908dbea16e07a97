import * as client from 'openid-client';
import { KEYWAY_OIDC_CLIENT_ID } from '../../protocol/api';
import { formsOf, parseHtml } from './html';

/**
 * A scripted browser for brokered sign-in tests: fetch with manual redirects and a cookie jar per
 * host name. Like a real browser it ignores the port (127.0.0.1:A and 127.0.0.1:B share cookies),
 * which is why the test upstream provider names its cookies differently. Paths are not scoped:
 * each cookie is sent to every path of its host, a superset of what a browser sends.
 */
export class SsoBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  get(url: string | URL): Promise<Response> {
    return this.request(new URL(url), { method: 'GET' });
  }

  post(url: string | URL, form: Record<string, string>): Promise<Response> {
    return this.request(new URL(url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /**
   * Follows redirects (GET) from `response`; stops at the first response that is not a redirect, or
   * at a redirect to a URL `stop` accepts (not requested: a test decides what reaches an app's
   * loopback callback or an identity provider).
   */
  async follow(
    response: Response,
    stop: (url: URL) => boolean = () => false,
  ): Promise<{ response: Response; url: URL }> {
    let current = response;
    let url = new URL(response.url);
    for (let hop = 0; hop < 15; hop++) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || location === null) return { response: current, url };
      url = new URL(location, url);
      if (stop(url)) return { response: current, url };
      current = await this.get(url);
    }
    throw new Error('Too many redirects.');
  }

  private async request(url: URL, init: RequestInit): Promise<Response> {
    const jar = this.jars.get(url.hostname) ?? new Map<string, string>();
    this.jars.set(url.hostname, jar);
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const headers = { ...(init.headers as Record<string, string> | undefined), ...(cookie ? { cookie } : {}) };
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const value = pair.slice(pair.indexOf('=') + 1).trim();
      const expired = attributes.some((attribute) => /^\s*expires=Thu, 01 Jan 1970/i.test(attribute));
      if (value === '' || expired) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }
}

/** The first form on a page whose action matches, with its fields (a button is the caller's to press). */
export function formOn(
  html: string,
  base: string | URL,
  action: RegExp,
): { action: URL; fields: Record<string, string> } {
  const form = formsOf(parseHtml(html), base).find((each) => action.test(each.action.href));
  if (!form) throw new Error(`No form posting to ${String(action)} on the page:\n${html}`);
  return { action: form.action, fields: form.fields };
}

/** Keyway's side: an authorization request to the reference server's provider, as core makes it. */
export async function keywayAuthorization(
  issuer: string,
  options: { redirectUri: string; loginHint?: string },
): Promise<{
  url: URL;
  redeem: (callback: URL) => Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers>;
}> {
  const config = await client.discovery(new URL(issuer), KEYWAY_OIDC_CLIENT_ID, undefined, client.None(), {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the test server is plain http on 127.0.0.1
    execute: [client.allowInsecureRequests],
  });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: options.redirectUri,
    scope: 'openid email profile offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(options.loginHint === undefined ? { prompt: 'select_account' } : { login_hint: options.loginHint }),
  });
  return {
    url,
    redeem: (callback) =>
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      }),
  };
}
