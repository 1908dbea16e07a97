import { sha256 } from '@noble/hashes/sha2.js';
import { base32crockford } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { encodeDeploymentCode, parseDeploymentCode } from '../../protocol/deployment-code';
import { buildDeepLink, buildLandingUrl, parseDeploymentInput } from '../../protocol/deployment-link';
import type { ErrorCode } from '../../protocol/errors';
import { codeFor, ORIGIN, secret } from './support/fixtures';

const code = codeFor();
const compact = code.replace(/-/g, '');
const LOCAL = 'http://127.0.0.1:7400';

function codeOf(input: string): ErrorCode | 'ok' {
  try {
    parseDeploymentInput(input);
    return 'ok';
  } catch (error) {
    return (error as { code: ErrorCode }).code;
  }
}

describe('the deployment code', () => {
  it('round-trips origin and secret, and is grouped, typable Crockford base32', () => {
    const parsed = parseDeploymentCode(code);
    expect(parsed.origin).toBe(ORIGIN);
    expect(parsed.secret).toEqual(secret());
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{1,5})+$/);
    expect(parsed.text).toBe(code);
  });

  it('carries at least 128 secret bits and names a loopback dev server with its port', () => {
    const local = parseDeploymentCode(encodeDeploymentCode(LOCAL, secret(9)));
    expect(local.origin).toBe(LOCAL);
    expect(local.secret.length * 8).toBeGreaterThanOrEqual(128);
  });

  it('forgives case, spaces, dashes, surrounding whitespace and the letters o/i/l', () => {
    const variants = [
      code.toLowerCase(),
      compact,
      `  ${code}\n`,
      code.replace(/-/g, ' '),
      code.replace(/-/g, '  -  '),
      code.replace(/0/g, 'O').replace(/1/g, 'I'),
    ];
    for (const variant of variants) expect(parseDeploymentInput(variant).origin, variant).toBe(ORIGIN);
  });

  it('catches every single-character typo and every adjacent swap locally', () => {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    let checked = 0;
    for (let i = 0; i < compact.length; i++) {
      const replacement = alphabet[(alphabet.indexOf(compact[i] ?? '0') + 7) % 32] ?? '0';
      expect(codeOf(compact.slice(0, i) + replacement + compact.slice(i + 1))).toMatch(/^code_(checksum|malformed)$/);
      if (i + 1 < compact.length && compact[i] !== compact[i + 1]) {
        expect(
          codeOf(`${compact.slice(0, i)}${compact[i + 1] ?? ''}${compact[i] ?? ''}${compact.slice(i + 2)}`),
        ).toMatch(/^code_(checksum|malformed)$/);
      }
      checked++;
    }
    expect(checked).toBe(compact.length);
  });
});

describe('one parser for the code, the deep link and the landing link', () => {
  it.each([
    ['the code', code],
    ['the deep link', buildDeepLink(code)],
    ['the deep link in capitals', buildDeepLink(code).replace('keyway://deploy', 'KEYWAY://DEPLOY')],
    ['the deep link with a trailing slash', `keyway://deploy/?code=${code}`],
    ['the landing link', buildLandingUrl(ORIGIN, code)],
    ['a loopback http landing link', buildLandingUrl(LOCAL, encodeDeploymentCode(LOCAL, secret()))],
  ])('accepts %s', (_name, input) => {
    expect(codeOf(input)).toBe('ok');
  });

  const hostile: [string, string, ErrorCode][] = [
    ['empty', '', 'code_malformed'],
    ['only spaces', '   \t ', 'code_malformed'],
    ['a truncated code', code.slice(0, 20), 'code_malformed'],
    ['a code missing its last character', compact.slice(0, -1), 'code_checksum'],
    ['a code with an extra character', `${compact}7`, 'code_checksum'],
    ['a code with U (not in the alphabet)', `U${compact.slice(1)}`, 'code_malformed'],
    ['a code with punctuation', `${compact.slice(0, 10)}!${compact.slice(11)}`, 'code_malformed'],
    ['a code with a Cyrillic lookalike', compact.replace(/A|B|C|E|K|M|H|P|T|X/, 'К'), 'code_malformed'],
    ['a code with a dotless i', `${compact.slice(0, 5)}ı${compact.slice(6)}`, 'code_malformed'],
    ['a code with a zero-width space', `${compact.slice(0, 5)}\u200b${compact.slice(5)}`, 'code_malformed'],
    ['an oversized code', 'A'.repeat(600), 'code_malformed'],
    ['an oversized link', `keyway://deploy?code=${'A'.repeat(5000)}`, 'link_too_long'],
    ['a javascript: link', 'javascript:alert(document.cookie)', 'link_wrong_scheme'],
    ['a file: link', 'file:///etc/passwd', 'link_wrong_scheme'],
    ['a data: link', 'data:text/html,<script>alert(1)</script>', 'link_wrong_scheme'],
    ['an ftp link', `ftp://keyway.example.com/deploy?code=${code}`, 'link_wrong_scheme'],
    ['a lookalike scheme (Cyrillic а)', `keywаy://deploy?code=${code}`, 'link_malformed'],
    ['a deep link to another action', `keyway://settings?code=${code}`, 'link_malformed'],
    ['a deep link with a path', `keyway://deploy/../../etc?code=${code}`, 'link_malformed'],
    ['a deep link with user info', `keyway://evil@deploy?code=${code}`, 'link_malformed'],
    ['a deep link without a code', 'keyway://deploy', 'link_malformed'],
    ['a deep link with an empty code', 'keyway://deploy?code=', 'link_malformed'],
    ['a deep link with two codes', `keyway://deploy?code=${code}&code=${codeFor(ORIGIN, 3)}`, 'link_malformed'],
    [
      'a double-encoded code',
      `keyway://deploy?code=%25${code.charCodeAt(0).toString(16)}${code.slice(1)}`,
      'link_malformed',
    ],
    ['a deep link with a newline', `keyway://deploy?code=${code}\nX`, 'link_malformed'],
    [
      'a deep link with a typo',
      buildDeepLink(`${compact.slice(0, -1)}${compact.endsWith('A') ? 'B' : 'A'}`),
      'code_checksum',
    ],
    ['a plain-http landing link on a real host', buildLandingUrl('http://keyway.example.com', code), 'server_insecure'],
    ['a landing link on another server (mix-up)', buildLandingUrl('https://attacker.example', code), 'link_mismatch'],
    ['a landing link with another path', `${ORIGIN}/login?code=${code}`, 'link_malformed'],
    ['a landing link with credentials', `https://user:pw@keyway.example.com/deploy?code=${code}`, 'link_malformed'],
    ['a code naming a plain-http real host', encodeDeploymentCodeUnsafe('keyway.example.com'), 'server_insecure'],
    ['a code whose host hides a path', encodeDeploymentCodeUnsafe('evil.com/x', 0), 'link_malformed'],
    [
      'a code whose host hides user info',
      encodeDeploymentCodeUnsafe('evil.com@keyway.example.com', 0),
      'link_malformed',
    ],
  ];

  it.each(hostile)('refuses %s with its specific error', (_name, input, expected) => {
    expect(codeOf(input)).toBe(expected);
  });

  it('has a long list of hostile inputs', () => {
    expect(hostile.length).toBeGreaterThanOrEqual(30);
  });
});

/**
 * Builds a code with a valid checksum for a host the encoder itself would refuse (plain http to a
 * real host, a slash in the host), as an attacker could; the parser must still refuse it.
 */
function encodeDeploymentCodeUnsafe(host: string, flags = 0b01): string {
  const text = encodeDeploymentCode('http://127.0.0.1:1', secret());
  const parsed = parseDeploymentCode(text);
  expect(parsed.origin).toBe('http://127.0.0.1:1');
  // Re-encode by hand: version, flags (http), host, no port, secret, then a correct checksum.
  return reencode(host, flags, parsed.secret);
}

function reencode(host: string, flags: number, secretBytes: Uint8Array): string {
  const hostBytes = new TextEncoder().encode(host);
  const payload = new Uint8Array([1, flags, hostBytes.length, ...hostBytes, ...secretBytes]);
  return base32crockford.encode(new Uint8Array([...payload, ...sha256(payload).subarray(0, 3)]));
}
