import { escapeHtml } from '../mail/html';
import { htmlPage } from '../http/html-page';

export const SIGN_IN_CSS_PATH = '/assets/sign-in.css';

/**
 * The CSP of every page the OpenID Provider serves: no inline style or script (the stylesheet is a
 * static path). There is no form-action: browsers apply it to the redirects after a submit too, and
 * the sign-in form's last redirect goes to the app's loopback port or custom scheme, which a source
 * list cannot name exactly. Every value on the pages is escaped instead.
 */
export const SIGN_IN_PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

export function page(title: string, serverName: string, body: string): string {
  return htmlPage({ title, serverName, stylesheet: SIGN_IN_CSS_PATH, body });
}

function alert(message: string | undefined): string {
  return message === undefined ? '' : `<p class="error" role="alert">${escapeHtml(message)}</p>\n`;
}

export interface SignInPageInput {
  serverName: string;
  /** Who asks: "Keyway". */
  clientName: string;
  action: string;
  cancelUrl: string;
  csrfToken: string;
  /** Pre-filled from login_hint, or what was typed before an error. */
  login: string;
  error?: string | undefined;
}

/** The sign-in form: field names `login` and `password`, labels "E-mail or login ID" and "Password". */
export function signInPage(input: SignInPageInput): string {
  const focusLogin = input.login === '' ? ' autofocus' : '';
  const focusPassword = input.login === '' ? '' : ' autofocus';
  return page(
    `Sign in: ${input.serverName}`,
    input.serverName,
    `<h1>Sign in</h1>
<p>to continue to ${escapeHtml(input.clientName)}</p>
${alert(input.error)}<form class="form" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">
<label for="login">E-mail or login ID</label>
<input id="login" name="login" type="text" value="${escapeHtml(input.login)}" autocomplete="username" autocapitalize="none" spellcheck="false" required${focusLogin}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${focusPassword}>
<button class="button" type="submit">Sign in</button>
</form>
<p><a href="${escapeHtml(input.cancelUrl)}">Cancel</a></p>`,
  );
}

/** A page that only explains: an expired sign-in, a refused form, a provider error. */
export function messagePage(serverName: string, heading: string, lines: readonly string[]): string {
  return page(
    `${heading}: ${serverName}`,
    serverName,
    `<h1>${escapeHtml(heading)}</h1>
${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}`,
  );
}

export function expiredPage(serverName: string): string {
  return messagePage(serverName, 'This sign-in has expired', [
    'Sign-in pages work for ten minutes and only once.',
    'Go back to Keyway and start signing in again.',
  ]);
}

export interface DeviceCodeInputInput {
  serverName: string;
  action: string;
  xsrf: string;
  error?: string | undefined;
}

/** Device flow, step 1: field `user_code`, label "Code", button "Continue". */
export function deviceCodeInputPage(input: DeviceCodeInputInput): string {
  return page(
    `Connect a device: ${input.serverName}`,
    input.serverName,
    `<h1>Connect a device</h1>
<p>Enter the code that Keyway shows on the device you are signing in on.</p>
${alert(input.error)}<form class="form" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="xsrf" value="${escapeHtml(input.xsrf)}">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus>
<button class="button" type="submit">Continue</button>
</form>`,
  );
}

export interface DeviceConfirmInput {
  serverName: string;
  clientName: string;
  action: string;
  xsrf: string;
  userCode: string;
}

/** Device flow, step 2: the code again, "Continue" (confirm=yes) or "Cancel" (abort=yes). */
export function deviceConfirmPage(input: DeviceConfirmInput): string {
  return page(
    `Confirm the code: ${input.serverName}`,
    input.serverName,
    `<h1>Confirm the code</h1>
<p>${escapeHtml(input.clientName)} on another device asks to sign in. Continue only if it shows this code:</p>
<p class="code" translate="no">${escapeHtml(input.userCode)}</p>
<form class="form" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="xsrf" value="${escapeHtml(input.xsrf)}">
<input type="hidden" name="user_code" value="${escapeHtml(input.userCode)}">
<input type="hidden" name="confirm" value="yes">
<button class="button" type="submit">Continue</button>
<button class="secondary" type="submit" name="abort" value="yes">Cancel</button>
</form>
<p class="muted">If you did not start this, or the code differs, press Cancel.</p>`,
  );
}

export function deviceSuccessPage(serverName: string, clientName: string): string {
  return messagePage(serverName, 'You are signed in', [
    `${clientName} on your other device is signing in now. You can close this page.`,
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
.error { color: #b3261e; font-weight: 600; }
@media (prefers-color-scheme: dark) { .error { color: #ffb4ab; } }
a { color: var(--accent); }
`;
