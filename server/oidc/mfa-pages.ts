import type { MfaChannel, MfaChannelOption } from '../../protocol/mfa';
import { escapeHtml } from '../http/escape-html';
import type { PageText } from '../http/page-messages';
import { passkeyForm } from '../mfa/passkeys-page';
import { messagePage, page } from './pages';

/**
 * The second step on the provider's pages. Each page has one h1, labelled fields, errors in
 * role=alert, no script and no inline style (the page CSP forbids both); the QR code is inline SVG
 * drawn on the server. Field names: `channel`, `code`; the code's label is "6-digit code" (in English;
 * every text is in server/http/page-messages.ts, in the page's language).
 */

interface Common {
  text: PageText;
  serverName: string;
  csrfToken: string;
  cancelUrl: string;
  error?: string | undefined;
  /** "Use a recovery code", when the user has unused recovery codes. */
  recoveryUrl?: string | undefined;
}

export interface ChoicePageInput extends Common {
  action: string;
  options: readonly MfaChannelOption[];
  /** Offer "Set up an authenticator app" (policy enforces MFA and the user has none). */
  canEnroll: boolean;
}

/** "Choose how to verify": one button per way the user can take now. */
export function mfaChoicePage(input: ChoicePageInput): string {
  const { t, html } = input.text;
  const buttons = [
    ...(input.canEnroll ? [choice('enroll', t('enrollChoice'))] : []),
    ...input.options
      .filter((option) => option.available)
      .map((option) => choice(option.channel, choiceLabel(input.text, option.channel, option.hint))),
  ];
  const unavailable = input.options.filter((option) => !option.available && option.channel === 'sms');
  return page(
    input.text,
    t('verifyTitle'),
    input.serverName,
    `<h1>${html('verifyTitle')}</h1>
<p>${html('verifyIntro')}</p>
${alert(input.error)}<form class="form choices" method="post" action="${escapeHtml(input.action)}">
${hidden('csrf', input.csrfToken)}
${buttons.join('\n')}
</form>
${unavailable.length > 0 ? `<p class="muted">${html('smsNeedsPhone')}</p>\n` : ''}${recoveryLink(input.text, input.recoveryUrl)}${cancel(input.text, input.cancelUrl)}`,
  );
}

export interface CodePageInput extends Common {
  channel: Exclude<MfaChannel, 'passkey'>;
  /** Where the code went (masked), for e-mail and SMS. */
  hint: string;
  verifyAction: string;
  sendAction: string;
  /** "We sent a code to …", after a send. */
  notice?: string | undefined;
  resendAfterSeconds: number;
  codeMinutes: number;
  /** The choice page, when the user has another way. */
  otherWaysUrl?: string | undefined;
  /** 'enroll': the code only proves it is the user before they set up an authenticator app. */
  purpose?: 'enroll' | undefined;
}

/** "Enter your code", with Resend for e-mail and SMS. */
export function mfaCodePage(input: CodePageInput): string {
  const { t, html } = input.text;
  const where =
    input.channel === 'totp'
      ? html('codeWhereTotp', { server: escapeHtml(input.serverName) })
      : html(input.channel === 'email' ? 'codeWhereEmail' : 'codeWhereSms', {
          hint: escapeHtml(input.hint),
          minutes: input.codeMinutes,
        });
  const resend =
    input.channel === 'totp'
      ? ''
      : `<form class="form" method="post" action="${escapeHtml(input.sendAction)}">
${hidden('csrf', input.csrfToken)}
${hidden('channel', input.purpose === 'enroll' ? 'enroll' : input.channel)}
<button class="secondary" type="submit">${html('sendNewCode')}</button>
</form>
<p class="muted">${html('resendNote', { seconds: input.resendAfterSeconds })}</p>
`;
  return page(
    input.text,
    t('codeTitle'),
    input.serverName,
    `<h1>${html('codeTitle')}</h1>
${input.notice === undefined ? '' : `<p class="notice" role="status">${escapeHtml(input.notice)}</p>\n`}<p>${where}</p>
${alert(input.error)}${codeForm(input.text, input.verifyAction, input.csrfToken, input.channel, t(input.purpose === 'enroll' ? 'continue' : 'verify'), input.purpose)}
${resend}${otherWays(input.text, input.otherWaysUrl)}${recoveryLink(input.text, input.recoveryUrl)}${cancel(input.text, input.cancelUrl)}`,
  );
}

export interface EnrollPageInput extends Common {
  verifyAction: string;
  /** Trusted markup from the qrcode package. */
  qrSvg: string;
  /** The secret grouped by four, for typing it in. */
  groupedSecret: string;
  otherWaysUrl?: string | undefined;
}

/** "Set up an authenticator app": QR code, the key to type instead, and the first code. */
export function mfaEnrollPage(input: EnrollPageInput): string {
  const { t, html } = input.text;
  return page(
    input.text,
    t('enrollTitle'),
    input.serverName,
    `<h1>${html('enrollTitle')}</h1>
<p>${html('enrollIntro')}</p>
<ol>
<li>${html('enrollScan')}
<figure class="qr" role="img" aria-label="${html('enrollQrLabel', { server: escapeHtml(input.serverName) })}">${input.qrSvg}</figure></li>
<li>${html('enrollKey')}
<p class="code" translate="no">${escapeHtml(input.groupedSecret)}</p></li>
<li>${html('enrollCode')}</li>
</ol>
${alert(input.error)}${codeForm(input.text, input.verifyAction, input.csrfToken, 'totp', t('verifyAndFinish'))}
${otherWays(input.text, input.otherWaysUrl)}${cancel(input.text, input.cancelUrl)}`,
  );
}

export interface PasskeyStepPageInput extends Common {
  /** The ceremony's options (@simplewebauthn/server), for the page script. */
  options: unknown;
  action: string;
  otherWaysUrl?: string | undefined;
}

/**
 * "Use your passkey": the one page with a script (the server's /assets/passkey.js, CSP script-src
 * 'self'; passkeys-page.ts). Without JavaScript or WebAuthn it says so and links the other ways.
 */
export function mfaPasskeyPage(input: PasskeyStepPageInput): string {
  const { t, html } = input.text;
  const fallback = t(input.otherWaysUrl === undefined ? 'passkeyFallbackAskIt' : 'passkeyFallbackBelow');
  return page(
    input.text,
    t('passkeyTitle'),
    input.serverName,
    `<h1>${html('passkeyTitle')}</h1>
<p>${html('passkeyIntro')}</p>
${alert(input.error)}${passkeyForm({
      text: input.text,
      ceremony: 'get',
      options: input.options,
      action: input.action,
      hidden: { csrf: input.csrfToken },
      button: t('useMyPasskey'),
      fallback,
    })}
${otherWays(input.text, input.otherWaysUrl)}${cancel(input.text, input.cancelUrl)}`,
  );
}

export interface PasswordlessPageInput extends Common {
  options: unknown;
  action: string;
  /** Back to the sign-in form. */
  passwordUrl: string;
}

/** "Sign in with a passkey" (passwordless): a discoverable passkey, user verification required. */
export function passwordlessPage(input: PasswordlessPageInput): string {
  const { t, html } = input.text;
  return page(
    input.text,
    t('signInWithPasskey'),
    input.serverName,
    `<h1>${html('signInWithPasskey')}</h1>
<p>${html('passwordlessIntro')}</p>
${alert(input.error)}${passkeyForm({
      text: input.text,
      ceremony: 'get',
      options: input.options,
      action: input.action,
      hidden: { csrf: input.csrfToken },
      button: t('signInWithPasskey'),
      fallback: t('passwordlessFallback'),
    })}
<p><a href="${escapeHtml(input.passwordUrl)}">${html('signInWithPassword')}</a></p>
${cancel(input.text, input.cancelUrl)}`,
  );
}

export interface RecoveryPageInput extends Common {
  action: string;
  /** Back to the usual ways (the choice, or the only code page). */
  otherWaysUrl: string;
}

/** "Use a recovery code": one of the single-use codes saved when the second factor was set up. */
export function mfaRecoveryPage(input: RecoveryPageInput): string {
  const { t, html } = input.text;
  return page(
    input.text,
    t('useRecoveryCode'),
    input.serverName,
    `<h1>${html('useRecoveryCode')}</h1>
<p>${html('recoveryIntro')}</p>
${alert(input.error)}<form class="form" method="post" action="${escapeHtml(input.action)}">
${hidden('csrf', input.csrfToken)}
<label for="recoveryCode">${html('recoveryLabel')}</label>
<input id="recoveryCode" name="recoveryCode" type="text" autocomplete="off" autocapitalize="none" maxlength="40" spellcheck="false" required autofocus>
<button class="button" type="submit">${html('verify')}</button>
</form>
<p><a href="${escapeHtml(input.otherWaysUrl)}">${html('verifyAnotherWay')}</a></p>
${cancel(input.text, input.cancelUrl)}`,
  );
}

/** The new recovery codes, shown once after a first second factor, then on to `continueUrl`. */
export function mfaRecoveryCodesPage(input: {
  text: PageText;
  serverName: string;
  codes: readonly string[];
  continueUrl: string;
}): string {
  const { t, html } = input.text;
  return page(
    input.text,
    t('codesTitle'),
    input.serverName,
    `<h1>${html('codesTitle')}</h1>
<p>${html('codesIntro')}</p>
<ul class="codes" aria-label="${html('codesListLabel')}" translate="no">
${input.codes.map((code) => `<li class="code">${escapeHtml(code)}</li>`).join('\n')}
</ul>
<p><a class="button" href="${escapeHtml(input.continueUrl)}">${html('codesContinue')}</a></p>`,
  );
}

/** Policy asks for a second step the user has no way to give. */
export function mfaUnavailablePage(text: PageText, serverName: string): string {
  return messagePage(text, serverName, text.t('unavailableHeading'), [
    text.t('unavailableBody'),
    text.t('unavailableNext'),
  ]);
}

function codeForm(
  text: PageText,
  action: string,
  csrf: string,
  channel: Exclude<MfaChannel, 'passkey'>,
  button: string,
  purpose?: 'enroll',
): string {
  return `<form class="form" method="post" action="${escapeHtml(action)}">
${hidden('csrf', csrf)}
${hidden('channel', channel)}${purpose === undefined ? '' : `\n${hidden('purpose', purpose)}`}
<label for="code">${text.html('sixDigitCode')}</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" spellcheck="false" required autofocus>
<button class="button" type="submit">${escapeHtml(button)}</button>
</form>`;
}

function choice(value: MfaChannel | 'enroll', label: string): string {
  return `<button class="choice" type="submit" name="channel" value="${value}">${escapeHtml(label)}</button>`;
}

function choiceLabel({ t }: PageText, channel: MfaChannel, hint: string): string {
  if (channel === 'totp') return t('choiceTotp');
  if (channel === 'passkey') return t('choicePasskey');
  return t(channel === 'email' ? 'choiceEmail' : 'choiceSms', { hint });
}

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

function alert(message: string | undefined): string {
  return message === undefined ? '' : `<p class="error" role="alert">${escapeHtml(message)}</p>\n`;
}

function otherWays(text: PageText, url: string | undefined): string {
  return url === undefined ? '' : `<p><a href="${escapeHtml(url)}">${text.html('verifyAnotherWay')}</a></p>\n`;
}

function recoveryLink(text: PageText, url: string | undefined): string {
  return url === undefined ? '' : `<p><a href="${escapeHtml(url)}">${text.html('useRecoveryCode')}</a></p>\n`;
}

function cancel(text: PageText, url: string): string {
  return `<p><a href="${escapeHtml(url)}">${text.html('cancel')}</a></p>`;
}

/** The second step's additions to the sign-in page's look. */
export const MFA_PAGE_CSS = `
.choices .choice {
  font: inherit;
  text-align: left;
  background: var(--card);
  color: var(--text);
  border: 1px solid var(--muted);
  border-radius: 8px;
  padding: 12px 16px;
  cursor: pointer;
}
.choices .choice:focus-visible { outline: 3px solid var(--accent); outline-offset: 1px; }
.notice { font-weight: 600; }
ol { padding-left: 20px; }
.codes { list-style: none; padding: 0; columns: 2; }
ol li { margin-bottom: 12px; }
`;
