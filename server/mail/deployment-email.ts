import type { MailMessage } from './mail-delivery';
import { escapeHtml } from '../http/escape-html';
import { codeBlock, mailDocument } from './html';

export interface DeploymentEmailInput {
  to: string;
  displayName: string;
  serverName: string;
  /** The https (or loopback http) landing page link. */
  landingUrl: string;
  code: string;
  expiresAt: Date;
}

/** The e-mail that starts journeys 1 and 2: a link that opens Keyway, and the code to paste instead. */
export function deploymentEmail(input: DeploymentEmailInput): MailMessage {
  const expires = formatExpiry(input.expiresAt);
  const subject = `Set up Keyway for ${input.serverName}`;
  const text = [
    `Hello ${input.displayName},`,
    '',
    `your IT department has set up Keyway for you on ${input.serverName}.`,
    '',
    'On the computer where you want to use Keyway, open this link. It opens Keyway and fills in',
    'everything for you:',
    '',
    `  ${input.landingUrl}`,
    '',
    'Or open Keyway and enter this authentication code:',
    '',
    `  ${input.code}`,
    '',
    'What happens next:',
    '  1. Keyway shows the server it is about to trust. Check that it is your organization.',
    '  2. Read and accept the license agreement.',
    '  3. Enter the password from your welcome e-mail.',
    '',
    `The link and the code work once and expire on ${expires}. Do not forward this e-mail.`,
    "Don't have Keyway yet? Open the link anyway: the page tells you where to get it.",
    '',
    'If you did not expect this e-mail, ignore it and tell your IT department.',
    '',
  ].join('\n');
  const html = mailDocument(
    subject,
    `<p>Hello ${escapeHtml(input.displayName)},</p>
<p>your IT department has set up Keyway for you on <strong>${escapeHtml(input.serverName)}</strong>.</p>
<p>On the computer where you want to use Keyway, open this link. It opens Keyway and fills in everything for you:</p>
<p><a href="${escapeHtml(input.landingUrl)}" style="display:inline-block;background:#2455c3;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:600">Set up Keyway</a></p>
<p style="font-size:13px;word-break:break-all">${escapeHtml(input.landingUrl)}</p>
<p>Or open Keyway and enter this authentication code:</p>
${codeBlock(input.code)}
<p>What happens next:</p>
<ol>
<li>Keyway shows the server it is about to trust. Check that it is your organization.</li>
<li>Read and accept the license agreement.</li>
<li>Enter the password from your welcome e-mail.</li>
</ol>
<p>The link and the code work once and expire on ${escapeHtml(expires)}. Do not forward this e-mail.</p>
<p>Don&#39;t have Keyway yet? Open the link anyway: the page tells you where to get it.</p>
<p style="color:#5b6475;font-size:13px">If you did not expect this e-mail, ignore it and tell your IT department.</p>`,
  );
  return { to: input.to, subject, text, html, kind: 'deployment' };
}

export function formatExpiry(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
