import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClientErrorCode } from '../../electron/ipc/client-errors';
import { ManagedSetting, ProgressView, UI_LANGUAGES } from '../../electron/ipc/view';
import { MfaChannel } from '../../protocol/mfa';
import { FormatErrorCode, WireErrorCode } from '../../protocol/errors';
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

/** Every code a user can meet, by audience: what the server sends, protocol's parsers', the client's own. */
const everyCode = [...WireErrorCode.options, ...FormatErrorCode.options, ...ClientErrorCode.options];

/**
 * What a translation must have: the English keys (English words its errors through core, so it has only
 * the renderer's own error texts), a message for every error code, and when to try again.
 */
const translationKeys = new Set([
  ...[...english.keys()].filter((key) => !key.startsWith('errors.')),
  ...everyCode.map((code) => `errors.${code}`),
  'errors.retryAfter',
]);
/** The placeholders a translated text must have: the English text's, or for an error message none but the wait. */
const expectedPlaceholders = (key: string): string[] =>
  key === 'errors.retryAfter' ? ['duration'] : english.has(key) ? placeholders(String(english.get(key))) : [];

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

      it('has every English key, a message for every error code, and no other key', () => {
        const missing = [...translationKeys].filter((key) => !catalogue.has(key));
        const extra = [...catalogue.keys()].filter((key) => !translationKeys.has(key));
        expect({ missing, extra }).toEqual({ missing: [], extra: [] });
      });

      it('has a non-empty text for every key, with exactly the placeholders of the English one', () => {
        for (const key of translationKeys) {
          const text = catalogue.get(key);
          expect(typeof text, key).toBe('string');
          expect(String(text).trim(), key).not.toBe('');
          expect(placeholders(String(text)), key).toEqual(expectedPlaceholders(key));
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

  it('word every managed setting, progress step and MFA channel that core can publish', () => {
    const needed = [
      ...ManagedSetting.shape.setting.options.map((setting) => `managed.${setting}`),
      ...ProgressView.shape.step.options.map((step) => `progress.${step}`),
      ...MfaChannel.options.map((channel) => `mfa.channel.${channel}`),
    ];
    expect(needed.filter((key) => !english.has(key))).toEqual([]);
  });

  for (const language of others) {
    it(`${language} words every error code of both audiences: the server's (wire), protocol's parsers', the client's`, () => {
      const catalogue = leaves(translations[language]);
      const unworded = (codes: readonly string[]): string[] => codes.filter((code) => !catalogue.has(`errors.${code}`));
      expect({
        wire: unworded(WireErrorCode.options),
        format: unworded(FormatErrorCode.options),
        client: unworded(ClientErrorCode.options),
      }).toEqual({ wire: [], format: [], client: [] });
    });
  }

  it('English has no error text the renderer never shows (English shows core’s own words for errors)', () => {
    // An English error text is shown only where the renderer raises that error itself: t('errors.<code>').
    const rendererSrc = path.resolve(import.meta.dirname, '..', '..', 'renderer', 'src');
    const sources = readdirSync(rendererSrc, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.tsx?$/.test(file) && !file.startsWith('i18n'))
      .map((file) => readFileSync(path.join(rendererSrc, file), 'utf8'))
      .join('\n');
    const englishErrors = [...english.keys()].filter((key) => key.startsWith('errors.'));
    expect(englishErrors.length).toBeGreaterThan(0);
    expect(englishErrors.filter((key) => !sources.includes(`t('${key}')`))).toEqual([]);
  });
});
