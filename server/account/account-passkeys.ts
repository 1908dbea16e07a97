import type { PasskeySummary } from '../../protocol/mfa';
import { escapeHtml } from '../http/escape-html';
import { htmlPage } from '../http/html-page';
import { passkeyForm } from '../mfa/passkeys-page';
import { SIGN_IN_CSS_PATH } from '../oidc/pages';

/**
 * The account page's passkeys (issue 17): the list with created, last used and the authenticator's name
 * when known; rename; remove and add, both after the password again (the user is e-mailed). The list and
 * its forms need no script; only the "add" ceremony page runs the server's /assets/passkey.js.
 */
export const ACCOUNT_PASSKEYS_PATH = '/account/passkeys';

function when(ms: number | null): string {
  return ms === null ? 'never' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function passkeysSection(input: { passkeys: readonly PasskeySummary[]; csrfToken: string }): string {
  const csrf = `<input type="hidden" name="csrf" value="${escapeHtml(input.csrfToken)}">`;
  const rows = input.passkeys.map((passkey, index) => {
    const id = encodeURIComponent(passkey.id);
    return `<li>
<p><strong>${escapeHtml(passkey.name)}</strong>${passkey.authenticator === null ? '' : ` (${escapeHtml(passkey.authenticator)})`}<br>
<span class="muted">Added ${escapeHtml(when(passkey.createdAt))}; last used ${escapeHtml(when(passkey.lastUsedAt))}</span></p>
<form class="form" method="post" action="${ACCOUNT_PASSKEYS_PATH}/${id}/rename">
${csrf}
<label for="rename-${index}">New name for ${escapeHtml(passkey.name)}</label>
<input id="rename-${index}" name="name" type="text" maxlength="100" required>
<button class="secondary" type="submit">Rename</button>
</form>
<form class="form" method="post" action="${ACCOUNT_PASSKEYS_PATH}/${id}/remove">
${csrf}
<label for="remove-${index}">Your password, to remove ${escapeHtml(passkey.name)}</label>
<input id="remove-${index}" name="password" type="password" autocomplete="current-password" required>
<button class="secondary" type="submit">Remove</button>
</form>
</li>`;
  });
  return `<h2>Passkeys</h2>
${rows.length === 0 ? '<p>You have no passkey yet.</p>' : `<ul class="passkeys">\n${rows.join('\n')}\n</ul>`}
<form class="form" method="post" action="${ACCOUNT_PASSKEYS_PATH}/add">
${csrf}
<label for="passkey-name">Name of the new passkey</label>
<input id="passkey-name" name="name" type="text" maxlength="100" placeholder="For example: Work laptop">
<label for="passkey-password">Your password</label>
<input id="passkey-password" name="password" type="password" autocomplete="current-password" required>
<button class="secondary" type="submit">Add a passkey</button>
</form>`;
}

/** The ceremony page of "Add a passkey" (after the password was checked). */
export function addPasskeyPage(input: {
  serverName: string;
  csrfToken: string;
  name: string;
  options: unknown;
  error?: string | undefined;
}): string {
  const alert = input.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.error)}</p>\n`;
  return htmlPage({
    title: `Add a passkey: ${input.serverName}`,
    serverName: input.serverName,
    stylesheet: SIGN_IN_CSS_PATH,
    body: `<h1>Add a passkey</h1>
<p>Press the button and follow your browser or device to create the passkey "${escapeHtml(input.name)}".</p>
${alert}${passkeyForm({
      ceremony: 'create',
      options: input.options,
      action: `${ACCOUNT_PASSKEYS_PATH}/register`,
      hidden: { csrf: input.csrfToken, name: input.name },
      button: 'Create the passkey',
      fallback: 'Try another browser; your account works as before.',
    })}
<p><a href="/account">Back to your account</a></p>`,
  });
}
