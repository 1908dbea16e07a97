import { describe, expect, it } from 'vitest';
import { PasskeyReturnUri, PasskeyState } from '../../../protocol/mfa';
import { authenticatorName } from '../../../server/mfa/passkey-aaguids';
import { returnUrl } from '../../../server/mfa/passkeys';
import {
  channelAvailable,
  DEFAULT_MFA_POLICY,
  enrollmentRequired,
  mfaApplies,
  parseChannels,
  type MfaPolicy,
} from '../../../server/mfa/policy';
import { rpIdOf } from '../../../server/mfa/webauthn';

const withPasskey = { hasAuthenticator: false, hasPhone: false, hasPasskey: true };
const none = { hasAuthenticator: false, hasPhone: false, hasPasskey: false };
const passkeys: MfaPolicy = { ...DEFAULT_MFA_POLICY, channels: ['totp', 'passkey'] };

describe('passkey policy', () => {
  it('parses passkey as a channel, in the fixed order, alone or beside the others', () => {
    expect(parseChannels('passkey,totp')).toEqual(['totp', 'passkey']);
    expect(parseChannels('passkey')).toEqual(['passkey']);
    expect(() => parseChannels('webauthn')).toThrow('use totp, email, sms and/or passkey');
  });

  it('applies MFA to a user with a passkey while passkeys are allowed, and never asks them to enrol an app', () => {
    expect(mfaApplies(passkeys, withPasskey)).toBe(true);
    expect(mfaApplies(DEFAULT_MFA_POLICY, withPasskey)).toBe(false);
    expect(mfaApplies(passkeys, none)).toBe(false);
    expect(enrollmentRequired({ ...passkeys, mode: 'enforced' }, withPasskey)).toBe(false);
    expect(enrollmentRequired({ ...passkeys, mode: 'enforced' }, none)).toBe(true);
    expect(channelAvailable('passkey', withPasskey)).toBe(true);
    expect(channelAvailable('passkey', none)).toBe(false);
  });
});

describe('the browser step’s return address (hostile input)', () => {
  it('accepts exactly the loopback callback on any port and the private-use scheme', () => {
    for (const uri of [
      'http://127.0.0.1:1/passkey-callback',
      'http://127.0.0.1:65535/passkey-callback',
      'dev.keyway.app:/passkey/callback',
    ]) {
      expect(PasskeyReturnUri.safeParse(uri).success, uri).toBe(true);
    }
  });

  it('refuses every other address, including look-alikes that would leak the code elsewhere', () => {
    for (const uri of [
      'https://evil.example/passkey-callback',
      'http://localhost:5000/passkey-callback',
      'http://127.0.0.1/passkey-callback',
      'http://127.0.0.1:0/passkey-callback',
      'http://127.0.0.1:65536/passkey-callback',
      'http://127.0.0.1:5000/passkey-callback?next=https://evil.example',
      'http://127.0.0.1:5000/passkey-callback#x',
      'http://127.0.0.1:5000@evil.example/passkey-callback',
      'http://127.0.0.1.evil.example:5000/passkey-callback',
      'dev.keyway.app://passkey/callback',
      'dev.keyway.app:/passkey/callback/../x',
      'javascript:alert(1)//dev.keyway.app:/passkey/callback',
    ]) {
      expect(PasskeyReturnUri.safeParse(uri).success, uri).toBe(false);
    }
  });

  it('takes a state of 16–128 URL-safe characters only', () => {
    expect(PasskeyState.safeParse('a'.repeat(16)).success).toBe(true);
    expect(PasskeyState.safeParse('a'.repeat(15)).success).toBe(false);
    expect(PasskeyState.safeParse('a'.repeat(129)).success).toBe(false);
    expect(PasskeyState.safeParse('aaaaaaaaaaaaaaaa&code=x').success).toBe(false);
  });

  it('sends the state back untouched, beside the result, properly encoded', () => {
    const url = new URL(
      returnUrl({ returnTo: 'http://127.0.0.1:5000/passkey-callback', state: 'state_-0123456789' }, { code: 'c0de' }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({ state: 'state_-0123456789', code: 'c0de' });
  });
});

describe('relying party and authenticator names', () => {
  it('takes the RP ID from the public origin’s host, without port', () => {
    expect(rpIdOf('https://id.example.com')).toBe('id.example.com');
    expect(rpIdOf('http://localhost:8443')).toBe('localhost');
  });

  it('names well-known authenticators by AAGUID and no others', () => {
    expect(authenticatorName('FBFC3007-154E-4ECC-8C0B-6E020557D7BD')).toBe('iCloud Keychain');
    expect(authenticatorName('00000000-0000-0000-0000-000000000000')).toBeNull();
  });
});
