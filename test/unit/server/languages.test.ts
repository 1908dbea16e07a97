import { describe, expect, it } from 'vitest';
import { languageOfUiLocales, negotiateLanguage, pageLanguage } from '../../../server/http/languages';

/**
 * The server's one language negotiation (server/http/languages.ts), which the end-user pages and the admin
 * console both call: this file owns its tests.
 */
describe('the server pages’ language negotiation', () => {
  it('negotiates Accept-Language by quality, primary subtag only, English otherwise', () => {
    expect(negotiateLanguage(undefined)).toBe('en');
    expect(negotiateLanguage('')).toBe('en');
    expect(negotiateLanguage('fr-CH, fr;q=0.9, en;q=0.8')).toBe('fr');
    expect(negotiateLanguage('es, de;q=0.5, fr;q=0.4')).toBe('de');
    expect(negotiateLanguage('en;q=0.2, fr;q=0.9')).toBe('fr');
    expect(negotiateLanguage('fr;q=0, de;q=0.1')).toBe('de');
    expect(negotiateLanguage('de;q=abc, fr')).toBe('fr');
    expect(negotiateLanguage('de;q=1.5, fr;q=0.3')).toBe('fr');
    expect(negotiateLanguage('*')).toBe('en');
    expect(negotiateLanguage('frx, deutsch')).toBe('en');
    // Hostile but short: a hundred junk ranges before the one that counts.
    expect(negotiateLanguage(`${'x;q=1,'.repeat(100)}de`)).toBe('de');
  });

  it('reads only the first kilobyte of Accept-Language, so a hostile header costs bounded work per request: a language named past it is not seen', () => {
    // The admin console's old copy read all of this and answered 'de'; with the one capped negotiation the
    // 'de' at character 6 000 is never parsed, so the answer is the default.
    expect(negotiateLanguage(`${'x;q=1,'.repeat(1000)}de`)).toBe('en');
    expect(negotiateLanguage(`${'x;q=1,'.repeat(100_000)}de`)).toBe('en');
    // The edge: a range that ends at character 1 024 is read whole; one the cap cuts ('d') names no
    // language, and one that starts after it is not read at all.
    const junk = (length: number): string => `${'x'.repeat(length - 1)},`;
    expect(negotiateLanguage(`${junk(1022)}de`)).toBe('de');
    expect(negotiateLanguage(`${junk(1023)}de`)).toBe('en');
    expect(negotiateLanguage(`${junk(1024)}de`)).toBe('en');
  });

  it('reads ui_locales (space-separated, by preference) and lets it win over the browser', () => {
    expect(languageOfUiLocales('de-AT fr')).toBe('de');
    expect(languageOfUiLocales('es FR-ca')).toBe('fr');
    expect(languageOfUiLocales('es ja')).toBeUndefined();
    expect(languageOfUiLocales(['fr'])).toBeUndefined();
    expect(languageOfUiLocales(undefined)).toBeUndefined();
    const french = { headers: { 'accept-language': 'fr' } };
    expect(pageLanguage(french)).toBe('fr');
    expect(pageLanguage(french, 'de')).toBe('de');
    expect(pageLanguage(french, 'es')).toBe('fr');
    expect(pageLanguage({ headers: {} }, undefined)).toBe('en');
  });

  it('reads only the first kilobyte of ui_locales too', () => {
    expect(languageOfUiLocales(`${'x '.repeat(510)}de`)).toBe('de');
    expect(languageOfUiLocales(`${'x '.repeat(512)}de`)).toBeUndefined();
  });
});
