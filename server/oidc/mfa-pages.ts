import type { MfaChannel, MfaChannelOption } from '../../protocol/mfa';
import { escapeHtml } from '../http/escape-html';
import { passkeyForm } from '../mfa/passkeys-page';
import { messagePage, page } from './pages';

/**
 * The second step on the provider's pages. Each page has one h1, labelled fields, errors in
 * role=alert, no script and no inline style (the page CSP forbids both); the QR code is inline SVG
 * drawn on the server. Field names: `channel`, `code`; the code's label is always "6-digit code".
 */

interface Common {
  serverName: string;
  csrfToken: string;
  cancelUrl: string;
  error?: string | undefined;
}

export interface ChoicePageInput extends Common {
  action: string;
  options: readonly MfaChannelOption[];
  /** Offer "Set up an authenticator app" (policy enforces MFA and the user has none). */
  canEnroll: boolean;
}

/** "Choose how to verify": one button per way the user can take now. */
export function mfaChoicePage(input: ChoicePageInput): string {
  const buttons = [
    ...(input.canEnroll ? [choice('enroll', 'Set up an authenticator app (recommended)')] : []),
    ...input.options
      .filter((option) => option.available)
      .map((option) => choice(option.channel, choiceLabel(option.channel, option.hint))),
  ];
  const unavailable = input.options.filter((option) => !option.available && option.channel === 'sms');
  return page(
    `Verify it's you: ${input.serverName}`,
    input.serverName,
    `<h1>Verify it&#39;s you</h1>
<p>Your organization asks for a second step when you sign in. Choose how:</p>
${alert(input.error)}<form class="form choices" method="post" action="${escapeHtml(input.action)}">
${hidden('csrf', input.csrfToken)}
${buttons.join('\n')}
</form>
${unavailable.length > 0 ? '<p class="muted">Codes by text message need a phone number on your account; your IT department can add one.</p>\n' : ''}${cancel(input.cancelUrl)}`,
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
  const where =
    input.channel === 'totp'
      ? `Open your authenticator app and enter the 6-digit code it shows for ${escapeHtml(input.serverName)}.`
      : `Enter the 6-digit code we sent ${input.channel === 'email' ? 'by e-mail' : 'by text message'} to ${escapeHtml(input.hint)}. It works for ${input.codeMinutes} minutes.`;
  const resend =
    input.channel === 'totp'
      ? ''
      : `<form class="form" method="post" action="${escapeHtml(input.sendAction)}">
${hidden('csrf', input.csrfToken)}
${hidden('channel', input.purpose === 'enroll' ? 'enroll' : input.channel)}
<button class="secondary" type="submit">Send a new code</button>
</form>
<p class="muted">You can ask for a new code ${input.resendAfterSeconds} seconds after the last one; the new code replaces it.</p>
`;
  return page(
    `Enter your code: ${input.serverName}`,
    input.serverName,
    `<h1>Enter your code</h1>
${input.notice === undefined ? '' : `<p class="notice" role="status">${escapeHtml(input.notice)}</p>\n`}<p>${where}</p>
${alert(input.error)}${codeForm(input.verifyAction, input.csrfToken, input.channel, input.purpose === 'enroll' ? 'Continue' : 'Verify', input.purpose)}
${resend}${otherWays(input.otherWaysUrl)}${cancel(input.cancelUrl)}`,
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
  return page(
    `Set up an authenticator app: ${input.serverName}`,
    input.serverName,
    `<h1>Set up an authenticator app</h1>
<p>Your organization asks for a code from an authenticator app when you sign in.</p>
<ol>
<li>Open an authenticator app on your phone and add an account by scanning this QR code:
<figure class="qr" role="img" aria-label="QR code to add ${escapeHtml(input.serverName)} to an authenticator app">${input.qrSvg}</figure></li>
<li>Or enter this key in the app instead:
<p class="code" translate="no">${escapeHtml(input.groupedSecret)}</p></li>
<li>Enter the 6-digit code the app now shows.</li>
</ol>
${alert(input.error)}${codeForm(input.verifyAction, input.csrfToken, 'totp', 'Verify and finish')}
${otherWays(input.otherWaysUrl)}${cancel(input.cancelUrl)}`,
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
  const fallback =
    input.otherWaysUrl === undefined
      ? 'Ask your IT department for another way to verify.'
      : 'Verify another way below.';
  return page(
    `Use your passkey: ${input.serverName}`,
    input.serverName,
    `<h1>Use your passkey</h1>
<p>Press the button and follow your browser or device to confirm it is you with your passkey.</p>
${alert(input.error)}${passkeyForm({
      ceremony: 'get',
      options: input.options,
      action: input.action,
      hidden: { csrf: input.csrfToken },
      button: 'Use my passkey',
      fallback,
    })}
${otherWays(input.otherWaysUrl)}${cancel(input.cancelUrl)}`,
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
  return page(
    `Sign in with a passkey: ${input.serverName}`,
    input.serverName,
    `<h1>Sign in with a passkey</h1>
<p>Press the button and follow your browser or device: your passkey says who you are and confirms it with your PIN, fingerprint or face.</p>
${alert(input.error)}${passkeyForm({
      ceremony: 'get',
      options: input.options,
      action: input.action,
      hidden: { csrf: input.csrfToken },
      button: 'Sign in with a passkey',
      fallback: 'Sign in with your password instead.',
    })}
<p><a href="${escapeHtml(input.passwordUrl)}">Sign in with a password instead</a></p>
${cancel(input.cancelUrl)}`,
  );
}

/** Policy asks for a second step the user has no way to give. */
export function mfaUnavailablePage(serverName: string): string {
  return messagePage(serverName, 'You cannot finish signing in yet', [
    'Your organization asks for a second step when you sign in, but none is set up for your account.',
    'Ask your IT department to add a phone number or allow another way, then start signing in again.',
  ]);
}

function codeForm(
  action: string,
  csrf: string,
  channel: Exclude<MfaChannel, 'passkey'>,
  button: string,
  purpose?: 'enroll',
): string {
  return `<form class="form" method="post" action="${escapeHtml(action)}">
${hidden('csrf', csrf)}
${hidden('channel', channel)}${purpose === undefined ? '' : `\n${hidden('purpose', purpose)}`}
<label for="code">6-digit code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" spellcheck="false" required autofocus>
<button class="button" type="submit">${escapeHtml(button)}</button>
</form>`;
}

function choice(value: MfaChannel | 'enroll', label: string): string {
  return `<button class="choice" type="submit" name="channel" value="${value}">${escapeHtml(label)}</button>`;
}

function choiceLabel(channel: MfaChannel, hint: string): string {
  if (channel === 'totp') return 'Use my authenticator app';
  if (channel === 'passkey') return 'Use a passkey';
  return channel === 'email' ? `E-mail a code to ${hint}` : `Text a code to ${hint}`;
}

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

function alert(message: string | undefined): string {
  return message === undefined ? '' : `<p class="error" role="alert">${escapeHtml(message)}</p>\n`;
}

function otherWays(url: string | undefined): string {
  return url === undefined ? '' : `<p><a href="${escapeHtml(url)}">Verify another way</a></p>\n`;
}

function cancel(url: string): string {
  return `<p><a href="${escapeHtml(url)}">Cancel</a></p>`;
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
ol li { margin-bottom: 12px; }
`;
