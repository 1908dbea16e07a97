import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../http/escape-html';
import { htmlPage } from '../http/html-page';
import type { PageText } from '../http/page-messages';
import { SIGN_IN_CSS_PATH } from '../oidc/pages';
import { PASSKEY_SCRIPT_PATH } from './passkeys-script';

/**
 * The CSP of the pages that run a passkey ceremony: the sign-in pages' policy plus the server's own
 * script (/assets/passkey.js) — no inline script, no other origin. Every other page stays script-free.
 */
const PASSKEY_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

interface PasskeyFormInput {
  text: PageText;
  /** 'get': use a passkey (navigator.credentials.get); 'create': add one. */
  ceremony: 'get' | 'create';
  /** The options @simplewebauthn/server generated; serialised into an attribute (escaped). */
  options: unknown;
  action: string;
  /** Extra hidden fields (the CSRF token). */
  hidden?: Readonly<Record<string, string>> | undefined;
  button: string;
  /** For 'create': ask for the passkey's name. */
  askName?: boolean | undefined;
  /** What to do without JavaScript or WebAuthn: the other ways, said and linked by the caller. */
  fallback: string;
}

/**
 * The ceremony form: the button appears only once the script found WebAuthn; until then (no script,
 * no WebAuthn) the page says so. Field names: `response` (the JSON answer), `name`.
 */
export function passkeyForm(input: PasskeyFormInput): string {
  const { html } = input.text;
  const hidden = Object.entries(input.hidden ?? {})
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const name = input.askName
    ? `<label for="name">${html('passkeyNameLabel')}</label>
<input id="name" name="name" type="text" maxlength="100" value="" autocomplete="off" placeholder="${html('passkeyNameExample')}">
`
    : '';
  return `<form class="form" id="passkey-form" method="post" action="${escapeHtml(input.action)}" data-passkey="${input.ceremony}" data-options="${escapeHtml(JSON.stringify(input.options))}" data-cancelled="${html('passkeyCancelled')}" data-failed="${html('passkeyFailed')}">
${hidden}
<input type="hidden" name="response" value="">
${name}<button class="button" id="passkey-button" type="submit" hidden>${escapeHtml(input.button)}</button>
</form>
<p id="passkey-needs" class="muted">${html('passkeyNeeds')} ${escapeHtml(input.fallback)}</p>
<p id="passkey-error" class="error" role="alert" hidden></p>
<script src="${PASSKEY_SCRIPT_PATH}" defer></script>`;
}

/** A whole page around a passkey form (the browser step pages handed to Keyway). */
export function passkeyPage(input: {
  text: PageText;
  title: string;
  serverName: string;
  lead: string;
  error?: string | undefined;
  form?: PasskeyFormInput | undefined;
  /** Links under the form ("Go back to Keyway and verify another way"). */
  links: readonly { href: string; label: string }[];
}): string {
  const alert = input.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.error)}</p>\n`;
  const links = input.links.map((link) => `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>`);
  return htmlPage({
    lang: input.text.lang,
    title: input.text.t('pageTitle', { title: input.title, server: input.serverName }),
    serverName: input.serverName,
    stylesheet: SIGN_IN_CSS_PATH,
    body: `<h1>${escapeHtml(input.title)}</h1>
<p>${escapeHtml(input.lead)}</p>
${alert}${input.form ? passkeyForm(input.form) : ''}
${links.join('\n')}`,
  });
}

export function sendPasskeyPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', PASSKEY_PAGE_CSP)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html);
}
