import { KeywayError, type ValidationField } from '../../protocol/errors';
import { identifierKey } from '../users/identifiers';

/** Dot-separated labels of letters, digits and inner hyphens (IDNs as typed, not punycode). */
const DOMAIN = /^(?!-)[\p{L}\p{N}-]{1,63}(?<!-)(\.(?!-)[\p{L}\p{N}-]{1,63}(?<!-))+$/u;

/**
 * A domain as the admin types it ("corp.example"), case-folded like sign-in names so that the domain
 * of "Ana@Corp.Example" matches it. Throws `invalid_input` with the reason (and, given the form's `field`,
 * the detail the console words in the admin's language).
 */
export function parseDomain(text: string, field?: ValidationField): string {
  const domain = identifierKey(text);
  if (domain.length > 253 || !DOMAIN.test(domain)) {
    throw new KeywayError(
      'invalid_input',
      `"${text}" is not a domain name: write it like corp.example (no "@", no scheme, no path).`,
      field === undefined ? undefined : { detail: { field, reason: 'not-a-domain' } },
    );
  }
  return domain;
}

/** The domain part of an e-mail address or UPN (after its last "@"), case-folded; undefined without one. */
export function domainOf(name: string): string | undefined {
  const key = identifierKey(name);
  const at = key.lastIndexOf('@');
  return at === -1 || at === key.length - 1 ? undefined : key.slice(at + 1);
}
