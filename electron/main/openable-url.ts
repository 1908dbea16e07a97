import { isLoopbackHost } from '../../protocol/server-origin';

/** https (or, for development, loopback http), no user info, and exactly the identity provider's origin. */
export function isOpenableUrl(url: string, identityProviderOrigin: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password || parsed.origin !== identityProviderOrigin) return false;
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname));
}
