/** The loopback hosts Keyway may listen on (RFC 8252 §7.3). Not `localhost`: it may resolve elsewhere (§8.3). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/**
 * Whether a redirect URI matches a registered one: exactly, or, for a registered loopback URI
 * (http://127.0.0.1/callback, http://[::1]/callback), the same URI with any port, since the app
 * picks a free port per sign-in. Nothing else on loopback passes: no localhost, no other path, no
 * query, no user info, and only the canonical spelling of the URI.
 */
export function isAllowedRedirectUri(value: string, registered: readonly string[]): boolean {
  if (registered.includes(value)) return true;
  const url = URL.parse(value);
  if (url?.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) return false;
  // Rebuilding the URI from its host refuses every other spelling ("http://127.0.0.1:080/…", "…/callback?x").
  if (value !== `http://${url.host}${url.pathname}`) return false;
  return registered.includes(`http://${url.hostname}${url.pathname}`);
}
