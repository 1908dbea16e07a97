import { describe, expect, it } from 'vitest';
import { ManagedSetting, ProgressView, UI_LANGUAGES, MfaView } from '../../electron/ipc/view';
import { ErrorCode } from '../../protocol/errors';
import { translations } from '../../renderer/src/i18n/catalogs';

/** Every leaf of a catalogue as `dotted.key → text`. */
function leaves(catalogue: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(catalogue as Record<string, unknown>)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (value !== null && typeof value === 'object') for (const [k, v] of leaves(value, path)) out.set(k, v);
    else out.set(path, value);
  }
  return out;
}

/** i18next placeholders in a text, sorted: `{{host}}` → `host`. */
const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();

const english = leaves(translations.en);
const others = UI_LANGUAGES.filter((language) => language !== 'en');

describe('the translation catalogues', () => {
  it('cover exactly the languages the client offers', () => {
    expect(Object.keys(translations).sort()).toEqual([...UI_LANGUAGES].sort());
  });

  it('English has only non-empty texts, with i18next placeholders (never the old single-brace ones)', () => {
    for (const [key, text] of english) {
      expect(typeof text, key).toBe('string');
      expect(String(text).trim(), key).not.toBe('');
      const withoutPlaceholders = String(text).replace(/\{\{\s*\w+\s*\}\}/g, '');
      expect(withoutPlaceholders, `${key} has a stray brace`).not.toMatch(/[{}]/);
    }
  });

  for (const language of others) {
    describe(language, () => {
      const catalogue = leaves(translations[language]);

      it('has every English key and no other', () => {
        const missing = [...english.keys()].filter((key) => !catalogue.has(key));
        const extra = [...catalogue.keys()].filter((key) => !english.has(key));
        expect({ missing, extra }).toEqual({ missing: [], extra: [] });
      });

      it('has a non-empty text for every key, with exactly the placeholders of the English one', () => {
        for (const [key, source] of english) {
          const text = catalogue.get(key);
          expect(typeof text, key).toBe('string');
          expect(String(text).trim(), key).not.toBe('');
          expect(placeholders(String(text)), key).toEqual(placeholders(String(source)));
        }
      });

      it('is really translated: most texts differ from English', () => {
        // Names and examples (Keyway, Server, the placeholder host) may stay; whole sentences may not.
        const same = [...english].filter(([key, text]) => catalogue.get(key) === text && String(text).includes(' '));
        expect(same.map(([key]) => key)).toEqual([]);
      });
    });
  }

  it('French puts a no-break space before ? ! : ; (French typography), never a plain one', () => {
    const plain = [...leaves(translations.fr)].filter(([, text]) => / [?!:;]/.test(String(text)));
    expect(plain.map(([key]) => key)).toEqual([]);
  });

  it('word every error code, managed setting, progress step and MFA channel that core can publish', () => {
    const needed = [
      ...ErrorCode.options.map((code) => `errors.${code}`),
      ...ManagedSetting.shape.setting.options.map((setting) => `managed.${setting}`),
      ...ProgressView.shape.step.options.map((step) => `progress.${step}`),
      ...MfaView.shape.channels.element.shape.channel.options.map((channel) => `mfa.channel.${channel}`),
    ];
    expect(needed.filter((key) => !english.has(key))).toEqual([]);
  });
});
