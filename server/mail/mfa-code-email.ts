import type { MailMessage } from './mail-delivery';
import { escapeHtml } from '../http/escape-html';
import { codeBlock, mailDocument } from './html';

export interface MfaCodeEmailInput {
  to: string;
  displayName: string;
  serverName: string;
  code: string;
  minutes: number;
}

/**
 * A sign-in code by e-mail. The subject carries no code, so it does not show on a locked screen's
 * notification; the body says what to do if the user did not just sign in.
 */
export function mfaCodeEmail(input: MfaCodeEmailInput): MailMessage {
  const subject = `Your sign-in code for ${input.serverName}`;
  const text = [
    `Hello ${input.displayName},`,
    '',
    `your code to finish signing in to ${input.serverName} is:`,
    '',
    `  ${input.code}`,
    '',
    `Enter it in Keyway within ${input.minutes} minutes. It works once; asking for a new code replaces it.`,
    '',
    'If you did not just sign in, someone may know your password: do not share this code, change your',
    'password and tell your IT department.',
    '',
  ].join('\n');
  const html = mailDocument(
    subject,
    `<p>Hello ${escapeHtml(input.displayName)},</p>
<p>your code to finish signing in to <strong>${escapeHtml(input.serverName)}</strong> is:</p>
${codeBlock(input.code)}
<p>Enter it in Keyway within ${input.minutes} minutes. It works once; asking for a new code replaces it.</p>
<p style="color:#5b6475;font-size:13px">If you did not just sign in, someone may know your password: do not share this code, change your password and tell your IT department.</p>`,
  );
  return { to: input.to, subject, text, html, kind: 'mfa-code' };
}
