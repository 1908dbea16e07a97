import * as client from 'openid-client';
import { KEYWAY_OIDC_CLIENT_ID } from '../../protocol/api';
import { formsOf, parseHtml } from './html';

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
