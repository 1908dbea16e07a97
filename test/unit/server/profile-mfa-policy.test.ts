import { describe, expect, it } from 'vitest';
import { ProfileSettings, profileMfaOf } from '../../../server/deployment-profiles/profile-settings';
import { DEFAULT_MFA_POLICY, effectiveMfaPolicy, type MfaPolicy } from '../../../server/mfa/policy';

/**
 * A deployment profile's MFA policy meets the server's: the stricter wins (server/mfa/policy.ts
 * effectiveMfaPolicy). The server's enforced MFA cannot be relaxed by a profile, a profile can enforce it
 * for its users, and the allowed channels are those both allow.
 */
const server = (mode: MfaPolicy['mode'], ...channels: MfaPolicy['channels']): MfaPolicy => ({
  channels,
  mode,
  trustDays: 30,
});

describe('the MFA policy a user must meet (server policy and deployment profile)', () => {
  it('is the server policy when the user has no profile, or a profile that says nothing about MFA', () => {
    expect(effectiveMfaPolicy(DEFAULT_MFA_POLICY, undefined)).toEqual(DEFAULT_MFA_POLICY);
    expect(effectiveMfaPolicy(DEFAULT_MFA_POLICY, {})).toEqual(DEFAULT_MFA_POLICY);
    expect(profileMfaOf(undefined)).toBeUndefined();
    expect(profileMfaOf({ language: 'fr' })).toBeUndefined();
  });

  it('enforced beats optional, whichever side says it', () => {
    expect(effectiveMfaPolicy(server('optional', 'totp'), { mode: 'enforced' }).mode).toBe('enforced');
    // A profile cannot relax the server's enforced MFA.
    expect(effectiveMfaPolicy(server('enforced', 'totp'), { mode: 'optional' }).mode).toBe('enforced');
    expect(effectiveMfaPolicy(server('optional', 'totp'), { mode: 'optional' }).mode).toBe('optional');
  });

  it('allows only the channels both allow, in the fixed order, and keeps the server device trust', () => {
    const both = effectiveMfaPolicy(server('optional', 'totp', 'email', 'passkey'), {
      channels: ['passkey', 'email', 'sms'],
    });
    expect(both).toEqual({ channels: ['email', 'passkey'], mode: 'optional', trustDays: 30 });
    // A profile cannot allow a channel the server does not.
    expect(effectiveMfaPolicy(server('optional', 'totp'), { channels: ['totp', 'sms'] }).channels).toEqual(['totp']);
  });

  it('falls back to the server channels when the two share none (a policy needs at least one)', () => {
    expect(effectiveMfaPolicy(server('enforced', 'totp'), { channels: ['sms'] }).channels).toEqual(['totp']);
    // The server's policy shrank under an enforcing profile: still enforced (never the password alone), on
    // the server's channels (never no way in). Saving or pushing such a profile is refused (AdminService).
    expect(effectiveMfaPolicy(server('optional', 'email'), { mode: 'enforced', channels: ['totp'] })).toEqual({
      channels: ['email'],
      mode: 'enforced',
      trustDays: 30,
    });
  });

  it('reads a profile MFA settings, and stores channels only as a list in the fixed order', () => {
    expect(profileMfaOf({ mfaMode: 'enforced', mfaChannels: 'totp,passkey' })).toEqual({
      mode: 'enforced',
      channels: ['totp', 'passkey'],
    });
    expect(ProfileSettings.safeParse({ mfaChannels: 'totp,passkey' }).success).toBe(true);
    for (const bad of ['passkey,totp', 'totp,totp', 'fax', '', 'TOTP'])
      expect(ProfileSettings.safeParse({ mfaChannels: bad }).success, bad).toBe(false);
  });
});
