import { describe, expect, it } from 'vitest';
import { stepPageOn } from '../../electron/core/oidc/passkey-browser-step';
import {
  PASSKEY_CUSTOM_PATH,
  PASSKEY_CUSTOM_REDIRECT,
  PASSKEY_LOOPBACK_PATH,
  loopbackPasskeyReturn,
  passkeyFailure,
  readPasskeyReturn,
} from '../../electron/core/oidc/passkey-return';
import { PasskeyReturnUri } from '../../protocol/mfa';

// The callback of the passkey browser step arrives from the user's browser: any page on this computer
// can send the same GET to the loopback port, and any program can hand Keyway a dev.keyway.app: link.
const STATE = 'Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg';
const CODE = 'c0de-of-this-step_0123456789';
const PORT = 49_152;
const back = (query: string, path = PASSKEY_LOOPBACK_PATH): URL => new URL(`http://127.0.0.1:${PORT}${path}?${query}`);
const signIn = { state: STATE, path: PASSKEY_LOOPBACK_PATH, purpose: 'signIn' } as const;
const add = { state: STATE, path: PASSKEY_LOOPBACK_PATH, purpose: 'add' } as const;

const refused = (url: URL, expected: Parameters<typeof readPasskeyReturn>[1] = signIn): unknown => {
  try {
    readPasskeyReturn(url, expected);
  } catch (error) {
    return error;
  }
  return 'accepted';
};

describe('the passkey step callback', () => {
  it('takes this step’s single-use code, or its error, with the right state', () => {
    expect(readPasskeyReturn(back(`state=${STATE}&code=${CODE}`), signIn)).toEqual({ kind: 'code', code: CODE });
    expect(readPasskeyReturn(back(`state=${STATE}&error=passkey_refused`), signIn)).toEqual({
      kind: 'error',
      error: 'passkey_refused',
    });
    expect(readPasskeyReturn(back(`state=${STATE}&result=added`), add)).toEqual({ kind: 'added' });
  });

  it('refuses a wrong state, a missing or empty one, a prefix of the real one, and a repeated one', () => {
    for (const query of [
      `state=someone-else-entirely-00000000000000000000&code=${CODE}`,
      `code=${CODE}`,
      `state=&code=${CODE}`,
      `state=${STATE.slice(0, -1)}&code=${CODE}`,
      `state=${STATE}x&code=${CODE}`,
      `state=other&state=${STATE}&code=${CODE}`,
      `state=${STATE}&state=${STATE}&code=${CODE}`,
    ])
      expect(refused(back(query)), query).toMatchObject({ code: 'passkey_return_invalid' });
  });

  it('refuses both a code and an error, two codes, neither, and an outcome of the other purpose', () => {
    for (const query of [
      `state=${STATE}&code=${CODE}&error=passkey_refused`,
      `state=${STATE}&code=${CODE}&code=${CODE}x`,
      `state=${STATE}`,
      `state=${STATE}&result=added`,
    ])
      expect(refused(back(query)), query).toMatchObject({ code: 'passkey_return_invalid' });
    expect(refused(back(`state=${STATE}&code=${CODE}`), add)).toMatchObject({ code: 'passkey_return_invalid' });
    expect(refused(back(`state=${STATE}&result=removed`), add)).toMatchObject({ code: 'passkey_return_invalid' });
  });

  it('refuses extra parameters: nothing but the state and one outcome comes back', () => {
    for (const query of [
      `state=${STATE}&code=${CODE}&iss=https://elsewhere.example`,
      `state=${STATE}&code=${CODE}&redirect=https://evil.example`,
      `state=${STATE}&error=passkey_refused&error_description=Click%20here`,
    ])
      expect(refused(back(query)), query).toMatchObject({ code: 'passkey_return_invalid' });
  });

  it('refuses oversized or malformed values', () => {
    for (const query of [
      `state=${STATE}&code=${'a'.repeat(257)}`,
      `state=${STATE}&code=${'a'.repeat(3000)}`,
      `state=${'s'.repeat(3000)}&code=${CODE}`,
      `state=${STATE}&code=short`,
      `state=${STATE}&code=${CODE}%0d%0aSet-Cookie:x`,
      `state=${STATE}&error=${'e'.repeat(65)}`,
      `state=${STATE}&error=<script>`,
      `state=${STATE}&error=Passkey_Refused`,
    ])
      expect(refused(back(query)), query.slice(0, 80)).toMatchObject({ code: 'passkey_return_invalid' });
  });

  it('refuses a callback on another path: unified login’s, or any other', () => {
    for (const path of ['/callback', '/passkey-callback/', '/Passkey-callback', '/passkey-callback/x', '/'])
      expect(refused(back(`state=${STATE}&code=${CODE}`, path)), path).toMatchObject({
        code: 'passkey_return_invalid',
      });
    // The private-use scheme's own path is right only when that is where Keyway waits.
    const custom = new URL(`${PASSKEY_CUSTOM_REDIRECT}?state=${STATE}&code=${CODE}`);
    expect(readPasskeyReturn(custom, { ...signIn, path: PASSKEY_CUSTOM_PATH })).toEqual({ kind: 'code', code: CODE });
    expect(refused(custom, signIn)).toMatchObject({ code: 'passkey_return_invalid' });
  });
});

describe('the return URI Keyway sends', () => {
  it('is exactly what the server accepts: 127.0.0.1 on the listener’s port, or the private-use scheme', () => {
    expect(loopbackPasskeyReturn(PORT)).toBe(`http://127.0.0.1:${PORT}/passkey-callback`);
    expect(PasskeyReturnUri.safeParse(loopbackPasskeyReturn(PORT)).success).toBe(true);
    expect(PasskeyReturnUri.safeParse(loopbackPasskeyReturn(1)).success).toBe(true);
    expect(PasskeyReturnUri.safeParse(loopbackPasskeyReturn(65_535)).success).toBe(true);
    expect(PasskeyReturnUri.safeParse(PASSKEY_CUSTOM_REDIRECT).success).toBe(true);
    expect(new URL(PASSKEY_CUSTOM_REDIRECT).pathname).toBe(PASSKEY_CUSTOM_PATH);
  });

  it('is never built for a port that is not one', () => {
    for (const port of [0, -1, 65_536, 1.5, Number.NaN]) expect(() => loopbackPasskeyReturn(port)).toThrow(RangeError);
  });
});

describe('what an error from the step page becomes', () => {
  it('keeps a problem code Keyway knows, with Keyway’s words, and never shows what the page sent', () => {
    expect(passkeyFailure('passkey_unavailable').toShape()).toMatchObject({ code: 'passkey_unavailable' });
    expect(passkeyFailure('passkey_cloned').toShape()).toMatchObject({ code: 'passkey_cloned' });
    // A dead challenge keeps its code: the MFA step then goes back to the password.
    expect(passkeyFailure('mfa_challenge_expired').code).toBe('mfa_challenge_expired');
    expect(passkeyFailure('mfa_too_many_attempts').code).toBe('mfa_too_many_attempts');
    const unknown = passkeyFailure('you_have_won_a_prize');
    expect(unknown.code).toBe('passkey_step_failed');
    expect(unknown.message).not.toContain('prize');
  });
});

describe('the step page Keyway opens', () => {
  const ORIGIN = 'https://keyway.example.com';
  it('must be on the server Keyway asked', () => {
    expect(stepPageOn(ORIGIN, `${ORIGIN}/mfa/passkey/step/abc`)).toBe(`${ORIGIN}/mfa/passkey/step/abc`);
    for (const url of [
      'https://evil.example/mfa/passkey/step/abc',
      'https://keyway.example.com.evil.example/x',
      'http://keyway.example.com/mfa/passkey/step/abc',
      'https://keyway.example.com:8443/x',
      'https://user:pw@keyway.example.com/x',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'not a url',
    ])
      expect(() => stepPageOn(ORIGIN, url), url).toThrow(expect.objectContaining({ code: 'server_bad_response' }));
  });
});
