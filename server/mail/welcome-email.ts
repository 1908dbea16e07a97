import type { MailMessage } from './mail-delivery';
import { escapeHtml } from '../http/escape-html';
import { codeBlock, mailDocument } from './html';

export interface WelcomeEmailInput {
  to: string;
  displayName: string;
  loginId: string;
  serverName: string;
  password: string;
}

/**
 * The initial password travels in its own e-mail, apart from the deployment code, so that one
 * intercepted or forwarded message is not enough to take over the account.
 */
export function welcomeEmail(input: WelcomeEmailInput): MailMessage {
  const subject = `Welcome to ${input.serverName}: your Keyway password`;
  const text = [
    `Hello ${input.displayName},`,
    '',
    `welcome to ${input.serverName}. Your account is ready.`,
    '',
    `  Login ID: ${input.loginId}`,
    `  Password: ${input.password}`,
    '',
    'Keyway asks for this password when you set it up from your deployment e-mail, which arrives',
    'separately. Keep this password to yourself; your IT department will never ask for it.',
    '',
  ].join('\n');
  const html = mailDocument(
    subject,
    `<p>Hello ${escapeHtml(input.displayName)},</p>
<p>welcome to <strong>${escapeHtml(input.serverName)}</strong>. Your account is ready.</p>
<p>Login ID: <strong>${escapeHtml(input.loginId)}</strong><br>Password:</p>
${codeBlock(input.password)}
<p>Keyway asks for this password when you set it up from your deployment e-mail, which arrives separately.
Keep this password to yourself; your IT department will never ask for it.</p>`,
  );
  return { to: input.to, subject, text, html, kind: 'welcome' };
}
