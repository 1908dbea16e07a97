import { PASSWORD_RESET_PAGE_PATH } from '../../protocol/password-reset';
import { htmlPage } from '../http/html-page';
import { escapeHtml } from '../http/escape-html';
import type { PageMessageKey, PageText } from '../http/page-messages';
import { SIGN_IN_CSS_PATH } from '../oidc/pages';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../users/password-policy';
import type { LinkProblem } from './password-reset-service';

/**
 * The reset page and its answers. No script; the look is the sign-in pages' stylesheet. Field names:
 * `password` ("New password") and `confirm` ("New password again"); errors in role=alert.
 */

function page(text: PageText, title: string, serverName: string, body: string): string {
  return htmlPage({
    lang: text.lang,
    title: text.t('pageTitle', { title, server: serverName }),
    serverName,
    stylesheet: SIGN_IN_CSS_PATH,
    body,
  });
}

export interface ResetFormInput {
  text: PageText;
  serverName: string;
  loginId: string;
  token: string;
  csrfToken: string;
  error?: string | undefined;
}

/** The rules, as the user reads them before typing (NIST SP 800-63B: length and a blocklist, no composition). */
function rules({ t }: PageText): string[] {
  return [
    t('ruleLength', { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH }),
    t('ruleCommon'),
    t('ruleNames'),
    t('ruleSequence'),
  ];
}

export function resetFormPage(input: ResetFormInput): string {
  const { t, html } = input.text;
  const alert = input.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.error)}</p>\n`;
  return page(
    input.text,
    t('resetTitle'),
    input.serverName,
    `<h1>${html('resetTitle')}</h1>
<p>${html('resetFor', { loginId: `<strong>${escapeHtml(input.loginId)}</strong>` })}</p>
<ul id="rules">
${rules(input.text)
  .map((rule) => `<li>${escapeHtml(rule)}</li>`)
  .join('\n')}
</ul>
${alert}<form class="form" method="post" action="${PASSWORD_RESET_PAGE_PATH}">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">
<input type="hidden" name="token" value="${escapeHtml(input.token)}">
<label for="password">${html('newPassword')}</label>
<input id="password" name="password" type="password" autocomplete="new-password" maxlength="${MAX_PASSWORD_LENGTH}" aria-describedby="rules" required autofocus>
<label for="confirm">${html('newPasswordAgain')}</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" maxlength="${MAX_PASSWORD_LENGTH}" required>
<button class="button" type="submit">${html('changePassword')}</button>
</form>`,
  );
}

export function resetDonePage(text: PageText, serverName: string, loginId: string): string {
  const { t, html } = text;
  return page(
    text,
    t('resetDoneTitle'),
    serverName,
    `<h1>${html('resetDoneTitle')}</h1>
<p role="status">${html('resetDoneStatus', { loginId: `<strong>${escapeHtml(loginId)}</strong>` })}</p>
<p>${html('resetDoneNext')}</p>`,
  );
}

const LINK_PROBLEMS: Record<LinkProblem, { heading: PageMessageKey; lines: PageMessageKey[] }> = {
  disabled: { heading: 'resetOffHeading', lines: ['resetOffBody', 'resetOffNext'] },
  unknown: { heading: 'linkUnknownHeading', lines: ['linkUnknownBody', 'linkUnknownNext'] },
  expired: { heading: 'linkExpiredHeading', lines: ['linkExpiredBody', 'linkExpiredNext'] },
  used: { heading: 'linkUsedHeading', lines: ['linkUsedBody', 'linkUsedNext'] },
  locked: { heading: 'linkLockedHeading', lines: ['linkLockedBody', 'linkLockedNext'] },
};

export function linkProblemPage(text: PageText, serverName: string, problem: LinkProblem): string {
  const { heading, lines } = LINK_PROBLEMS[problem];
  return page(
    text,
    text.t(heading),
    serverName,
    `<h1>${text.html(heading)}</h1>
${lines.map((line) => `<p>${text.html(line)}</p>`).join('\n')}`,
  );
}

export function refusedFormPage(text: PageText, serverName: string): string {
  const { t, html } = text;
  return page(
    text,
    t('formRefusedHeading'),
    serverName,
    `<h1>${html('formRefusedHeading')}</h1>
<p>${html('formRefusedPage')}</p>
<p>${html('openLinkAgain')}</p>`,
  );
}
