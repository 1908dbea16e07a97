import { KeywayError } from '../../protocol/errors';
import { isCommonPassword } from './common-passwords';
import { identifierKey } from './identifiers';

/**
 * Password rules after NIST SP 800-63B §3.1.1.2: a length floor and ceiling, no composition rules, and a
 * blocklist of values attackers try first (common passwords, repeated or sequential characters, and
 * words from the context: the user's own names and the product name).
 */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

export interface PasswordContext {
  loginId: string;
  email: string;
  aliases?: readonly string[];
}

/** Returns why the password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, context: PasswordContext): string | undefined {
  // Counted in characters as a person sees them (graphemes), not in UTF-16 units.
  const length = [...graphemes.segment(password.normalize('NFKC'))].length;
  if (length < MIN_PASSWORD_LENGTH) {
    return `A password needs at least ${MIN_PASSWORD_LENGTH} characters; this one has ${length}.`;
  }
  if (length > MAX_PASSWORD_LENGTH) return `A password can have at most ${MAX_PASSWORD_LENGTH} characters.`;
  const key = identifierKey(password);
  if (isCommonPassword(key)) {
    return 'This password is on the list of commonly used passwords that attackers try first. Choose another.';
  }
  const names = [context.loginId, context.email, context.email.split('@')[0] ?? '', ...(context.aliases ?? [])];
  if (names.some((name) => name !== '' && identifierKey(name) === key)) {
    return 'A password cannot be the same as the login ID, e-mail address or an alias.';
  }
  if (key === 'keyway') return 'A password cannot be the name of the product.';
  if (isRepetitiveOrSequential(key)) {
    return 'A password cannot be one character repeated or a plain sequence such as "12345678" or "abcdefgh".';
  }
  return undefined;
}

export function assertPasswordAcceptable(password: string, context: PasswordContext): void {
  const problem = passwordProblem(password, context);
  if (problem !== undefined) throw new KeywayError('password_rejected', problem);
}

/** True for "aaaaaaaa", "abababab", "12345678", "98765432" and the like. */
function isRepetitiveOrSequential(text: string): boolean {
  const points = Array.from(text, (char) => char.codePointAt(0) ?? 0);
  if (points.length < 2) return false;
  const step = (points[1] ?? 0) - (points[0] ?? 0);
  const sequence = Math.abs(step) <= 1 && points.every((point, i) => i === 0 || point - (points[i - 1] ?? 0) === step);
  const period = [1, 2, 3].find((size) => points.every((point, i) => i < size || point === points[i - size]));
  return sequence || (period !== undefined && points.length >= period * 2);
}
