/**
 * Whether forgetting an OIDC profile may hand its provider refresh token to the Keyway server's API to
 * sign the user out everywhere: only when the provider is the Keyway server's own (its issuer on the
 * server's origin). A token of an external IdP (Entra, Okta, …) must never be sent to anyone but that
 * IdP: its sessions are its own, and the Keyway server has no business holding its tokens.
 */
export function providerIsTheServers(issuer: string, serverOrigin: string): boolean {
  try {
    return new URL(issuer).origin === new URL(serverOrigin).origin;
  } catch {
    return false;
  }
}
