import { describe, expect, it } from 'vitest';
import { isOpenableUrl } from '../../electron/main/openable-url';

const IDP = 'https://login.example.com';

describe('what Keyway lets the system browser open', () => {
  it('opens the identity provider’s https sign-in page', () => {
    expect(isOpenableUrl(`${IDP}/oauth2/authorize?client_id=keyway-desktop`, IDP)).toBe(true);
    expect(isOpenableUrl('http://127.0.0.1:7400/oidc/auth?x=1', 'http://127.0.0.1:7400')).toBe(true);
  });

  it.each([
    ['another origin', 'https://evil.example/authorize'],
    ['plain http to a real host', 'http://login.example.com/authorize'],
    ['user info', 'https://user:pw@login.example.com/authorize'],
    ['a file URL', 'file:///etc/passwd'],
    ['a custom scheme', 'ms-settings:privacy'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_name, url) => {
    expect(isOpenableUrl(url, url.startsWith('http://login') ? 'http://login.example.com' : IDP)).toBe(false);
  });
});
