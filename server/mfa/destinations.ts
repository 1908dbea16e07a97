import { KeywayError } from '../../protocol/errors';

/** E.164: "+", a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * A phone number for SMS codes, in E.164 form. Spaces, dots, hyphens and parentheses, as people write
 * numbers, are dropped; the "+" and country code are required, since the server cannot guess them.
 */
export function parsePhoneNumber(text: string): string {
  const compact = text.trim().replace(/[\s.()-]/g, '');
  if (!E164.test(compact)) {
    throw new KeywayError(
      'invalid_input',
      `"${text}" is not a phone number in international (E.164) form, such as +447700900123: ` +
        'a "+", the country code, then the number, 8 to 15 digits in all.',
    );
  }
  return compact;
}

/** "+44 •••• ••23": enough for the user to recognise their number, too little to learn it. */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)} •••• ••${phone.slice(-2)}`;
}

/** "a•••@example.com". */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  const hint = `${email.slice(0, 1)}•••@${domain}`;
  // The contract allows 100 characters; a long domain keeps its end, which is the part people know.
  return hint.length <= 100 ? hint : `${email.slice(0, 1)}•••@…${domain.slice(-90)}`;
}
