import { formatExpiry } from '../mail/deployment-email';
import { escapeHtml } from '../http/escape-html';
import { htmlPage } from '../http/html-page';
import type { PageText } from '../http/page-messages';
import { DOWNLOADS_PATH } from '../landing/landing-page';
import { SIGN_IN_CSS_PATH } from '../oidc/pages';

/**
 * The account page (/account): the sign-in form and, once signed in, the self-deployment page with a
 * fresh deployment link (journey 3). No script; the QR code is inline SVG drawn on the server.
 */
export const ACCOUNT_PATH = '/account';

function page(text: PageText, title: string, serverName: string, body: string): string {
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

export interface AccountSignInInput {
  text: PageText;
  serverName: string;
  csrfToken: string;
  login: string;
  error?: string | undefined;
}

/** Field names `login` and `password`, labels "E-mail or login ID" and "Password", as on the provider's page. */
export function accountSignInPage(input: AccountSignInInput): string {
  const focusLogin = input.login === '' ? ' autofocus' : '';
  const focusPassword = input.login === '' ? '' : ' autofocus';
  const { t, html } = input.text;
  return page(
    input.text,
    t('signIn'),
    input.serverName,
    `<h1>${html('signIn')}</h1>
<p>${html('accountSignInIntro')}</p>
${alert(input.error)}<form class="form" method="post" action="${ACCOUNT_PATH}/sign-in">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">
<label for="login">${html('loginLabel')}</label>
<input id="login" name="login" type="text" value="${escapeHtml(input.login)}" autocomplete="username" autocapitalize="none" spellcheck="false" required${focusLogin}>
<label for="password">${html('passwordLabel')}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${focusPassword}>
<button class="button" type="submit">${html('signIn')}</button>
</form>`,
  );
}

export interface SelfDeploymentInput {
  text: PageText;
  serverName: string;
  displayName: string;
  loginId: string;
  code: string;
  deepLink: string;
  expiresAt: Date;
  /** Trusted markup from the qrcode package. */
  qrSvg: string;
  csrfToken: string;
  /** Unused recovery codes, or null without a set (then nothing is shown). */
  recoveryCodes?: { remaining: number } | null | undefined;
  /** The passkeys section (account-passkeys.ts), when the policy allows passkeys. */
  passkeysHtml?: string | undefined;
}

/** "Recovery codes": how many are left, and new ones after the password again. */
function recoveryCodesSection(
  { html }: PageText,
  csrfToken: string,
  status: { remaining: number } | null | undefined,
): string {
  if (!status) return '';
  const remaining =
    status.remaining === 1 ? html('recoveryRemainingOne') : html('recoveryRemaining', { count: status.remaining });
  return `<h2>${html('recoveryCodesHeading')}</h2>
<p>${remaining}</p>
<form class="form" method="post" action="${ACCOUNT_PATH}/recovery-codes">
<input type="hidden" name="csrf" value="${escapeHtml(csrfToken)}">
<label for="recovery-password">${html('yourPassword')}</label>
<input id="recovery-password" name="password" type="password" autocomplete="current-password" required>
<button class="secondary" type="submit">${html('getNewCodes')}</button>
</form>
`;
}

export function selfDeploymentPage(input: SelfDeploymentInput): string {
  const { t, html } = input.text;
  return page(
    input.text,
    t('setUpKeyway'),
    input.serverName,
    `<h1>${html('setUpKeyway')}</h1>
<p>${html('signedInAs', { name: `<strong>${escapeHtml(input.displayName)}</strong>`, loginId: escapeHtml(input.loginId) })}</p>
<p>${html('openOnThisComputer')}</p>
<p><a class="button" href="${escapeHtml(input.deepLink)}">${html('openKeyway')}</a></p>
<h2>${html('anotherDevice')}</h2>
<p>${html('scanIt')}</p>
<figure class="qr" role="img" aria-label="${html('accountQrLabel')}">${input.qrSvg}</figure>
<h2>${html('orEnterCode')}</h2>
<p class="code" translate="no" data-testid="authentication-code">${escapeHtml(input.code)}</p>
<p class="muted">${html('linkWorksOnce', { expiry: escapeHtml(formatExpiry(input.expiresAt)) })}</p>
<form class="form" method="get" action="${ACCOUNT_PATH}">
<button class="secondary" type="submit">${html('makeNewLink')}</button>
</form>
${input.passkeysHtml ?? ''}
${recoveryCodesSection(input.text, input.csrfToken, input.recoveryCodes)}<form class="form" method="post" action="${ACCOUNT_PATH}/sign-out">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">
<button class="secondary" type="submit">${html('signOut')}</button>
</form>
<p class="muted">${html('noKeywayYet', { link: `<a href="${DOWNLOADS_PATH}">${html('downloadsLink')}</a>` })}</p>`,
  );
}

/** A page that only explains (a refused form, too many links). */
export function accountMessagePage(
  text: PageText,
  serverName: string,
  heading: string,
  lines: readonly string[],
): string {
  return page(
    text,
    heading,
    serverName,
    `<h1>${escapeHtml(heading)}</h1>
${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<p><a href="${ACCOUNT_PATH}">${text.html('backToAccount')}</a></p>`,
  );
}
