import { describe, expect, it } from 'vitest';
import { isAllowedRedirectUri } from '../../../server/oidc/redirect-uris';

const REGISTERED = ['http://127.0.0.1/callback', 'http://[::1]/callback', 'dev.keyway.app:/oauth/callback'];

describe('the Keyway client redirect URI check (RFC 8252 §7.3)', () => {
  it('accepts the registered URIs and the loopback callbacks on any port', () => {
    for (const uri of [
      'dev.keyway.app:/oauth/callback',
      'http://127.0.0.1/callback',
      'http://127.0.0.1:1/callback',
      'http://127.0.0.1:49152/callback',
      'http://127.0.0.1:65535/callback',
      'http://[::1]:8080/callback',
    ]) {
      expect(isAllowedRedirectUri(uri, REGISTERED), uri).toBe(true);
    }
  });

  it('refuses localhost, other hosts, paths, queries, user info and other spellings', () => {
    for (const uri of [
      'http://localhost:8080/callback',
      'http://127.0.0.2:8080/callback',
      'http://example.com:8080/callback',
      'https://127.0.0.1:8080/callback',
      'http://127.0.0.1:8080/callback/',
      'http://127.0.0.1:8080/other',
      'http://127.0.0.1:8080/callback?next=x',
      'http://127.0.0.1:8080/callback#x',
      'http://user@127.0.0.1:8080/callback',
      'http://127.0.0.1:080/callback',
      'http://127.1:8080/callback',
      'http://[0:0:0:0:0:0:0:1]:8080/callback',
      'HTTP://127.0.0.1:8080/callback',
      'dev.keyway.app:/oauth/callback/x',
      'dev.keyway.app://oauth/callback',
      'not a uri',
    ]) {
      expect(isAllowedRedirectUri(uri, REGISTERED), uri).toBe(false);
    }
  });
});
