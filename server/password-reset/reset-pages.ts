import { PASSWORD_RESET_PAGE_PATH } from '../../protocol/password-reset';
import { htmlPage } from '../http/html-page';
import { escapeHtml } from '../http/escape-html';
import { SIGN_IN_CSS_PATH } from '../oidc/pages';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../users/password-policy';
import type { LinkProblem } from './password-reset-service';

/**
 * The reset page and its answers. No script; the look is the sign-in pages' stylesheet. Field names:
 * `password` ("New password") and `confirm` ("New password again"); errors in role=alert.
 */

function page(title: string, serverName: string, body: string): string {
  return htmlPage({ title: `${title}: ${serverName}`, serverName, stylesheet: SIGN_IN_CSS_PATH, body });
}

export interface ResetFormInput {
  serverName: string;
  loginId: string;
  token: string;
  csrfToken: string;
  error?: string | undefined;
}

/** The rules, as the user reads them before typing (NIST SP 800-63B: length and a blocklist, no composition). */
const RULES = [
  `At least ${MIN_PASSWORD_LENGTH} characters (at most ${MAX_PASSWORD_LENGTH}). A few words together make a strong one.`,
  'Not a commonly used password.',
  'Not your login ID, e-mail address or one of your aliases, and not the product name.',
  'Not one character repeated or a plain sequence such as 12345678 or abcdefgh.',
];

export function resetFormPage(input: ResetFormInput): string {
  const alert = input.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.error)}</p>\n`;
  return page(
    'Choose a new password',
    input.serverName,
    `<h1>Choose a new password</h1>
<p>For <strong>${escapeHtml(input.loginId)}</strong>. You will be signed out everywhere; then sign in again in Keyway with the new password.</p>
<ul id="rules">
${RULES.map((rule) => `<li>${escapeHtml(rule)}</li>`).join('\n')}
</ul>
${alert}<form class="form" method="post" action="${PASSWORD_RESET_PAGE_PATH}">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">
<input type="hidden" name="token" value="${escapeHtml(input.token)}">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" maxlength="${MAX_PASSWORD_LENGTH}" aria-describedby="rules" required autofocus>
<label for="confirm">New password again</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" maxlength="${MAX_PASSWORD_LENGTH}" required>
<button class="button" type="submit">Change password</button>
</form>`,
  );
}

export function resetDonePage(serverName: string, loginId: string): string {
  return page(
    'Your password was changed',
    serverName,
    `<h1>Your password was changed</h1>
<p role="status">The password of <strong>${escapeHtml(loginId)}</strong> is changed and you were signed out everywhere.</p>
<p>Go back to Keyway and sign in with your new password. You can close this page.</p>`,
  );
}

const LINK_PROBLEMS: Record<LinkProblem, { heading: string; lines: string[] }> = {
  disabled: {
    heading: 'Password reset is turned off',
    lines: ['This server does not offer password reset (any more).', 'Ask your IT department for a new password.'],
  },
  unknown: {
    heading: 'This link does not work',
    lines: [
      'The link is incomplete or not from this server.',
      'Open it again exactly as it is in the e-mail, or ask for a new one in Keyway (Forgot your password?).',
    ],
  },
  expired: {
    heading: 'This link has expired',
    lines: ['Reset links work for a short time only.', 'Ask for a new one in Keyway (Forgot your password?).'],
  },
  used: {
    heading: 'This link was already used',
    lines: [
      'Each reset link works once, and asking for a new link or changing the password ends the older ones.',
      'If you did not change your password yourself, ask for a new link in Keyway and tell your IT department.',
    ],
  },
};

export function linkProblemPage(serverName: string, problem: LinkProblem): string {
  const { heading, lines } = LINK_PROBLEMS[problem];
  return page(
    heading,
    serverName,
    `<h1>${escapeHtml(heading)}</h1>
${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}`,
  );
}

export function refusedFormPage(serverName: string): string {
  return page(
    'This form was not accepted',
    serverName,
    `<h1>This form was not accepted</h1>
<p>It did not come from this page, or the page is out of date.</p>
<p>Open the link from the e-mail again.</p>`,
  );
}
