import type { PasskeySummary } from '../../protocol/mfa';
import { escapeHtml } from '../http/escape-html';
import { htmlPage } from '../http/html-page';
import type { PageText } from '../http/page-messages';
import { passkeyForm } from '../mfa/passkeys-page';
import { SIGN_IN_CSS_PATH } from '../oidc/pages';

/**
 * The account page's passkeys (issue 17): the list with created, last used and the authenticator's name
 * when known; rename; remove and add, both after the password again (the user is e-mailed). The list and
 * its forms need no script; only the "add" ceremony page runs the server's /assets/passkey.js.
 */
export const ACCOUNT_PASSKEYS_PATH = '/account/passkeys';

function when(text: PageText, ms: number | null): string {
  return ms === null ? text.t('never') : new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function passkeysSection(input: {
  text: PageText;
  passkeys: readonly PasskeySummary[];
  csrfToken: string;
}): string {
  const { html } = input.text;
  const csrf = `<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">`;
  const rows = input.passkeys.map((passkey, index) => {
    const id = encodeURIComponent(passkey.id);
    const name = escapeHtml(passkey.name);
    return `<li>
<p><strong>${escapeHtml(passkey.name)}</strong>${passkey.authenticator === null ? '' : ` (${escapeHtml(passkey.authenticator)})`}<br>
<span class="muted">${html('addedLastUsed', { created: escapeHtml(when(input.text, passkey.createdAt)), used: escapeHtml(when(input.text, passkey.lastUsedAt)) })}</span></p>
<form class="form" method="post" action="${ACCOUNT_PASSKEYS_PATH}/${id}/rename">
${csrf}
<label for="rename-${index}">${html('newNameFor', { name })}</label>
<input id="rename-${index}" name="name" type="text" maxlength="100" required>
<button class="secondary" type="submit">${html('rename')}</button>
</form>
<form class="form" method="post" action="${ACCOUNT_PASSKEYS_PATH}/${id}/remove">
${csrf}
<label for="remove-${index}">${html('passwordToRemove', { name })}</label>
<input id="remove-${index}" name="password" type="password" autocomplete="current-password" required>
<button class="secondary" type="submit">${html('remove')}</button>
</form>
</li>`;
  });
  return `<h2>${html('passkeysHeading')}</h2>
${rows.length === 0 ? `<p>${html('noPasskeyYet')}</p>` : `<ul class="passkeys">\n${rows.join('\n')}\n</ul>`}
<form class="form" method="post" action="${ACCOUNT_PASSKEYS_PATH}/add">
${csrf}
<label for="passkey-name">${html('newPasskeyName')}</label>
<input id="passkey-name" name="name" type="text" maxlength="100" placeholder="${html('passkeyNameExample')}">
<label for="passkey-password">${html('yourPassword')}</label>
<input id="passkey-password" name="password" type="password" autocomplete="current-password" required>
<button class="secondary" type="submit">${html('addPasskey')}</button>
</form>`;
}

/** The ceremony page of "Add a passkey" (after the password was checked). */
export function addPasskeyPage(input: {
  text: PageText;
  serverName: string;
  csrfToken: string;
  name: string;
  options: unknown;
  error?: string | undefined;
}): string {
  const { t, html } = input.text;
  const alert = input.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.error)}</p>\n`;
  return htmlPage({
    lang: input.text.lang,
    title: t('pageTitle', { title: t('addPasskey'), server: input.serverName }),
    serverName: input.serverName,
    stylesheet: SIGN_IN_CSS_PATH,
    body: `<h1>${html('addPasskey')}</h1>
<p>${html('addPasskeyIntro', { name: escapeHtml(input.name) })}</p>
${alert}${passkeyForm({
      text: input.text,
      ceremony: 'create',
      options: input.options,
      action: `${ACCOUNT_PASSKEYS_PATH}/register`,
      hidden: { csrf: input.csrfToken, name: input.name },
      button: t('createPasskey'),
      fallback: t('addPasskeyFallback'),
    })}
<p><a href="/account">${html('backToAccount')}</a></p>`,
  });
}
