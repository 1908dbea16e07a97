import { createInstance, type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { UiLanguage } from '../../../electron/ipc/view';
import { en } from './en';
import type { ErrorStrings, Translation } from './translation';

/**
 * French and German are fetched only when core picks them: every byte of the first script delays the
 * Welcome screen, and most users need one language. (All three together: ./catalogs.ts, for tests.)
 */
const otherLanguages: Readonly<Record<Exclude<UiLanguage, 'en'>, () => Promise<Translation>>> = {
  fr: () => import('./fr').then((module) => module.fr),
  de: () => import('./de').then((module) => module.de),
};

declare module 'i18next' {
  interface CustomTypeOptions {
    // Keys and `{{placeholders}}` are checked against the English source at every t() call; error
    // messages, which only the translations have (English shows core's words), against ErrorStrings.
    resources: { translation: typeof en & { errors: ErrorStrings } };
    defaultNS: 'translation';
  }
}

/**
 * The one i18next instance of the renderer. It starts synchronously in English and switches once core
 * has said which language to speak (loading that language's strings first).
 */
const i18n: I18n = createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en } },
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: ['en', 'fr', 'de'],
  initAsync: false,
  returnEmptyString: false,
  // React escapes what it renders; escaping here as well would show `&amp;` in host names.
  interpolation: { escapeValue: false },
  react: { useSuspense: false },
});

/** Switches the UI to `language`, and says so to assistive technology through `<html lang>`. */
export async function applyLanguage(language: UiLanguage): Promise<void> {
  if (language !== 'en' && !i18n.hasResourceBundle(language, 'translation')) {
    i18n.addResourceBundle(language, 'translation', await otherLanguages[language]());
  }
  document.documentElement.lang = language;
  await i18n.changeLanguage(language);
}

/** A wait as a spoken duration in the UI's language: "30 seconds", "15 minutes", "30 Sekunden". */
export function formatDuration(seconds: number, language: string): string {
  const [value, unit] = seconds < 120 ? [seconds, 'second'] : [Math.ceil(seconds / 60), 'minute'];
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/** A date in the UI's language (not the OS's), e.g. for "added 3 March 2026". */
export function formatDate(epochMs: number, language: string): string {
  return new Date(epochMs).toLocaleDateString(language, { year: 'numeric', month: 'long', day: 'numeric' });
}

/** A language tag's name in the UI's language ("German", "allemand", "Deutsch"); the tag if unknown. */
export function languageName(tag: string, language: string): string {
  try {
    return new Intl.DisplayNames([language], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
