import { describe, expect, it } from 'vitest';
import { wireErrorTexts, type ErrorTextLanguage } from '../../protocol/error-texts';
import { WireErrorCode } from '../../protocol/errors';
import { translations } from '../../renderer/src/i18n/catalogs';
import { PAGE_ERROR_CATALOGUES, pageText } from '../../server/http/page-messages';

const LANGUAGES: readonly ErrorTextLanguage[] = ['en', 'fr', 'de'];

describe('the one table of wire-error texts (protocol/error-texts.ts)', () => {
  it('words every wire code in English, French and German, with no placeholder for either side to misread', () => {
    for (const language of LANGUAGES) {
      const texts = wireErrorTexts(language);
      expect(Object.keys(texts).sort(), language).toEqual([...WireErrorCode.options].sort());
      for (const code of WireErrorCode.options) {
        const text = texts[code];
        expect(text.trim(), `${language}.${code}`).not.toBe('');
        // The server fills `{name}` and i18next `{{name}}`: a brace here would be one of them on one side.
        expect(text, `${language}.${code}`).not.toMatch(/[{}]/);
        expect(text, `${language}.${code} ends a sentence`).toMatch(/[.!?]$/);
      }
    }
  });

  it('is translated: no French or German text is the English one', () => {
    const english = wireErrorTexts('en');
    for (const language of ['fr', 'de'] as const) {
      const texts = wireErrorTexts(language);
      expect(
        WireErrorCode.options.filter((code) => texts[code] === english[code]),
        language,
      ).toEqual([]);
    }
  });

  it('puts a no-break space before ? ! : ; in French, as the client’s catalogue does', () => {
    const french = wireErrorTexts('fr');
    expect(WireErrorCode.options.filter((code) => / [?!:;]/.test(french[code]))).toEqual([]);
  });

  it('is what both the server’s pages and the client’s screens say for every wire code', () => {
    for (const language of ['fr', 'de'] as const) {
      const table = wireErrorTexts(language);
      for (const code of WireErrorCode.options) {
        const refusal = { code, message: 'The service’s own English words.' };
        expect(pageText(language).error(refusal), `page ${language}.${code}`).toBe(table[code]);
        expect(PAGE_ERROR_CATALOGUES[language][code], `page ${language}.${code}`).toBe(table[code]);
        expect(translations[language].errors[code], `client ${language}.${code}`).toBe(table[code]);
      }
    }
    // The example that was worded three ways before the table: one German text now, on both sides.
    expect(pageText('de').error({ code: 'account_locked_by_admin', message: 'x' })).toBe(
      translations.de.errors.account_locked_by_admin,
    );
  });
});
