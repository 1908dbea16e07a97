import type { FastifyRequest } from 'fastify';

/**
 * The languages of the server's pages (sign-in, second step, /account, password reset, device and landing
 * pages, and the admin console): English, French and German, English by default. The one Accept-Language
 * negotiation of the server: the end-user pages and the admin console both call negotiateLanguage.
 */
export const PAGE_LANGUAGES = ['en', 'fr', 'de'] as const;
export type Language = (typeof PAGE_LANGUAGES)[number];

function isLanguage(tag: string): tag is Language {
  return (PAGE_LANGUAGES as readonly string[]).includes(tag);
}

/** A header or parameter this long is not a language list anyone sends; only its start is read. */
const MAX_LIST_LENGTH = 1024;

/**
 * The first of en/fr/de the browser lists in Accept-Language (RFC 9110 §12.5.4), by quality; English when
 * none is listed or the header is absent. Only the primary subtag counts (fr-CH is fr).
 */
export function negotiateLanguage(header: string | undefined): Language {
  if (header === undefined) return 'en';
  const ranked = header
    .slice(0, MAX_LIST_LENGTH)
    .split(',')
    .map((part, index) => {
      const [range = '', ...params] = part.trim().split(';');
      const weight = params.map((param) => param.trim()).find((param) => /^q=/i.test(param));
      // RFC 9110 §12.4.2 qvalue: 0 to 1 with up to three decimals; a malformed one disqualifies the range.
      const q =
        weight === undefined
          ? 1
          : /^q=(0(\.\d{0,3})?|1(\.0{0,3})?)$/i.test(weight)
            ? Number(weight.slice(2))
            : Number.NaN;
      return { tag: range.trim().toLowerCase().split('-')[0] ?? '', q, index };
    })
    .filter((entry) => entry.q > 0 && Number.isFinite(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) if (isLanguage(tag)) return tag;
  return 'en';
}

/**
 * The first of en/fr/de in an OpenID Connect `ui_locales` parameter: "space-separated list of BCP47
 * language tag values, ordered by preference" (OpenID Connect Core 1.0 §3.1.2.1). Undefined when it names
 * none of them, so the browser's Accept-Language decides instead.
 */
export function languageOfUiLocales(value: unknown): Language | undefined {
  if (typeof value !== 'string') return undefined;
  for (const tag of value.slice(0, MAX_LIST_LENGTH).split(' ')) {
    const primary = tag.trim().toLowerCase().split('-')[0] ?? '';
    if (isLanguage(primary)) return primary;
  }
  return undefined;
}

/**
 * The language of a page for this request: the `ui_locales` the app sent with the authorization request
 * (oidc-provider keeps it in the interaction's params: it is in its lib/consts/param_list.js), else the
 * browser's Accept-Language, else English.
 */
export function pageLanguage(request: Pick<FastifyRequest, 'headers'>, uiLocales?: unknown): Language {
  const header = request.headers['accept-language'];
  return languageOfUiLocales(uiLocales) ?? negotiateLanguage(typeof header === 'string' ? header : undefined);
}
