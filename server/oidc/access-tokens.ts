import type { Provider } from 'oidc-provider';
import { KEYWAY_OIDC_CLIENT_ID } from '../../protocol/api';

/**
 * The user behind an access token of this server's OpenID Provider, checked as the provider's own
 * userinfo endpoint checks one (oidc-provider 9, lib/actions/userinfo.js and lib/shared/access_token.js),
 * plus the client: a live token (`AccessToken.find` answers undefined for an unknown or expired one,
 * lib/models/base_model.js → formats/opaque.js `verify`), issued to Keyway's client, for this server
 * (no audience: resource indicators are off, so a token WITH one was made for another resource server,
 * and userinfo refuses it the same way), with the `openid` scope, not sender-constrained (Keyway never
 * asks for DPoP or mTLS binding, and nothing here could check the proof), whose grant is still live and
 * names the same client and account. Undefined for anything else, without saying which check failed.
 */
export async function userIdOfProviderAccessToken(provider: Provider, value: string): Promise<number | undefined> {
  const token = await provider.AccessToken.find(value);
  if (token === undefined) return undefined;
  if (token.clientId !== KEYWAY_OIDC_CLIENT_ID) return undefined;
  if (token.aud !== undefined) return undefined;
  if (!token.scopes.has('openid')) return undefined;
  if (token.jkt !== undefined || token['x5t#S256'] !== undefined) return undefined;
  // A revoked grant (sign-out, reuse detection) ends its access tokens too.
  const grant = token.grantId === undefined ? undefined : await provider.Grant.find(token.grantId);
  if (grant === undefined) return undefined;
  if (grant.clientId !== token.clientId || grant.accountId !== token.accountId) return undefined;
  // The subject is the user's row id (provider.ts findAccount).
  const accountId = token.accountId;
  return accountId !== undefined && /^[1-9]\d{0,15}$/.test(accountId) ? Number(accountId) : undefined;
}
