import { escapeHtml } from '../http/escape-html';
import { htmlPage } from '../http/html-page';
import type { PageText } from '../http/page-messages';

export const SIGN_IN_CSS_PATH = '/assets/sign-in.css';

/**
 * The CSP of every page the OpenID Provider serves: no inline style or script (the stylesheet is a
 * static path). There is no form-action: browsers apply it to the redirects after a submit too, and
 * the sign-in form's last redirect goes to the app's loopback port or custom scheme, which a source
 * list cannot name exactly. Every value on the pages is escaped instead.
 */
export const SIGN_IN_PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** A page in the sign-in pages' look, titled "<title>: <server name>" in the page's language. */
export function page(text: PageText, title: string, serverName: string, body: string): string {
  return htmlPage({
    lang: text.lang,
    title: text.t('pageTitle', { title, server: serverName }),
    serverName,
    stylesheet: SIGN_IN_CSS_PATH,
    body,
  });
}

function alert(message: string | undefined): string {
  return message === undefined ? '' : `<p class="error" role="alert">${escapeHtml(message)}</p>\n`;
}

export interface SignInPageInput {
  text: PageText;
  serverName: string;
  /** Who asks: "Keyway". */
  clientName: string;
  action: string;
  cancelUrl: string;
  csrfToken: string;
  /** Pre-filled from login_hint, or what was typed before an error. */
  login: string;
  error?: string | undefined;
  /** "Login with …" buttons for the enterprise identity providers (server/federation). */
  providers?: readonly { name: string; action: string }[] | undefined;
  /** False when the admin offers only enterprise sign-in here: no password form. */
  passwordForm?: boolean | undefined;
  /** "Sign in with a passkey" (a link to the passkey page), when the MFA policy allows passkeys. */
  passkeyUrl?: string | undefined;
}

/**
 * The sign-in page: a "Login with …" button (a one-field POST form with the CSRF token) per identity
 * provider, then the password form, field names `login` and `password`, labels "E-mail or login ID"
 * and "Password", unless the admin hid it.
 */
export function signInPage(input: SignInPageInput): string {
  const { t, html } = input.text;
  const focusLogin = input.login === '' ? ' autofocus' : '';
  const focusPassword = input.login === '' ? '' : ' autofocus';
  const providers = input.providers ?? [];
  const passwordForm = input.passwordForm ?? true;
  const buttons = providers
    .map(
      (provider) => `<form class="sso" method="post" action="${escapeHtml(provider.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">
<button class="button" type="submit">${html('loginWith', { provider: escapeHtml(provider.name) })}</button>
</form>`,
    )
    .join('\n');
  const form = `<form class="form" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">
<label for="login">${html('loginLabel')}</label>
<input id="login" name="login" type="text" value="${escapeHtml(input.login)}" autocomplete="username" autocapitalize="none" spellcheck="false" required${focusLogin}>
<label for="password">${html('passwordLabel')}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${focusPassword}>
<button class="button" type="submit">${html('signIn')}</button>
</form>`;
  const between = providers.length > 0 && passwordForm ? `\n<p class="divider">${html('or')}</p>\n` : '\n';
  return page(
    input.text,
    t('signIn'),
    input.serverName,
    `<h1>${html('signIn')}</h1>
<p>${html('signInTo', { client: escapeHtml(input.clientName) })}</p>
${alert(input.error)}${buttons}${between}${passwordForm ? form : ''}
${input.passkeyUrl === undefined ? '' : `<p><a href="${escapeHtml(input.passkeyUrl)}">${html('signInWithPasskey')}</a></p>\n`}<p><a href="${escapeHtml(input.cancelUrl)}">${html('cancel')}</a></p>`,
  );
}

export interface ConfirmAccountPageInput {
  text: PageText;
  serverName: string;
  clientName: string;
  /** The signed-in account, as the person knows it. */
  displayName: string;
  email: string;
  action: string;
  csrfToken: string;
  /** The sign-in form, to use another account. */
  otherAccountUrl: string;
  cancelUrl: string;
}

/**
 * "Continue as Ana?": the click RFC 8252 §8.6 asks for before a still-open browser session is handed
 * to a native app (session-reuse.ts). A POST form with the CSRF token, so no other page can click it.
 */
export function confirmAccountPage(input: ConfirmAccountPageInput): string {
  const { t, html } = input.text;
  const name = escapeHtml(input.displayName);
  const client = escapeHtml(input.clientName);
  return page(
    input.text,
    t('continueTo', { client: input.clientName }),
    input.serverName,
    `<h1>${html('continueAsQuestion', { name })}</h1>
<p>${html('continueBody', { client, email: `<strong>${escapeHtml(input.email)}</strong>` })}</p>
<form class="form" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">
<button class="button" type="submit" autofocus>${html('continueAs', { name })}</button>
</form>
<p><a href="${escapeHtml(input.otherAccountUrl)}">${html('useAnotherAccount')}</a></p>
<p><a href="${escapeHtml(input.cancelUrl)}">${html('cancel')}</a></p>`,
  );
}

export interface FederationErrorPageInput {
  text: PageText;
  serverName: string;
  /** The stable failure code, in `data-code` for support and tests. */
  code: string;
  /** The broker's own (English) words; French and German pages say it generally, with the code. */
  message: string;
  /** "Try again" with the same identity provider, when the sign-in it belonged to is known. */
  retry?: { action: string; csrfToken: string; providerName: string } | undefined;
  /** Back to the sign-in page with every way offered. */
  otherWaysUrl?: string | undefined;
}

/** An identity provider's answer was refused: why, and the way back. */
export function federationErrorPage(input: FederationErrorPageInput): string {
  const { t, html } = input.text;
  const retry = input.retry
    ? `<form class="sso" method="post" action="${escapeHtml(input.retry.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(input.retry.csrfToken)}">
<button class="button" type="submit">${html('tryAgainWith', { provider: escapeHtml(input.retry.providerName) })}</button>
</form>
`
    : '';
  const back =
    input.otherWaysUrl === undefined
      ? `<p>${html('startAgainInKeyway')}</p>`
      : `<p><a href="${escapeHtml(input.otherWaysUrl)}">${html('otherWaysToSignIn')}</a></p>`;
  const message = input.text.lang === 'en' ? input.message : t('federationRefused');
  return page(
    input.text,
    t('signInRefused'),
    input.serverName,
    `<h1>${html('signInRefused')}</h1>
<p class="error" role="alert" data-code="${escapeHtml(input.code)}">${escapeHtml(message)}</p>
${retry}${back}
<p class="muted">${html('reference', { code: escapeHtml(input.code) })}</p>`,
  );
}

/** A page that only explains: an expired sign-in, a refused form, a provider error. */
export function messagePage(text: PageText, serverName: string, heading: string, lines: readonly string[]): string {
  return page(
    text,
    heading,
    serverName,
    `<h1>${escapeHtml(heading)}</h1>
${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}`,
  );
}

export function expiredPage(text: PageText, serverName: string): string {
  return messagePage(text, serverName, text.t('expiredHeading'), [text.t('expiredBody'), text.t('startAgainInKeyway')]);
}

export interface DeviceCodeInputInput {
  text: PageText;
  serverName: string;
  action: string;
  xsrf: string;
  error?: string | undefined;
}

/** Device flow, step 1: field `user_code`, label "Code", button "Continue". */
export function deviceCodeInputPage(input: DeviceCodeInputInput): string {
  const { t, html } = input.text;
  return page(
    input.text,
    t('connectDevice'),
    input.serverName,
    `<h1>${html('connectDevice')}</h1>
<p>${html('connectDeviceBody')}</p>
${alert(input.error)}<form class="form" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="xsrf" value="${escapeHtml(input.xsrf)}">
<label for="user_code">${html('deviceCodeLabel')}</label>
<input id="user_code" name="user_code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus>
<button class="button" type="submit">${html('continue')}</button>
</form>`,
  );
}

export interface DeviceConfirmInput {
  text: PageText;
  serverName: string;
  clientName: string;
  action: string;
  xsrf: string;
  userCode: string;
}

/** Device flow, step 2: the code again, "Continue" (confirm=yes) or "Cancel" (abort=yes). */
export function deviceConfirmPage(input: DeviceConfirmInput): string {
  const { t, html } = input.text;
  return page(
    input.text,
    t('confirmCode'),
    input.serverName,
    `<h1>${html('confirmCode')}</h1>
<p>${html('confirmCodeBody', { client: escapeHtml(input.clientName) })}</p>
<p class="code" translate="no">${escapeHtml(input.userCode)}</p>
<form class="form" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="xsrf" value="${escapeHtml(input.xsrf)}">
<input type="hidden" name="user_code" value="${escapeHtml(input.userCode)}">
<input type="hidden" name="confirm" value="yes">
<button class="button" type="submit">${html('continue')}</button>
<button class="secondary" type="submit" name="abort" value="yes">${html('cancel')}</button>
</form>
<p class="muted">${html('confirmCodeNote')}</p>`,
  );
}

export function deviceSuccessPage(text: PageText, serverName: string, clientName: string): string {
  return messagePage(text, serverName, text.t('deviceSignedIn'), [
    text.t('deviceSignedInBody', { client: clientName }),
  ]);
}

/** The sign-in page's additions to the landing page's look. */
export const SIGN_IN_FORM_CSS = `
.form { display: grid; gap: 8px; margin: 16px 0; }
.form label { font-weight: 600; margin-top: 8px; }
.form input[type='text'], .form input[type='password'] {
  font: inherit;
  padding: 10px 12px;
  border: 1px solid var(--muted);
  border-radius: 8px;
  background: var(--card);
  color: var(--text);
}
.form input:focus-visible { outline: 3px solid var(--accent); outline-offset: 1px; }
.form .button { border: 0; font: inherit; font-weight: 600; cursor: pointer; margin-top: 16px; }
.form .secondary {
  font: inherit;
  background: none;
  border: 1px solid var(--muted);
  border-radius: 8px;
  padding: 10px 24px;
  color: var(--text);
  cursor: pointer;
}
.sso { margin: 16px 0 0; }
.sso .button { width: 100%; border: 0; font: inherit; font-weight: 600; cursor: pointer; }
.divider { text-align: center; margin: 16px 0 0; color: var(--muted); }
.error { color: #b3261e; font-weight: 600; }
@media (prefers-color-scheme: dark) { .error { color: #ffb4ab; } }
a { color: var(--accent); }
`;
