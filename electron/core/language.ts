import { UI_LANGUAGES, type UiLanguage } from '../ipc/view';

export interface LanguageChoice {
  readonly language: UiLanguage;
  /**
   * Why: IT's machine policy named it, the organisation's deployment profile pushed it (managed-config.ts),
   * the operating system prefers it, or none gave a supported language.
   */
  readonly source: 'policy' | 'organisation' | 'system' | 'default';
}

/**
 * Which language the client speaks: the policy's `defaultLanguage` (IT decided), else the language the
 * server's deployment profile pushed (`organisation`), else the first of the
 * operating system's preferred languages that Keyway speaks, else English. A tag counts by its language
 * alone (`de-AT` and `de-CH` are German, `fr-CA` is French); an unsupported or malformed tag is skipped,
 * so a policy naming Spanish still lets a French system speak French.
 */
export function chooseLanguage(options: {
  readonly policy?: string | undefined;
  /** The language the organisation's deployment profile pushed: below the machine policy, above the OS. */
  readonly organisation?: string | undefined;
  readonly system?: readonly string[] | undefined;
}): LanguageChoice {
  const fromPolicy = options.policy === undefined ? null : supportedLanguageOf(options.policy);
  if (fromPolicy !== null) return { language: fromPolicy, source: 'policy' };
  const fromOrganisation = options.organisation === undefined ? null : supportedLanguageOf(options.organisation);
  if (fromOrganisation !== null) return { language: fromOrganisation, source: 'organisation' };
  for (const tag of options.system ?? []) {
    const language = supportedLanguageOf(tag);
    if (language !== null) return { language, source: 'system' };
  }
  return { language: 'en', source: 'default' };
}

/** The supported language a BCP 47 tag names, or null (unsupported, or not a tag at all). */
export function supportedLanguageOf(tag: string): UiLanguage | null {
  let language: string;
  try {
    language = new Intl.Locale(tag.trim()).language.toLowerCase();
  } catch {
    return null;
  }
  return (UI_LANGUAGES as readonly string[]).includes(language) ? (language as UiLanguage) : null;
}

/**
 * POSIX locale settings (`fr_FR.UTF-8`, `de_DE@euro`, `C`) as BCP 47 tags, most preferred first, the
 * way gettext reads them: the messages locale is the first set of LC_ALL, LC_MESSAGES, LANG; unless
 * that is `C`/`POSIX` (no language), the colon list in LANGUAGE comes before it. Used where there is
 * no OS API for it (the browser harness).
 */
export function posixLanguages(env: Readonly<Record<string, string | undefined>>): string[] {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value !== '') ?? '';
  const base = (value: string): string => value.split(/[.@]/)[0] ?? '';
  if (base(locale) === 'C' || base(locale) === 'POSIX') return [];
  const tags: string[] = [];
  for (const value of [...(env.LANGUAGE ?? '').split(':'), locale]) {
    const candidate = base(value).replace(/_/g, '-');
    if (candidate === '') continue;
    try {
      const [canonical] = Intl.getCanonicalLocales(candidate);
      if (canonical !== undefined && !tags.includes(canonical)) tags.push(canonical);
    } catch {
      // Not a language tag: ignored, as gettext ignores a locale it does not know.
    }
  }
  return tags;
}
