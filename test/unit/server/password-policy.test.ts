import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from '../../../server/users/common-passwords';
import { passwordProblem } from '../../../server/users/password-policy';

const context = { loginId: 'ana', email: 'Ana.Example@example.com', aliases: ['ana@corp.onmicrosoft.com'] };

describe('password policy (NIST SP 800-63B)', () => {
  it('takes its blocklist from the maintained zxcvbn-ts dictionary, tens of thousands of entries', () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThan(40_000);
    expect(COMMON_PASSWORDS.has('password')).toBe(true);
  });

  it.each([
    ['seven77', /at least 8 characters; this one has 7/],
    ['iloveyou', /commonly used/],
    ['PASSWORD123', /commonly used/],
    // Not in the dictionary as typed: a common word with a year, or with substitutions and a symbol.
    ['Summer2024', /commonly used/],
    ['Passw0rd!', /commonly used/],
    ['P@ssword2026', /commonly used/],
    ['!!Dragon1985', /commonly used/],
    ['Baseball#99', /commonly used/],
    ['ana.example', /same as the login ID, e-mail address or an alias/],
    ['ANA@CORP.ONMICROSOFT.COM', /alias/],
    ['abcdefghij', /sequence/],
    ['98765432', /sequence/],
    ['abababab', /repeated/],
    ['x'.repeat(257), /at most 256/],
  ])('refuses %s', (password, reason) => {
    expect(passwordProblem(password, context)).toMatch(reason);
  });

  it.each([
    'correct horse battery staple',
    'keyway-demo-2026',
    'Tr0ub4dor&3',
    'ünïcödé pässwörd',
    'x'.repeat(100) + 'y',
    'pässwörd'.normalize('NFD') + '!!',
  ])('accepts %s without composition rules', (password) => {
    expect(passwordProblem(password, context)).toBeUndefined();
  });

  it('counts characters as people see them, not UTF-16 units', () => {
    // Seven emoji are seven characters, even though each is two UTF-16 units.
    expect(passwordProblem('🔑🔑🔑🔑🔑🔒🔓', context)).toMatch(/this one has 7/);
  });
});
