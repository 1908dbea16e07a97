import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../server/http/escape-html';
import { defaultMailFrom } from '../../../server/mail/mail-delivery';
import { parseSmtpUrl, smtpUrlWithoutCredentials } from '../../../server/mail/smtp-url';
import { generateInitialPassword } from '../../../server/users/password-hash';
import { identifierKey } from '../../../server/users/identifiers';

describe('server helpers', () => {
  it('escapes every HTML-significant character', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('reads SMTP URLs and never writes their credentials back', () => {
    expect(parseSmtpUrl('smtp://127.0.0.1:2525')).toEqual({ host: '127.0.0.1', port: 2525, secure: false });
    const withAuth = parseSmtpUrl('smtps://user%40x:p%40ss@mail.example.com');
    expect(withAuth).toEqual({
      host: 'mail.example.com',
      port: 465,
      secure: true,
      auth: { user: 'user@x', pass: 'p@ss' },
    });
    expect(smtpUrlWithoutCredentials(withAuth)).toBe('smtps://mail.example.com:465');
    expect(() => parseSmtpUrl('http://mail.example.com')).toThrow(/smtp:\/\/ or smtps:\/\//);
    expect(() => parseSmtpUrl('nonsense')).toThrow(/not a URL/);
  });

  it('sends from the server host, or localhost for a loopback server', () => {
    expect(defaultMailFrom('Acme "IT"', 'https://keyway.acme.example')).toBe('"Acme IT" <keyway@keyway.acme.example>');
    expect(defaultMailFrom('Keyway', 'http://127.0.0.1:7400')).toBe('"Keyway" <keyway@localhost>');
  });

  it('generates distinct, readable initial passwords', () => {
    const passwords = new Set(Array.from({ length: 50 }, () => generateInitialPassword()));
    expect(passwords.size).toBe(50);
    for (const password of passwords) expect(password).toMatch(/^([0-9a-hjkmnp-tv-z]{4}-){5}[0-9a-hjkmnp-tv-z]{4}$/);
  });

  it('folds case and Unicode width in sign-in names', () => {
    expect(identifierKey('  Ana@Example.COM ')).toBe('ana@example.com');
    expect(identifierKey('ＡＮＡ')).toBe('ana');
  });
});
