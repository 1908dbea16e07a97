import { generateSync } from 'otplib';
import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { checkTotp, groupSecret, newTotpSecret, totpUri } from '../../../server/mfa/totp';

/** RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890". */
const RFC_SECRET = OTPAuth.Secret.fromUTF8('12345678901234567890').base32;
const RFC_VECTORS: readonly [seconds: number, code: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];
const STEP_MS = 30_000;

describe('TOTP (RFC 6238, SHA-1, 30 s)', () => {
  it('matches the RFC 6238 appendix B SHA-1 vectors, 8 digits as published', () => {
    for (const [seconds, code] of RFC_VECTORS) {
      expect(generateSync({ secret: RFC_SECRET, epoch: seconds, digits: 8 }), String(seconds)).toBe(code);
    }
  });

  it('accepts the six-digit truncation of each vector at its time, in its RFC time step', () => {
    for (const [seconds, code] of RFC_VECTORS) {
      const check = checkTotp(RFC_SECRET, code.slice(-6), seconds * 1000, undefined);
      expect(check, String(seconds)).toEqual({ outcome: 'accepted', step: Math.floor(seconds / 30) });
    }
  });

  it('accepts a code one step early or late, and refuses two steps', () => {
    const secret = newTotpSecret();
    const now = 1_750_000_005_000;
    const codeAt = (ms: number) => new OTPAuth.TOTP({ secret }).generate({ timestamp: ms });
    const step = Math.floor(now / STEP_MS);
    expect(checkTotp(secret, codeAt(now), now, undefined)).toEqual({ outcome: 'accepted', step });
    expect(checkTotp(secret, codeAt(now - STEP_MS), now, undefined)).toEqual({ outcome: 'accepted', step: step - 1 });
    expect(checkTotp(secret, codeAt(now + STEP_MS), now, undefined)).toEqual({ outcome: 'accepted', step: step + 1 });
    expect(checkTotp(secret, codeAt(now - 2 * STEP_MS), now, undefined)).toEqual({ outcome: 'invalid' });
    expect(checkTotp(secret, codeAt(now + 2 * STEP_MS), now, undefined)).toEqual({ outcome: 'invalid' });
  });

  it('refuses a replay: the accepted step and earlier ones are used, a later step is fresh', () => {
    const secret = newTotpSecret();
    const now = 1_750_000_015_000;
    const codeAt = (ms: number) => new OTPAuth.TOTP({ secret }).generate({ timestamp: ms });
    const first = checkTotp(secret, codeAt(now), now, undefined);
    if (first.outcome !== 'accepted') throw new Error('The first code was refused.');

    expect(checkTotp(secret, codeAt(now), now, first.step)).toEqual({ outcome: 'used' });
    expect(checkTotp(secret, codeAt(now), now + 20_000, first.step)).toEqual({ outcome: 'used' });
    expect(checkTotp(secret, codeAt(now - STEP_MS), now, first.step)).toEqual({ outcome: 'used' });
    expect(checkTotp(secret, codeAt(now + STEP_MS), now, first.step)).toEqual({
      outcome: 'accepted',
      step: first.step + 1,
    });
    // A step at the edge of the window (accepted early) leaves nothing newer to accept there.
    expect(checkTotp(secret, codeAt(now + STEP_MS), now, first.step + 1)).toEqual({ outcome: 'used' });
    expect(checkTotp(secret, '000000', now, first.step + 1).outcome).not.toBe('accepted');
  });

  it('makes 160-bit base32 secrets and otpauth URIs that an independent implementation reads back', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(groupSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
    const uri = totpUri(secret, 'Acme Keyway', 'ana@corp.example');
    expect(uri.startsWith('otpauth://totp/')).toBe(true);
    const parsed = OTPAuth.URI.parse(uri);
    if (!(parsed instanceof OTPAuth.TOTP)) throw new Error('Not a TOTP URI.');
    expect(parsed.issuer).toBe('Acme Keyway');
    expect(parsed.label).toBe('ana@corp.example');
    expect(parsed.secret.base32).toBe(secret);
    expect([parsed.algorithm, parsed.digits, parsed.period]).toEqual(['SHA1', 6, 30]);
  });
});
