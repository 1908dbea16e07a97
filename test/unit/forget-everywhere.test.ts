import { describe, expect, it } from 'vitest';
import { providerIsTheServers } from '../../electron/core/onboarding/forget-everywhere';

// Forgetting a unified-login server hands the provider's refresh token to the Keyway server only when the
// provider is that server's own: an external IdP's token never leaves for anyone but that IdP.
describe('which provider tokens may go to the Keyway server on "forget this server"', () => {
  it('the server’s own provider (issuer under the server’s origin)', () => {
    expect(providerIsTheServers('https://keyway.example/oidc', 'https://keyway.example')).toBe(true);
    expect(providerIsTheServers('http://127.0.0.1:7400/oidc', 'http://127.0.0.1:7400')).toBe(true);
  });

  it.each([
    ['an external IdP', 'https://login.microsoftonline.com/tenant/v2.0', 'https://keyway.example'],
    ['a lookalike host', 'https://keyway.example.evil.test/oidc', 'https://keyway.example'],
    ['a subdomain', 'https://idp.keyway.example/oidc', 'https://keyway.example'],
    ['another port', 'https://keyway.example:8443/oidc', 'https://keyway.example'],
    ['another scheme', 'http://keyway.example/oidc', 'https://keyway.example'],
    ['a malformed issuer', 'not a url', 'https://keyway.example'],
  ])('never %s', (_name, issuer, origin) => {
    expect(providerIsTheServers(issuer, origin)).toBe(false);
  });
});
