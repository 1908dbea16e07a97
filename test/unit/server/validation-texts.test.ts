import { describe, expect, it } from 'vitest';
import { KeywayError, ValidationField, ValidationReason, type ValidationDetail } from '../../../protocol/errors';
import { translator } from '../../../server/admin-console/messages';
import { REASON_TEXTS, refusalText } from '../../../server/admin-console/validation-texts';
import { parseDomain } from '../../../server/discovery/domain-name';
import { OidcSettings, parseSetting, ProviderId, SamlSettings } from '../../../server/federation/provider-config';
import { checkTrustDays, parseChannels, parseMode } from '../../../server/mfa/policy';

const LANGUAGES = ['en', 'fr', 'de'] as const;

/** The detail a validation throws with, or a failure naming what it threw instead. */
function detailOf(work: () => unknown): ValidationDetail | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof KeywayError) return error.detail;
    throw error;
  }
  throw new Error('no refusal');
}

describe('validation reasons in the console', () => {
  it('has every reason code in English, French and German, translated (REASON_TEXTS is a Record too)', () => {
    for (const reason of ValidationReason.options) {
      const texts = REASON_TEXTS[reason];
      for (const language of LANGUAGES) expect(texts[language].trim(), `${language}.${reason}`).not.toBe('');
      expect(texts.fr, reason).not.toBe(texts.en);
      expect(texts.de, reason).not.toBe(texts.en);
    }
  });

  it('names every field by a label of its own in each language', () => {
    for (const language of LANGUAGES) {
      const t = translator(language);
      const labels = ValidationField.options.map((field) =>
        refusalText(t, new KeywayError('invalid_input', 'x', { detail: { field, reason: 'invalid' } })),
      );
      for (const label of labels) expect(label).not.toMatch(/undefined|\{field\}/);
      expect(new Set(labels).size, language).toBe(ValidationField.options.length);
    }
  });

  it('words a refusal with a detail in French and German, and keeps the service’s sentence in English', () => {
    const error = new KeywayError('invalid_input', 'The issuer must use https (plain http only on this computer).', {
      detail: { field: 'idp-issuer', reason: 'not-https' },
    });
    expect(refusalText(translator('fr'), error)).toBe(
      'URL de l’émetteur : L’URL doit utiliser https (http simple uniquement sur cet ordinateur, pour le développement).',
    );
    expect(refusalText(translator('de'), error)).toMatch(/^.+: Die URL muss https verwenden/);
    expect(refusalText(translator('en'), error)).toBe(
      'Issuer URL: The issuer must use https (plain http only on this computer).',
    );
    // The detail stays off the wire and IPC shape.
    expect(error.toShape()).toEqual({ code: 'invalid_input', message: error.message });
  });

  it('without a detail: a wire code’s text from protocol/error-texts.ts in French and German', () => {
    const missing = new KeywayError('not_found', 'There is no identity provider "x".');
    expect(refusalText(translator('fr'), missing)).toBe('Ce que vous cherchez n’existe pas ou plus.');
    expect(refusalText(translator('de'), missing)).toBe('Das Gesuchte gibt es nicht (mehr).');
    expect(refusalText(translator('en'), missing)).toBe('There is no identity provider "x".');
    // invalid_input without a detail keeps its specific sentence (the generic text would hide the field).
    const unnamed = new KeywayError('invalid_input', 'The name "x" is also on line 3.');
    expect(refusalText(translator('fr'), unnamed)).toBe('The name "x" is also on line 3.');
  });
});

describe('the details the validations throw with', () => {
  const oidc = { issuer: 'https://idp.example', clientId: 'c', tokenEndpointAuthMethod: 'client_secret_basic' };
  const oidcWith = (change: Record<string, unknown>) => () => parseSetting(OidcSettings, { ...oidc, ...change }, 'x');

  it('reads a provider setting’s field and reason from zod’s issue, not from its English message', () => {
    expect(detailOf(oidcWith({ issuer: 'http://idp.example' }))).toEqual({ field: 'idp-issuer', reason: 'not-https' });
    expect(detailOf(oidcWith({ issuer: 'not a url' }))).toEqual({ field: 'idp-issuer', reason: 'not-a-url' });
    expect(detailOf(oidcWith({ issuer: 'https://u:p@idp.example' }))).toEqual({
      field: 'idp-issuer',
      reason: 'has-credentials',
    });
    expect(detailOf(oidcWith({ issuer: undefined }))).toEqual({ field: 'idp-issuer', reason: 'required' });
    expect(detailOf(oidcWith({ clientId: '' }))).toEqual({ field: 'idp-client-id', reason: 'required' });
    expect(detailOf(oidcWith({ clientId: 'c'.repeat(256) }))).toEqual({ field: 'idp-client-id', reason: 'too-long' });
    expect(detailOf(oidcWith({ tokenEndpointAuthMethod: 'none' }))).toEqual({
      field: 'idp-auth-method',
      reason: 'not-a-choice',
    });
    const saml = { ssoUrl: 'https://idp.example/sso', idpEntityId: 'e', idpCertificates: ['not a certificate'] };
    expect(detailOf(() => parseSetting(SamlSettings, saml, 'x'))).toEqual({
      field: 'idp-certificate',
      reason: 'not-a-certificate',
    });
    expect(detailOf(() => parseSetting(ProviderId, 'Not An Id', 'provider id', 'idp-id'))).toEqual({
      field: 'idp-id',
      reason: 'bad-format',
    });
  });

  it('gives the MFA policy’s and a routed domain’s refusals their field and reason', () => {
    expect(detailOf(() => parseChannels('totp,fax'))).toEqual({ field: 'mfa-channels', reason: 'unknown-channel' });
    expect(detailOf(() => parseChannels(''))).toEqual({ field: 'mfa-channels', reason: 'no-allowed-channel' });
    expect(detailOf(() => parseMode('sometimes'))).toEqual({ field: 'mfa-mode', reason: 'not-a-choice' });
    expect(detailOf(() => checkTrustDays(0))).toEqual({ field: 'mfa-trust-days', reason: 'out-of-range' });
    expect(detailOf(() => parseDomain('not a domain', 'idp-domains'))).toEqual({
      field: 'idp-domains',
      reason: 'not-a-domain',
    });
    // Elsewhere (unified login, the CLI) a bad domain names no console field.
    expect(detailOf(() => parseDomain('not a domain'))).toBeUndefined();
  });
});
