import { describe, expect, it } from 'vitest';
import { CATALOGUES, negotiateLanguage, translator } from '../../../server/admin-console/messages';

describe('admin console languages', () => {
  it('picks the best of en/fr/de from Accept-Language, by quality, English otherwise', () => {
    expect(negotiateLanguage(undefined)).toBe('en');
    expect(negotiateLanguage('')).toBe('en');
    expect(negotiateLanguage('fr-CH, fr;q=0.9, en;q=0.8')).toBe('fr');
    expect(negotiateLanguage('es, de;q=0.5, fr;q=0.4')).toBe('de');
    expect(negotiateLanguage('en;q=0.2, fr;q=0.9')).toBe('fr');
    expect(negotiateLanguage('fr;q=0, de;q=0.1')).toBe('de');
    expect(negotiateLanguage('de;q=abc, fr')).toBe('fr');
    expect(negotiateLanguage('*')).toBe('en');
    // Hostile input: long, odd, without crashing.
    expect(negotiateLanguage(`${'x;q=1,'.repeat(1000)}de`)).toBe('de');
  });

  it('has every message in French and German, translated, with the same placeholders', () => {
    const english = CATALOGUES.en;
    for (const language of ['fr', 'de'] as const) {
      const catalogue = CATALOGUES[language];
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(english).sort());
      for (const [key, text] of Object.entries(catalogue)) {
        expect(text.trim(), `${language}.${key}`).not.toBe('');
        const placeholders = (value: string) => [...value.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect(placeholders(text), `${language}.${key}`).toEqual(placeholders(english[key as keyof typeof english]));
      }
      // Not a copy of the English catalogue under another name.
      const same = Object.keys(english).filter(
        (key) => catalogue[key as keyof typeof english] === english[key as keyof typeof english],
      );
      expect(same.length, `${language}: ${same.join(', ')}`).toBeLessThan(8);
    }
  });

  it('fills placeholders', () => {
    expect(translator('de')('sessionsRevoked', { count: 3 })).toBe('Beendete Sitzungen: 3.');
    expect(translator('fr')('importDone', { count: 2 })).toBe('Importés : 2.');
  });
});
