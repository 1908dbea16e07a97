import { escapeHtml } from './escape-html';
import type { Language } from './languages';

/**
 * The shell of every HTML page the server renders (landing page, the provider's sign-in, MFA and
 * device pages): no script, one stylesheet from a static path, no referrer, the server's name on top.
 * `lang` is the language the page is written in (WCAG 2.2 SC 3.1.1: screen readers pick their voice by
 * it). `body` is trusted markup: callers escape every value they put in it.
 */
export function htmlPage(input: {
  lang: Language;
  title: string;
  serverName: string;
  stylesheet: string;
  body: string;
}): string {
  return `<!doctype html>
<html lang="${input.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(input.title)}</title>
<link rel="stylesheet" href="${input.stylesheet}">
</head>
<body>
<main>
<p class="server">${escapeHtml(input.serverName)}</p>
${input.body}
</main>
</body>
</html>
`;
}
