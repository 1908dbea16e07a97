import { describe, expect, it } from 'vitest';
import { parseTrustedProxies, TrustedProxiesError } from '../../../server/http/trusted-proxies';

describe('KEYWAY_TRUSTED_PROXIES', () => {
  it('is empty (trust no forwarded header) when unset or blank', () => {
    expect(parseTrustedProxies(undefined)).toEqual([]);
    expect(parseTrustedProxies(' ')).toEqual([]);
  });

  it('takes addresses, CIDR ranges and proxy-addr names, comma-separated', () => {
    expect(parseTrustedProxies('10.0.0.5, 10.1.0.0/16,::1,fd00::/8,loopback')).toEqual([
      '10.0.0.5',
      '10.1.0.0/16',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
  });

  it.each(['*', 'true', '2', 'nginx.internal', '10.0.0.0/33', '::/129', '10.0.0.1/8/8', '10.0.0.256', '10.0.0.0/x'])(
    'refuses %s with the variable named',
    (value) => {
      const attempt = () => parseTrustedProxies(value);
      expect(attempt).toThrow(TrustedProxiesError);
      expect(attempt).toThrow(/KEYWAY_TRUSTED_PROXIES must be a comma-separated list/);
    },
  );
});
