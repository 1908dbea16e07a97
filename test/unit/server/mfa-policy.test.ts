import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone, parsePhoneNumber } from '../../../server/mfa/destinations';
import {
  DEFAULT_MFA_POLICY,
  enrollmentRequired,
  mfaApplies,
  parseChannels,
  weakChannelNotice,
  type MfaPolicy,
} from '../../../server/mfa/policy';
import { channelOptions } from '../../../server/mfa/sign-in-gate';
import type { UserRecord } from '../../../server/users/user-store';

const none = { hasAuthenticator: false, hasPhone: false, hasPasskey: false };
const withApp = { hasAuthenticator: true, hasPhone: false, hasPasskey: false };
const enforced: MfaPolicy = { ...DEFAULT_MFA_POLICY, mode: 'enforced' };

describe('the MFA policy rules', () => {
  it('defaults to authenticator apps only, optional, 30 days of device trust', () => {
    expect(DEFAULT_MFA_POLICY).toEqual({ channels: ['totp'], mode: 'optional', trustDays: 30 });
  });

  it('applies MFA when enforced, or when the user opted in with an authenticator while apps are allowed', () => {
    expect(mfaApplies(DEFAULT_MFA_POLICY, none)).toBe(false);
    expect(mfaApplies(DEFAULT_MFA_POLICY, withApp)).toBe(true);
    expect(mfaApplies(enforced, none)).toBe(true);
    // With authenticator apps switched off, an authenticator is dormant in optional mode.
    expect(mfaApplies({ ...DEFAULT_MFA_POLICY, channels: ['email'] }, withApp)).toBe(false);
  });

  it('requires enrolment only when enforced, apps are allowed and the user has none', () => {
    expect(enrollmentRequired(enforced, none)).toBe(true);
    expect(enrollmentRequired({ ...enforced, channels: ['totp', 'email'] }, none)).toBe(true);
    expect(enrollmentRequired(enforced, withApp)).toBe(false);
    expect(enrollmentRequired({ ...enforced, channels: ['email'] }, none)).toBe(false);
    expect(enrollmentRequired(DEFAULT_MFA_POLICY, none)).toBe(false);
  });

  it('lists every allowed channel with availability and a masked hint', () => {
    const user = { email: 'ana@example.com', phone: '+447700900123' } as UserRecord;
    const policy: MfaPolicy = { ...enforced, channels: ['totp', 'email', 'sms'] };
    expect(channelOptions(policy, user, { hasAuthenticator: false, hasPhone: true, hasPasskey: false })).toEqual([
      { channel: 'totp', hint: '', available: false },
      { channel: 'email', hint: 'a•••@example.com', available: true },
      { channel: 'sms', hint: '+44 •••• ••23', available: true },
    ]);
    const noPhone = { email: 'ana@example.com', phone: undefined } as UserRecord;
    expect(channelOptions(policy, noPhone, none)[2]).toEqual({ channel: 'sms', hint: '', available: false });
  });

  it('reads channel lists in a fixed order and refuses unknown or empty ones', () => {
    expect(parseChannels('sms, TOTP,email,sms')).toEqual(['totp', 'email', 'sms']);
    expect(() => parseChannels('totp,voice')).toThrow(/Unknown MFA channel "voice"/);
    expect(() => parseChannels(' , ')).toThrow(/at least one/);
  });

  it('explains NIST SP 800-63B whenever e-mail or SMS is allowed', () => {
    expect(weakChannelNotice(DEFAULT_MFA_POLICY)).toBeUndefined();
    expect(weakChannelNotice({ ...DEFAULT_MFA_POLICY, channels: ['totp', 'sms'] })).toMatch(
      /NIST SP 800-63B .*e-mail.*restricted.*you allowed SMS/,
    );
    expect(weakChannelNotice({ ...DEFAULT_MFA_POLICY, channels: ['email', 'sms'] })).toMatch(/you allowed both/);
  });
});

describe('phone numbers and hints', () => {
  it('accepts E.164 as people write it and refuses numbers without a country code', () => {
    expect(parsePhoneNumber('+44 7700 900123')).toBe('+447700900123');
    expect(parsePhoneNumber('+1 (415) 555-0100')).toBe('+14155550100');
    for (const bad of ['07700 900123', '+0447700900123', '+44', '+4477009001234567', '+44 77a0 900123']) {
      expect(() => parsePhoneNumber(bad), bad).toThrow(/E\.164/);
    }
  });

  it('masks phones and e-mail addresses, keeping hints within the contract', () => {
    expect(maskPhone('+14155550100')).toBe('+14 •••• ••00');
    expect(maskEmail('x@corp.example')).toBe('x•••@corp.example');
    expect(maskEmail(`ana@${'a'.repeat(120)}.example`).length).toBeLessThanOrEqual(100);
  });
});
