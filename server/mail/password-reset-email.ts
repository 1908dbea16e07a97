import type { MailMessage } from './mail-delivery';
import { escapeHtml } from '../http/escape-html';
import { mailDocument } from './html';

export interface PasswordResetEmailInput {
  to: string;
  displayName: string;
  loginId: string;
  serverName: string;
  /** The server's reset page with the link's token. */
  resetUrl: string;
  minutes: number;
}

/**
 * The forgot-password e-mail: one link to the server's reset page. The subject carries no link, and the
 * body says what to do when the user did not ask for it (nothing changes until the link is used).
 */
export function passwordResetEmail(input: PasswordResetEmailInput): MailMessage {
  const subject = `Reset your password for ${input.serverName}`;
  const text = [
    `Hello ${input.displayName},`,
    '',
    `someone (we hope you) asked to reset the password of ${input.loginId} on ${input.serverName}.`,
    'Open this link to choose a new password:',
    '',
    `  ${input.resetUrl}`,
    '',
    `The link works once, for ${input.minutes} minutes. Choosing a new password signs you out everywhere;`,
    'then sign in again in Keyway with the new password.',
    '',
    'If you did not ask for this, ignore this e-mail: your password stays as it is. Tell your IT department',
    'if it happens again.',
    '',
  ].join('\n');
  const html = mailDocument(
    subject,
    `<p>Hello ${escapeHtml(input.displayName)},</p>
<p>someone (we hope you) asked to reset the password of <strong>${escapeHtml(input.loginId)}</strong> on <strong>${escapeHtml(input.serverName)}</strong>.</p>
<p><a href="${escapeHtml(input.resetUrl)}" style="display:inline-block;background:#2455c3;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:600">Choose a new password</a></p>
<p style="font-size:13px;word-break:break-all">${escapeHtml(input.resetUrl)}</p>
<p>The link works once, for ${input.minutes} minutes. Choosing a new password signs you out everywhere; then sign in again in Keyway with the new password.</p>
<p style="color:#5b6475;font-size:13px">If you did not ask for this, ignore this e-mail: your password stays as it is. Tell your IT department if it happens again.</p>`,
  );
  return { to: input.to, subject, text, html, kind: 'password-reset' };
}
