import { formatExpiry } from '../mail/deployment-email';
import { escapeHtml } from '../http/escape-html';
import { htmlPage } from '../http/html-page';
import { DOWNLOADS_PATH } from '../landing/landing-page';
import { SIGN_IN_CSS_PATH } from '../oidc/pages';

/**
 * The account page (/account): the sign-in form and, once signed in, the self-deployment page with a
 * fresh deployment link (journey 3). No script; the QR code is inline SVG drawn on the server.
 */
export const ACCOUNT_PATH = '/account';

function page(title: string, serverName: string, body: string): string {
  return htmlPage({ title: `${title}: ${serverName}`, serverName, stylesheet: SIGN_IN_CSS_PATH, body });
}

function alert(message: string | undefined): string {
  return message === undefined ? '' : `<p class="error" role="alert">${escapeHtml(message)}</p>\n`;
}

export interface AccountSignInInput {
  serverName: string;
  csrfToken: string;
  login: string;
  error?: string | undefined;
}

/** Field names `login` and `password`, labels "E-mail or login ID" and "Password", as on the provider's page. */
export function accountSignInPage(input: AccountSignInInput): string {
  const focusLogin = input.login === '' ? ' autofocus' : '';
  const focusPassword = input.login === '' ? '' : ' autofocus';
  return page(
    'Sign in',
    input.serverName,
    `<h1>Sign in</h1>
<p>to your account, to set up Keyway on this computer or another device.</p>
${alert(input.error)}<form class="form" method="post" action="${ACCOUNT_PATH}/sign-in">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">
<label for="login">E-mail or login ID</label>
<input id="login" name="login" type="text" value="${escapeHtml(input.login)}" autocomplete="username" autocapitalize="none" spellcheck="false" required${focusLogin}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${focusPassword}>
<button class="button" type="submit">Sign in</button>
</form>`,
  );
}

export interface SelfDeploymentInput {
  serverName: string;
  displayName: string;
  loginId: string;
  code: string;
  deepLink: string;
  expiresAt: Date;
  /** Trusted markup from the qrcode package. */
  qrSvg: string;
  csrfToken: string;
  /** The passkeys section (account-passkeys.ts), when the policy allows passkeys. */
  passkeysHtml?: string | undefined;
}

export function selfDeploymentPage(input: SelfDeploymentInput): string {
  return page(
    'Set up Keyway',
    input.serverName,
    `<h1>Set up Keyway</h1>
<p>Signed in as <strong>${escapeHtml(input.displayName)}</strong> (${escapeHtml(input.loginId)}).</p>
<p>Open Keyway on this computer: it fills in everything for you, no e-mail needed.</p>
<p><a class="button" href="${escapeHtml(input.deepLink)}">Open Keyway</a></p>
<h2>Setting up another device?</h2>
<p>Scan this code with it to open Keyway there.</p>
<figure class="qr" role="img" aria-label="QR code of your Keyway link">${input.qrSvg}</figure>
<h2>Or enter this authentication code in Keyway</h2>
<p class="code" translate="no" data-testid="authentication-code">${escapeHtml(input.code)}</p>
<p class="muted">This link and code work once, until ${escapeHtml(formatExpiry(input.expiresAt))}. Do not share them: they set up your account. A new link replaces this one.</p>
<form class="form" method="get" action="${ACCOUNT_PATH}">
<button class="secondary" type="submit">Make a new link</button>
</form>
${input.passkeysHtml ?? ''}
<form class="form" method="post" action="${ACCOUNT_PATH}/sign-out">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">
<button class="secondary" type="submit">Sign out</button>
</form>
<p class="muted">Don&#39;t have Keyway yet? See the <a href="${DOWNLOADS_PATH}">downloads page</a> or ask your IT department.</p>`,
  );
}

/** A page that only explains (a refused form, too many links). */
export function accountMessagePage(serverName: string, heading: string, lines: readonly string[]): string {
  return page(
    heading,
    serverName,
    `<h1>${escapeHtml(heading)}</h1>
${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<p><a href="${ACCOUNT_PATH}">Back to your account</a></p>`,
  );
}
