import { describe, expect, it } from 'vitest';
import { assertServerAllowed, hostMatches } from '../../../electron/core/policy';

/** allowedServers: `*.corp.example` is any subdomain of corp.example, never a look-alike or the bare domain. */
describe('allowedServers wildcard (core/policy hostMatches and assertServerAllowed)', () => {
  const policy = { allowedServers: ['*.corp.example'] };
  const allowed = (origin: string): boolean => {
    try {
      assertServerAllowed(origin, policy);
      return true;
    } catch (error) {
      expect(error).toMatchObject({ code: 'server_not_allowed' });
      return false;
    }
  };

  it('allows subdomains at any depth, whatever the case or port', () => {
    expect(allowed('https://keyway.corp.example')).toBe(true);
    expect(allowed('https://a.b.corp.example:8443')).toBe(true);
    expect(allowed('https://KEYWAY.Corp.Example')).toBe(true);
  });

  it('refuses a look-alike that only ends with the same letters: evilcorp.example', () => {
    expect(allowed('https://evilcorp.example')).toBe(false);
    expect(allowed('https://keyway.evilcorp.example')).toBe(false);
    expect(hostMatches('evilcorp.example', '*.corp.example')).toBe(false);
  });

  it('refuses the bare domain corp.example (the wildcard needs a subdomain)', () => {
    expect(allowed('https://corp.example')).toBe(false);
    expect(hostMatches('corp.example', '*.corp.example')).toBe(false);
  });

  it('refuses hosts that merely contain the domain, or put it in the user name or the path', () => {
    expect(allowed('https://keyway.corp.example.evil.example')).toBe(false);
    expect(allowed('https://keyway.corp.example@evil.example')).toBe(false);
    expect(allowed('https://evil.example/.corp.example')).toBe(false);
    expect(allowed('https://evil.example#.corp.example')).toBe(false);
  });

  it('matches an exact pattern exactly', () => {
    expect(hostMatches('keyway.example.com', 'keyway.example.com')).toBe(true);
    expect(hostMatches('xkeyway.example.com', 'keyway.example.com')).toBe(false);
    expect(hostMatches('a.keyway.example.com', 'keyway.example.com')).toBe(false);
  });
});
