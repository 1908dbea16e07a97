import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * Passwords that attackers try first, from a maintained package rather than a hand-typed list: the
 * "passwords-common" dictionary of zxcvbn-ts (@zxcvbn-ts/language-common, MIT, ~49,000 entries ranked
 * from public breach corpora; no engines restriction, plain CommonJS, so Node 20 runs it). NIST SP
 * 800-63B §3.1.1.2 asks verifiers to refuse "passwords obtained from previous breach corpora" and
 * "commonly-used, expected, or compromised" values. Entries are lower case.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common']);

/**
 * Character substitutions people make to dress up a common word ("p@ssw0rd"), undone before the
 * lookup. The same idea as zxcvbn's l33t matcher, reduced to the one reading a blocklist needs.
 */
const SUBSTITUTIONS: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
  '+': 't',
};

/** Bases shorter than this are not looked up once decorations are stripped ("ab2024!" is not "ab"). */
const MIN_BASE_LENGTH = 4;

/**
 * True when the password (already case-folded) is a common password, or one dressed up the way
 * attackers' rule sets expect: a run of digits or symbols before or after it ("Summer2024",
 * "!Password1"), and letter-like substitutions inside it ("Passw0rd!", "p@ssword").
 */
export function isCommonPassword(key: string): boolean {
  if (COMMON_PASSWORDS.has(key)) return true;
  // Decorations are what is not a letter at either end: digits, years, punctuation.
  const base = key.replace(/^[^\p{L}]+/u, '').replace(/[^\p{L}]+$/u, '');
  if (Array.from(base).length < MIN_BASE_LENGTH) return false;
  const plain = Array.from(base, (char) => SUBSTITUTIONS[char] ?? char).join('');
  return COMMON_PASSWORDS.has(base) || COMMON_PASSWORDS.has(plain);
}
