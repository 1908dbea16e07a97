import { describe, expect, it } from 'vitest';
import { CATALOGUES, translator } from '../../../server/admin-console/messages';

// The console's language is negotiated by server/http/languages.ts, tested in languages.test.ts.
describe('admin console languages', () => {
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
