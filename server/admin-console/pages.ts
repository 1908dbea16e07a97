import type { AdminUser, AdminUserDetail } from '../admin/admin-service';
import { escapeHtml } from '../http/escape-html';
import { MfaChannel } from '../../protocol/mfa';
import type { MfaPolicy } from '../mfa/policy';
import { SIGN_IN_CSS_PATH } from '../oidc/pages';
import { ADMIN_CSS_PATH } from './console-css';
import type { OtpClient } from '../otp/otp-clients';
import type { PasswordResetPolicy } from '../password-reset/reset-policy';
import type { ImportRow } from './csv-import';
import type { Language } from '../http/languages';
import type { Translate } from './messages';
import type { DirectoryPage, SearchField } from './user-directory';

/**
 * The admin console's pages (/admin): server-rendered, no script (the CSP allows none; the one exception is
 * the sign-in's second step with a passkey form, which loads the server's own /assets/passkey.js), every input
 * labelled, one h1 per page, a nav landmark, tables with header cells. `body` strings are trusted
 * markup; every value is escaped where it is put in.
 */
export const ADMIN_PATH = '/admin';

export interface PageFrame {
  t: Translate;
  language: Language;
  serverName: string;
  /** Set once signed in: the nav, the sign-out form and the CSRF token of every form. */
  signedIn?:
    | { loginId: string; csrfToken: string; /** The request's route, for the nav's current page. */ path?: string }
    | undefined;
}

const e = escapeHtml;

/** The console's pages in the nav; `also` are the pages (and form answers) that belong to an entry. */
const NAV = [
  { href: `${ADMIN_PATH}/users`, key: 'navUsers', also: [`${ADMIN_PATH}/user`] },
  { href: `${ADMIN_PATH}/import`, key: 'navImport', also: [] },
  { href: `${ADMIN_PATH}/settings`, key: 'navSettings', also: [] },
  { href: `${ADMIN_PATH}/audit`, key: 'navAudit', also: [] },
  { href: `${ADMIN_PATH}/deployments`, key: 'navDeployments', also: [] },
  { href: `${ADMIN_PATH}/profiles`, key: 'navProfiles', also: [`${ADMIN_PATH}/profile`] },
  { href: `${ADMIN_PATH}/licenses`, key: 'navLicenses', also: [] },
] as const;

/** The nav entry a request path belongs to: the entry itself, a page under it, or one of its `also`. */
function navEntryOf(path: string): (typeof NAV)[number]['href'] | undefined {
  const under = (base: string): boolean => path === base || path.startsWith(`${base}/`);
  return NAV.find((entry) => under(entry.href) || entry.also.some(under))?.href;
}

export function consolePage(frame: PageFrame, title: string, body: string): string {
  const { t } = frame;
  const signedIn = frame.signedIn;
  const current = signedIn?.path === undefined ? undefined : navEntryOf(signedIn.path);
  const nav = signedIn
    ? `<nav class="console-nav" aria-label="${e(t('nav'))}"><ul>
${NAV.map((entry) => `<li><a href="${entry.href}"${entry.href === current ? ' aria-current="page"' : ''}>${e(t(entry.key))}</a></li>`).join('\n')}
</ul>
<p>${e(t('signedInAs'))} <strong>${e(signedIn.loginId)}</strong></p>
<form class="form" method="post" action="${ADMIN_PATH}/sign-out">${csrf(frame)}<button class="secondary" type="submit">${e(t('signOut'))}</button></form>
</nav>\n`
    : '';
  return `<!doctype html>
<html lang="${frame.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(`${title}: ${t('consoleTitle')}: ${frame.serverName}`)}</title>
<link rel="stylesheet" href="${SIGN_IN_CSS_PATH}">
<link rel="stylesheet" href="${ADMIN_CSS_PATH}">
</head>
<body${signedIn ? ' class="console"' : ''}>
${nav}<main>
<p class="server">${e(frame.serverName)}: ${e(t('consoleTitle'))}</p>
${body}
</main>
</body>
</html>
`;
}

/**
 * Opens the box a wide table scrolls in on narrow windows: a labelled region that takes keyboard
 * focus, so keyboard users can scroll it with the arrow keys (axe: scrollable-region-focusable).
 * The caller closes it after </table>.
 */
export function tableRegion(label: string): string {
  return `<div class="table-scroll" role="region" tabindex="0" aria-label="${e(label)}">`;
}

export function csrf(frame: PageFrame): string {
  return frame.signedIn ? `<input type="hidden" name="csrf" value="${e(frame.signedIn.csrfToken)}">` : '';
}

export function alert(message: string | undefined): string {
  return message === undefined ? '' : `<p class="error" role="alert">${e(message)}</p>\n`;
}

export function notice(message: string | undefined): string {
  return message === undefined ? '' : `<p class="notice" role="status">${e(message)}</p>\n`;
}

function field(id: string, label: string, attributes: string, value = ''): string {
  return `<label for="${id}">${e(label)}</label>\n<input id="${id}" name="${id}" ${attributes} value="${e(value)}">\n`;
}

export function signInPage(
  frame: PageFrame,
  input: { csrfToken: string; login: string; error?: string | undefined },
): string {
  const { t } = frame;
  return consolePage(
    frame,
    t('signInHeading'),
    `<h1>${e(t('signInHeading'))}</h1>
<p>${e(t('signInIntro'))}</p>
${alert(input.error)}<form class="form" method="post" action="${ADMIN_PATH}/sign-in">
<input type="hidden" name="csrf" value="${e(input.csrfToken)}">
${field('login', t('login'), 'type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required', input.login)}<label for="password">${e(t('password'))}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button class="button" type="submit">${e(t('signIn'))}</button>
</form>`,
  );
}

/** The sign-in's second step: what this admin has, a code from their authenticator app and/or a passkey. */
export interface SecondStepInput {
  csrfToken: string;
  loginId: string;
  totp: boolean;
  /** The passkey ceremony's form (passkeyForm, server/mfa/passkeys-page.ts), when the admin has a usable passkey. */
  passkeyForm?: string | undefined;
  error?: string | undefined;
}

export const SECOND_STEP_PATH = `${ADMIN_PATH}/verify`;

export function secondStepPage(frame: PageFrame, input: SecondStepInput): string {
  const { t } = frame;
  const totp = input.totp
    ? `<h2>${e(t('totpHeading'))}</h2>
<form class="form" method="post" action="${SECOND_STEP_PATH}/code">
<input type="hidden" name="csrf" value="${e(input.csrfToken)}">
<label for="code">${e(t('code'))}</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required>
<button class="button" type="submit">${e(t('verify'))}</button>
</form>
`
    : '';
  const passkey = input.passkeyForm === undefined ? '' : `<h2>${e(t('passkeyHeading'))}</h2>\n${input.passkeyForm}\n`;
  return consolePage(
    frame,
    t('verifyHeading'),
    `<h1>${e(t('verifyHeading'))}</h1>
<p>${e(t('verifyIntro', { login: input.loginId }))}</p>
${alert(input.error)}${totp}${passkey}<form class="form" method="post" action="${SECOND_STEP_PATH}/cancel">
<input type="hidden" name="csrf" value="${e(input.csrfToken)}">
<button class="secondary" type="submit">${e(t('cancelSignIn'))}</button>
</form>`,
  );
}

/** A page that only explains: a refusal, an ended session. */
export function messagePage(
  frame: PageFrame,
  heading: string,
  lines: readonly string[],
  link?: { href: string; text: string },
): string {
  return consolePage(
    frame,
    heading,
    `<h1>${e(heading)}</h1>
${lines.map((line) => `<p>${e(line)}</p>`).join('\n')}
${link ? `<p><a href="${e(link.href)}">${e(link.text)}</a></p>` : ''}`,
  );
}

export function usersPage(
  frame: PageFrame,
  input: { field: SearchField; query: string; page: DirectoryPage; error?: string | undefined },
): string {
  const { t } = frame;
  const rows = input.page.entries
    .map(
      (
        user,
      ) => `<tr><th scope="row"><a href="${ADMIN_PATH}/user?name=${encodeURIComponent(user.loginId)}">${e(user.loginId)}</a></th>
<td>${e(user.displayName)}</td><td>${e(user.email)}</td><td>${e(methodName(t, user.signInMethod))}</td><td>${e(user.locked ? t('stateLocked') : t('stateActive'))}</td></tr>`,
    )
    .join('\n');
  const next = input.page.next
    ? `<p><a rel="next" href="${ADMIN_PATH}/users?${new URLSearchParams({
        by: input.field,
        q: input.query,
        after: input.page.next.key,
        afterId: String(input.page.next.id),
      }).toString()}">${e(t('nextPage'))}</a></p>`
    : '';
  return consolePage(
    frame,
    t('usersHeading'),
    `<h1>${e(t('usersHeading'))}</h1>
<form class="form" method="get" action="${ADMIN_PATH}/users" role="search">
<label for="by">${e(t('searchBy'))}</label>
<select id="by" name="by">
<option value="login"${input.field === 'login' ? ' selected' : ''}>${e(t('byLogin'))}</option>
<option value="name"${input.field === 'name' ? ' selected' : ''}>${e(t('byName'))}</option>
</select>
${field('q', t('startsWith'), 'type="search" autocapitalize="none" spellcheck="false"', input.query)}<button class="button" type="submit">${e(t('search'))}</button>
</form>
${alert(input.error)}${
      input.page.entries.length === 0
        ? `<p>${e(t('noUsers'))}</p>`
        : `${tableRegion(t('usersHeading'))}<table>
<thead><tr><th scope="col">${e(t('colLoginId'))}</th><th scope="col">${e(t('colName'))}</th><th scope="col">${e(t('colEmail'))}</th><th scope="col">${e(t('colMethod'))}</th><th scope="col">${e(t('colState'))}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`
    }
${next}
<h2>${e(t('createUser'))}</h2>
${createUserForm(frame, {})}`,
  );
}

function createUserForm(frame: PageFrame, values: Record<string, string>): string {
  const { t } = frame;
  return `<form class="form" method="post" action="${ADMIN_PATH}/users/create">
${csrf(frame)}${field('loginId', t('loginId'), 'type="text" autocapitalize="none" spellcheck="false" required', values.loginId)}${field('email', t('email'), 'type="email" required', values.email)}${field('displayName', t('displayName'), 'type="text" required', values.displayName)}${field('phone', t('phone'), 'type="tel"', values.phone)}<label for="aliases">${e(t('aliases'))}</label>
<textarea id="aliases" name="aliases" rows="2">${e(values.aliases ?? '')}</textarea>
${field('initialPassword', t('initialPassword'), 'type="password" autocomplete="new-password"')}<button class="button" type="submit">${e(t('create'))}</button>
</form>`;
}

export function userPage(
  frame: PageFrame,
  detail: AdminUserDetail,
  outcome: { error?: string | undefined; notice?: string | undefined; secret?: string | undefined } = {},
  /** Trusted markup: the user's deployments (deployment-pages.ts userDeploymentsSection). */
  deployments = '',
): string {
  const { t } = frame;
  const { user } = detail;
  const name = e(user.loginId);
  const when = (ms: number): string => e(new Date(ms).toISOString().slice(0, 16).replace('T', ' '));
  const list = (items: string[]): string =>
    items.length === 0
      ? `<p>${e(t('none'))}</p>`
      : `<ul>\n${items.map((item) => `<li>${item}</li>`).join('\n')}\n</ul>`;
  const destructive = (
    action: string,
    label: string,
  ): string => `<form class="form" method="post" action="${ADMIN_PATH}/user/${action}">
${csrf(frame)}<input type="hidden" name="name" value="${name}">
<label for="reauth-${action}">${e(t('yourPassword'))}</label>
<input id="reauth-${action}" name="reauth" type="password" autocomplete="current-password" required>
<button class="secondary" type="submit">${e(label)}</button>
</form>`;
  return consolePage(
    frame,
    user.displayName,
    `<h1>${e(user.displayName)} (${name})</h1>
${alert(outcome.error)}${notice(outcome.notice)}${outcome.secret === undefined ? '' : `<p class="code" translate="no" data-testid="secret">${e(outcome.secret)}</p>\n`}<h2>${e(t('editHeading'))}</h2>
${editForm(frame, user)}
<h2>${e(t('methodHeading'))}</h2>
<form class="form" method="post" action="${ADMIN_PATH}/user/sign-in-method">
${csrf(frame)}<input type="hidden" name="name" value="${name}">
<fieldset><legend>${e(t('methodHeading'))}</legend>
<input type="radio" id="method-password" name="method" value="password"${user.signInMethod === 'password' ? ' checked' : ''}><label for="method-password">${e(t('methodPassword'))}</label>
<input type="radio" id="method-oidc" name="method" value="oidc"${user.signInMethod === 'oidc' ? ' checked' : ''}><label for="method-oidc">${e(t('methodOidc'))}</label>
</fieldset>
<button class="button" type="submit">${e(t('save'))}</button>
</form>
<h2>${e(t('factorsHeading'))}</h2>
${list(detail.authenticators.map((each) => `${e(each.name)}, ${e(t('added'))} ${when(each.addedAt)}`))}
<h2>${e(t('devicesHeading'))}</h2>
${list(detail.devices.map((each) => `${e(each.name)}, ${e(t('added'))} ${when(each.addedAt)}, ${e(t('trustedUntil'))} ${when(each.trustedUntil)}`))}
<h2>${e(t('sessionsHeading'))}</h2>
${list(detail.sessions.map((each) => `${e(each.installationId ?? t('unknownInstallation'))}, ${e(t('started'))} ${when(each.startedAt)}`))}
${deployments}
${lockSection(frame, user)}
<h2>${e(t('actionsHeading'))}</h2>
<p>${e(t('actionsIntro'))}</p>
${destructive('reset-password', t('resetPassword'))}
${destructive('reset-mfa', t('resetMfa'))}
${destructive('revoke-sessions', t('revokeSessions'))}
<p><a href="${ADMIN_PATH}/users">${e(t('back'))}</a></p>`,
  );
}

/**
 * The user's lock state, and the form that changes it: locking asks for the admin's password again
 * (it ends every session, like the actions below) and takes an optional note; unlocking does not.
 */
function lockSection(frame: PageFrame, user: AdminUser): string {
  const { t } = frame;
  const name = e(user.loginId);
  if (user.locked) {
    const since = new Date(user.locked.at).toISOString().slice(0, 16).replace('T', ' ');
    const reason =
      user.locked.reason === undefined ? '' : `\n<p>${e(t('lockReasonShown', { reason: user.locked.reason }))}</p>`;
    return `<h2>${e(t('lockHeading'))}</h2>
<p data-testid="lock-state"><strong>${e(t('stateLocked'))}</strong>. ${e(t('lockedSince', { time: since }))}</p>${reason}
<form class="form" method="post" action="${ADMIN_PATH}/user/unlock">
${csrf(frame)}<input type="hidden" name="name" value="${name}">
<button class="button" type="submit">${e(t('unlockUser'))}</button>
</form>`;
  }
  return `<h2>${e(t('lockHeading'))}</h2>
<p data-testid="lock-state">${e(t('stateActive'))}. ${e(t('lockIntro'))}</p>
<form class="form" method="post" action="${ADMIN_PATH}/user/lock">
${csrf(frame)}<input type="hidden" name="name" value="${name}">
${field('lockReason', t('lockReason'), 'type="text" maxlength="200"')}<label for="reauth-lock">${e(t('yourPassword'))}</label>
<input id="reauth-lock" name="reauth" type="password" autocomplete="current-password" required>
<button class="secondary" type="submit">${e(t('lockUser'))}</button>
</form>`;
}

function editForm(frame: PageFrame, user: AdminUser): string {
  const { t } = frame;
  return `<form class="form" method="post" action="${ADMIN_PATH}/user/edit">
${csrf(frame)}<input type="hidden" name="name" value="${e(user.loginId)}">
${field('displayName', t('displayName'), 'type="text" required', user.displayName)}${field('email', t('email'), 'type="email" required', user.email)}<label for="aliases">${e(t('aliases'))}</label>
<textarea id="aliases" name="aliases" rows="2">${e(user.aliases.join('\n'))}</textarea>
${field('phone', t('phone'), 'type="tel"', user.phone ?? '')}<button class="button" type="submit">${e(t('save'))}</button>
</form>`;
}

function methodName(t: Translate, method: string): string {
  return method === 'oidc' ? t('methodOidc') : t('methodPassword');
}

export function importPage(
  frame: PageFrame,
  input: {
    csv: string;
    rows?: readonly ImportRow[] | undefined;
    outcome?: string | undefined;
    error?: string | undefined;
  },
): string {
  const { t } = frame;
  const result = (row: ImportRow): string =>
    row.error !== undefined
      ? `${e(t('resultInvalid'))}: ${e(row.error)}`
      : e(row.created ? t('resultCreated') : t('resultValid'));
  const table =
    input.rows === undefined
      ? ''
      : `${tableRegion(t('importResults'))}<table>
<thead><tr><th scope="col">${e(t('colRow'))}</th><th scope="col">${e(t('colLoginId'))}</th><th scope="col">${e(t('colResult'))}</th></tr></thead>
<tbody>
${input.rows.map((row) => `<tr${row.error !== undefined ? ' class="invalid"' : ''}><th scope="row">${row.line}</th><td>${e(row.loginId)}</td><td>${result(row)}</td></tr>`).join('\n')}
</tbody>
</table></div>\n`;
  return consolePage(
    frame,
    t('importHeading'),
    `<h1>${e(t('importHeading'))}</h1>
<p>${e(t('importHelp'))}</p>
${alert(input.error)}${notice(input.outcome)}${table}<form class="form" method="post" action="${ADMIN_PATH}/import">
${csrf(frame)}<label for="csv">${e(t('csv'))}</label>
<textarea id="csv" name="csv" rows="8" spellcheck="false" required>${e(input.csv)}</textarea>
<button class="secondary" type="submit" name="mode" value="dry-run">${e(t('dryRun'))}</button>
<button class="button" type="submit" name="mode" value="import">${e(t('importNow'))}</button>
</form>`,
  );
}

export function settingsPage(
  frame: PageFrame,
  input: {
    mfa: MfaPolicy;
    forgot: PasswordResetPolicy;
    otpClients: readonly OtpClient[];
    providers: readonly { id: string; label: string }[];
    error?: string | undefined;
    notice?: string | undefined;
    secret?: string | undefined;
  },
): string {
  const { t } = frame;
  // Every channel the server knows is a box: one left off the page would be dropped from the policy by
  // the first save (the form sends only the boxes it has).
  const labels: Record<MfaChannel, string> = {
    totp: t('channelTotp'),
    email: t('channelEmail'),
    sms: t('channelSms'),
    passkey: t('channelPasskey'),
  };
  const channels = MfaChannel.options
    .map(
      (value) =>
        `<input type="checkbox" id="channel-${value}" name="channel-${value}" value="on"${input.mfa.channels.includes(value) ? ' checked' : ''}><label for="channel-${value}">${e(labels[value])}</label>`,
    )
    .join('\n');
  return consolePage(
    frame,
    t('settingsHeading'),
    `<h1>${e(t('settingsHeading'))}</h1>
${alert(input.error)}${notice(input.notice)}${input.secret === undefined ? '' : `<p class="code" translate="no" data-testid="secret">${e(input.secret)}</p>\n`}<h2>${e(t('mfaHeading'))}</h2>
<form class="form" method="post" action="${ADMIN_PATH}/settings/mfa">
${csrf(frame)}<fieldset><legend>${e(t('channels'))}</legend>
${channels}
</fieldset>
<label for="mode">${e(t('mode'))}</label>
<select id="mode" name="mode">
<option value="optional"${input.mfa.mode === 'optional' ? ' selected' : ''}>${e(t('modeOptional'))}</option>
<option value="enforced"${input.mfa.mode === 'enforced' ? ' selected' : ''}>${e(t('modeEnforced'))}</option>
</select>
${field('trustDays', t('trustDays'), 'type="text" inputmode="numeric" required', String(input.mfa.trustDays))}<button class="button" type="submit">${e(t('save'))}</button>
</form>
<h2>${e(t('forgotHeading'))}</h2>
<form class="form" method="post" action="${ADMIN_PATH}/settings/forgot-password">
${csrf(frame)}<input type="checkbox" id="enabled" name="enabled" value="on"${input.forgot.enabled ? ' checked' : ''}><label for="enabled">${e(t('forgotEnabled'))}</label>
${field('linkMinutes', t('linkMinutes'), 'type="text" inputmode="numeric" required', String(input.forgot.linkTtlMinutes))}<button class="button" type="submit">${e(t('save'))}</button>
</form>
<h2>${e(t('otpHeading'))}</h2>
${
  input.otpClients.length === 0
    ? `<p>${e(t('none'))}</p>`
    : `<ul>\n${input.otpClients
        .map(
          (client) =>
            `<li>${e(client.name)} <form class="inline" method="post" action="${ADMIN_PATH}/settings/otp-clients/revoke">${csrf(frame)}<input type="hidden" name="name" value="${e(client.name)}"><button class="secondary" type="submit" aria-label="${e(`${t('revoke')}: ${client.name}`)}">${e(t('revoke'))}</button></form></li>`,
        )
        .join('\n')}\n</ul>`
}
<form class="form" method="post" action="${ADMIN_PATH}/settings/otp-clients/create">
${csrf(frame)}${field('otpName', t('otpName'), 'type="text" required')}<button class="button" type="submit">${e(t('create'))}</button>
</form>
<h2>${e(t('idpHeading'))}</h2>
${input.providers.length === 0 ? `<p>${e(t('none'))}</p>` : `<ul>\n${input.providers.map((provider) => `<li>${e(provider.label)}\n${idpRemoveForm(frame, provider.id)}</li>`).join('\n')}\n</ul>`}
<p>${e(t('idpHelp'))}</p>
${idpForms(frame)}`,
  );
}

/** Removing a provider cannot be undone (its users' links go): the admin's password again, as for users. */
function idpRemoveForm(frame: PageFrame, id: string): string {
  const { t } = frame;
  return `<form class="form" method="post" action="${ADMIN_PATH}/settings/idp/remove">
${csrf(frame)}<input type="hidden" name="id" value="${e(id)}">
<label for="reauth-idp-${e(id)}">${e(t('yourPassword'))}</label>
<input id="reauth-idp-${e(id)}" name="reauth" type="password" autocomplete="current-password" required>
<button class="secondary" type="submit">${e(t('idpRemove'))}</button>
</form>`;
}

/**
 * The forms that add an upstream OIDC provider or a SAML IdP. Never filled back in: the client secret
 * in particular is a password field whose value the server never sends.
 */
function idpForms(frame: PageFrame): string {
  const { t } = frame;
  const common = (kind: string): string =>
    `${field(`${kind}-id`, t('idpId'), 'type="text" required maxlength="32"')}${field(`${kind}-name`, t('idpName'), 'type="text" required maxlength="100"')}`;
  const tail = (kind: string): string =>
    `<label for="${kind}-domains">${e(t('idpDomains'))}</label>
<textarea id="${kind}-domains" name="${kind}-domains" rows="2"></textarea>
<input type="checkbox" id="${kind}-jit" name="${kind}-jit" value="on"><label for="${kind}-jit">${e(t('idpJit'))}</label>
<button class="button" type="submit">${e(t('idpAdd'))}</button>`;
  return `<h3>${e(t('idpAddOidcHeading'))}</h3>
<form class="form" method="post" action="${ADMIN_PATH}/settings/idp/add-oidc">
${csrf(frame)}${common('oidc')}${field('oidc-issuer', t('idpIssuer'), 'type="url" required')}${field('oidc-client-id', t('idpClientId'), 'type="text" required')}<label for="oidc-client-secret">${e(t('idpClientSecret'))}</label>
<input id="oidc-client-secret" name="oidc-client-secret" type="password" autocomplete="new-password" required>
<label for="oidc-auth-method">${e(t('idpAuthMethod'))}</label>
<select id="oidc-auth-method" name="oidc-auth-method">
<option value="client_secret_basic" selected>client_secret_basic</option>
<option value="client_secret_post">client_secret_post</option>
</select>
${tail('oidc')}
</form>
<h3>${e(t('idpAddSamlHeading'))}</h3>
<form class="form" method="post" action="${ADMIN_PATH}/settings/idp/add-saml">
${csrf(frame)}${common('saml')}<label for="saml-metadata">${e(t('idpMetadata'))}</label>
<textarea id="saml-metadata" name="saml-metadata" rows="4"></textarea>
${field('saml-sso-url', t('idpSsoUrl'), 'type="url"')}${field('saml-entity-id', t('idpEntityId'), 'type="text"')}<label for="saml-certificate">${e(t('idpCertificate'))}</label>
<textarea id="saml-certificate" name="saml-certificate" rows="4"></textarea>
${tail('saml')}
</form>`;
}
