import { MfaChannel } from '../../protocol/mfa';
import type { AdminDeploymentStatus } from '../admin/admin-service';
import type { DeploymentProfile, ProfilePush } from '../deployment-profiles/deployment-profiles';
import { channelMismatch, type ProfileSettings } from '../deployment-profiles/profile-settings';
import type { MfaPolicy } from '../mfa/policy';
import { escapeHtml as e } from '../http/escape-html';
import type { Translate } from './messages';
import { ADMIN_PATH, alert, consolePage, csrf, notice, tableRegion, type PageFrame } from './pages';

/**
 * The console's Deployments, Deployment profiles and Licenses pages (issue 18), in the style of
 * pages.ts: server-rendered, no script, every input labelled, every value escaped where it is put in.
 */

export interface Outcome {
  error?: string | undefined;
  notice?: string | undefined;
}

const when = (date: Date): string => e(date.toISOString().slice(0, 16).replace('T', ' '));

function stateName(t: Translate, state: AdminDeploymentStatus['state']): string {
  switch (state) {
    case 'sent':
      return t('stateSent');
    case 'opened':
      return t('stateOpened');
    case 'redeemed':
      return t('stateRedeemed');
    case 'expired':
      return t('stateExpired');
    case 'revoked':
      return t('stateRevoked');
  }
}

/**
 * The deployments table (the Deployments page and a user's page). Each row's forms carry `user`, the
 * filter the page was showing, so the answer shows the same list again.
 */
function deploymentsTable(frame: PageFrame, deployments: readonly AdminDeploymentStatus[], user: string): string {
  const { t } = frame;
  if (deployments.length === 0) return `<p>${e(t('noDeployments'))}</p>`;
  const keep = `<input type="hidden" name="user" value="${e(user)}">`;
  const rows = deployments.map((each) => {
    const details: string[] = [];
    if (each.openedAt)
      details.push(e(t('openedAt', { when: each.openedAt.toISOString().slice(0, 16).replace('T', ' ') })));
    if (each.redeemedAt) {
      details.push(
        e(
          t('redeemedAt', {
            when: each.redeemedAt.toISOString().slice(0, 16).replace('T', ' '),
            installation: each.installationId ?? t('unknownInstallation'),
            version: each.clientVersion ?? t('versionUnknown'),
          }),
        ),
      );
    }
    if (each.revokedAt)
      details.push(e(t('revokedAt', { when: each.revokedAt.toISOString().slice(0, 16).replace('T', ' ') })));
    const open = each.state === 'sent' || each.state === 'opened';
    const actions = [
      // Re-send: a fresh code (the old one was never stored); the old one is revoked if still open.
      each.state === 'redeemed'
        ? ''
        : `<form class="inline" method="post" action="${ADMIN_PATH}/deployments/resend">${csrf(frame)}<input type="hidden" name="id" value="${each.id}">${keep}<button class="secondary" type="submit" aria-label="${e(t('resendLabel', { id: each.id }))}">${e(t('resend'))}</button></form>`,
      // Revoke: cannot be undone, so it asks for the admin's password like the user page's actions.
      open
        ? `<form class="inline" method="post" action="${ADMIN_PATH}/deployments/revoke">${csrf(frame)}<input type="hidden" name="id" value="${each.id}">${keep}<label for="reauth-deployment-${each.id}">${e(t('revokeLabel', { id: each.id }))}</label>
<input id="reauth-deployment-${each.id}" name="reauth" type="password" autocomplete="current-password" required>
<button class="secondary" type="submit">${e(t('revoke'))}</button></form>`
        : '',
    ]
      .filter((action) => action !== '')
      .join('\n');
    return `<tr data-deployment="${each.id}"><th scope="row">${each.id}</th>
<td><a href="${ADMIN_PATH}/user?name=${encodeURIComponent(each.loginId)}">${e(each.loginId)}</a></td>
<td>${e(stateName(t, each.state))}</td><td>${when(each.createdAt)}</td><td>${when(each.expiresAt)}</td>
<td>${details.join('<br>')}</td><td>${actions}</td></tr>`;
  });
  return `${tableRegion(t('deploymentsHeading'))}<table>
<thead><tr><th scope="col">${e(t('colDeployment'))}</th><th scope="col">${e(t('colUser'))}</th><th scope="col">${e(t('colStatus'))}</th><th scope="col">${e(t('colSentAt'))}</th><th scope="col">${e(t('colExpires'))}</th><th scope="col">${e(t('colDetails'))}</th><th scope="col">${e(t('colActions'))}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>`;
}

/** The deployments section of a user's page: their deployments and a button that sends a new one. */
export function userDeploymentsSection(
  frame: PageFrame,
  loginId: string,
  deployments: readonly AdminDeploymentStatus[],
): string {
  const { t } = frame;
  return `<h2>${e(t('deploymentsHeading'))}</h2>
${deploymentsTable(frame, deployments, loginId)}
<form class="form" method="post" action="${ADMIN_PATH}/deployments/send">
${csrf(frame)}<input type="hidden" name="user" value="${e(loginId)}">
<button class="button" type="submit">${e(t('sendToUser'))}</button>
</form>`;
}

export function deploymentsPage(
  frame: PageFrame,
  input: { user: string; deployments: readonly AdminDeploymentStatus[] } & Outcome,
): string {
  const { t } = frame;
  return consolePage(
    frame,
    t('deploymentsHeading'),
    `<h1>${e(t('deploymentsHeading'))}</h1>
${alert(input.error)}${notice(input.notice)}<form class="form" method="get" action="${ADMIN_PATH}/deployments" role="search">
<label for="filter-user">${e(t('deploymentsFilter'))}</label>
<input id="filter-user" name="user" type="text" autocapitalize="none" spellcheck="false" value="${e(input.user)}">
<button class="button" type="submit">${e(t('show'))}</button>
</form>
${deploymentsTable(frame, input.deployments, input.user)}
<h2>${e(t('sendDeploymentHeading'))}</h2>
<p>${e(t('sendDeploymentHelp'))}</p>
<form class="form" method="post" action="${ADMIN_PATH}/deployments/send">
${csrf(frame)}<label for="send-user">${e(t('fieldUser'))}</label>
<input id="send-user" name="user" type="text" autocapitalize="none" spellcheck="false" required value="${e(input.user)}">
<button class="button" type="submit">${e(t('sendDeployment'))}</button>
</form>`,
  );
}

/** The profile's settings in words, for the list and the push's "before → after". */
function describeSettings(t: Translate, settings: ProfileSettings | null): string {
  if (settings === null) return t('nothingSet');
  const parts: string[] = [];
  const onOff = (value: boolean): string => (value ? t('on') : t('off'));
  if (settings.signInMethod) {
    parts.push(`${t('settingSignIn')}: ${settings.signInMethod === 'oidc' ? t('methodOidc') : t('methodPassword')}`);
  }
  if (settings.mfaMode) {
    parts.push(`${t('settingMfa')}: ${settings.mfaMode === 'enforced' ? t('modeEnforced') : t('modeOptional')}`);
  }
  if (settings.mfaChannels !== undefined) {
    const names = settings.mfaChannels.split(',').map((channel) => mfaChannelName(t, MfaChannel.parse(channel)));
    parts.push(`${t('settingMfaChannels')}: ${names.join(', ')}`);
  }
  if (settings.licenseVersion !== undefined) parts.push(`${t('settingLicense')}: ${settings.licenseVersion}`);
  if (settings.features?.forgotPassword !== undefined) {
    parts.push(`${t('settingForgot')}: ${onOff(settings.features.forgotPassword)}`);
  }
  if (settings.features?.manualLogin !== undefined) {
    parts.push(`${t('settingManualLogin')}: ${onOff(settings.features.manualLogin)}`);
  }
  if (settings.language) parts.push(`${t('settingLanguage')}: ${LANGUAGE_NAMES[settings.language]}`);
  if (settings.updateChannel) parts.push(`${t('settingChannel')}: ${channelName(t, settings.updateChannel)}`);
  return parts.length === 0 ? t('nothingSet') : parts.join('; ');
}

/** Each language in its own words, as language pickers show them (the same in every catalogue). */
const LANGUAGE_NAMES = { en: 'English', fr: 'Français', de: 'Deutsch' } as const;

/** The channels a profile can allow: every one the server knows (protocol/mfa.ts), in its fixed order. */
export const PROFILE_MFA_CHANNELS = MfaChannel.options;

/** A checkbox's name for each channel: one field per box, as the form parser keeps one value per name. */
export const mfaChannelField = (channel: MfaChannel): string => `mfaChannel-${channel}`;

/** A channel's name in the admin's language (also for the deployment routes' messages). */
export function mfaChannelName(t: Translate, channel: MfaChannel): string {
  switch (channel) {
    case 'totp':
      return t('channelTotp');
    case 'email':
      return t('channelEmail');
    case 'sms':
      return t('channelSms');
    case 'passkey':
      return t('channelPasskey');
  }
}

function channelName(t: Translate, channel: 'latest' | 'beta' | 'alpha'): string {
  return channel === 'latest' ? t('channelLatest') : channel === 'beta' ? t('channelBeta') : t('channelAlpha');
}

export function profilesPage(
  frame: PageFrame,
  input: { profiles: readonly DeploymentProfile[]; name?: string | undefined } & Outcome,
): string {
  const { t } = frame;
  const rows = input.profiles.map(
    (
      profile,
    ) => `<tr><th scope="row"><a href="${ADMIN_PATH}/profile?name=${encodeURIComponent(profile.name)}">${e(profile.name)}</a></th>
<td>${e(describeSettings(t, profile.settings))}</td><td>${e(pushedState(t, profile))}</td>
<td>${e(t('assignedSummary', { users: profile.users, domains: profile.domains.length === 0 ? t('none') : profile.domains.join(', ') }))}</td></tr>`,
  );
  return consolePage(
    frame,
    t('profilesHeading'),
    `<h1>${e(t('profilesHeading'))}</h1>
<p>${e(t('profilesIntro'))}</p>
${alert(input.error)}${notice(input.notice)}${
      input.profiles.length === 0
        ? `<p>${e(t('noProfiles'))}</p>`
        : `${tableRegion(t('profilesHeading'))}<table>
<thead><tr><th scope="col">${e(t('colProfile'))}</th><th scope="col">${e(t('colDraft'))}</th><th scope="col">${e(t('colPushed'))}</th><th scope="col">${e(t('colAssigned'))}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>`
    }
<h2>${e(t('createProfile'))}</h2>
<form class="form" method="post" action="${ADMIN_PATH}/profiles/create">
${csrf(frame)}<label for="profile-name">${e(t('profileName'))}</label>
<input id="profile-name" name="profile" type="text" required maxlength="100" value="${e(input.name ?? '')}">
<button class="button" type="submit">${e(t('create'))}</button>
</form>`,
  );
}

function pushedState(t: Translate, profile: DeploymentProfile): string {
  if (!profile.pushed) return t('neverPushed');
  const version = t('pushedVersion', { version: profile.pushed.version });
  return JSON.stringify(profile.pushed.settings) === JSON.stringify(profile.settings)
    ? version
    : `${version} (${t('draftChanged')})`;
}

/** The choices of each setting's select; '' is "not set" (the profile says nothing about it). */
export const SETTING_CHOICES = {
  signInMethod: ['', 'password', 'oidc'],
  mfaMode: ['', 'optional', 'enforced'],
  forgotPassword: ['', 'on', 'off'],
  manualLogin: ['', 'on', 'off'],
  language: ['', 'en', 'fr', 'de'],
  updateChannel: ['', 'latest', 'beta', 'alpha'],
} as const;

export function profilePage(
  frame: PageFrame,
  input: {
    profile: DeploymentProfile;
    licenses: readonly string[];
    /** The server's own MFA policy: the profile's channels are only ever those it also allows. */
    serverMfa: MfaPolicy;
    push?: ProfilePush | undefined;
  } & Outcome,
): string {
  const { t } = frame;
  const { profile } = input;
  const s = profile.settings;
  const keep = `<input type="hidden" name="profile" value="${e(profile.name)}">`;
  const choiceText = (setting: keyof typeof SETTING_CHOICES, value: string): string => {
    if (value === '') return t('notSet');
    switch (setting) {
      case 'signInMethod':
        return value === 'oidc' ? t('methodOidc') : t('methodPassword');
      case 'mfaMode':
        return value === 'enforced' ? t('modeEnforced') : t('modeOptional');
      case 'forgotPassword':
      case 'manualLogin':
        return value === 'on' ? t('on') : t('off');
      case 'language':
        return LANGUAGE_NAMES[value as keyof typeof LANGUAGE_NAMES];
      case 'updateChannel':
        return channelName(t, value as 'latest' | 'beta' | 'alpha');
    }
  };
  const onOff = (value: boolean | undefined): string => (value === undefined ? '' : value ? 'on' : 'off');
  const current: Record<keyof typeof SETTING_CHOICES, string> = {
    signInMethod: s.signInMethod ?? '',
    mfaMode: s.mfaMode ?? '',
    forgotPassword: onOff(s.features?.forgotPassword),
    manualLogin: onOff(s.features?.manualLogin),
    language: s.language ?? '',
    updateChannel: s.updateChannel ?? '',
  };
  const select = (setting: keyof typeof SETTING_CHOICES, label: string): string =>
    `<label for="${setting}">${e(label)}</label>
<select id="${setting}" name="${setting}">
${SETTING_CHOICES[setting].map((value) => `<option value="${value}"${current[setting] === value ? ' selected' : ''}>${e(choiceText(setting, value))}</option>`).join('\n')}
</select>\n`;
  const allowed = s.mfaChannels === undefined ? [] : s.mfaChannels.split(',');
  // A channel the server does not allow is shown, disabled, with the reason: a profile can only narrow
  // the server's channels (mfa/policy.ts effectiveMfaPolicy), so ticking it would change nothing.
  const box = (channel: MfaChannel): string => {
    const id = mfaChannelField(channel);
    const checked = allowed.includes(channel) ? ' checked' : '';
    if (input.serverMfa.channels.includes(channel)) {
      return `<span class="choice"><input type="checkbox" id="${id}" name="${id}" value="on"${checked}><label for="${id}">${e(mfaChannelName(t, channel))}</label></span>`;
    }
    return `<span class="choice"><input type="checkbox" id="${id}" name="${id}" value="on" disabled aria-describedby="${id}-off"${checked}><label for="${id}">${e(mfaChannelName(t, channel))}</label> <span id="${id}-off" class="muted">(${e(t('channelNotOnServer'))})</span></span>`;
  };
  // Where the server's policy shrank after the profile was saved or pushed: say what its users get.
  const names = (channels: readonly MfaChannel[]) => channels.map((channel) => mfaChannelName(t, channel)).join(', ');
  const mismatch = [profile.pushed?.settings, s]
    .map((settings) => settings && channelMismatch(input.serverMfa, settings))
    .find((each) => each !== undefined);
  const fallback = mismatch
    ? `<p class="error" id="mfa-channels-fallback">${e(t('mfaChannelsFallback', { profile: names(mismatch.profile), server: names(mismatch.server) }))}</p>\n`
    : '';
  const channelBoxes = `<fieldset aria-describedby="mfa-channels-help"><legend>${e(t('settingMfaChannels'))}</legend>
<p id="mfa-channels-help" class="muted">${e(t('mfaChannelsHelp'))}</p>
${fallback}${PROFILE_MFA_CHANNELS.map(box).join('\n')}
</fieldset>
`;
  const license = s.licenseVersion ?? '';
  const versions = license !== '' && !input.licenses.includes(license) ? [license, ...input.licenses] : input.licenses;
  const pushOutcome = input.push
    ? `<p class="notice" role="status">${e(t('pushed', { version: input.push.version, users: input.push.users, clients: input.push.clients }))}</p>
<p>${e(t('pushChange', { before: describeSettings(t, input.push.previous), after: describeSettings(t, input.push.settings) }))}</p>\n`
    : '';
  const heading = t('profileHeading', { name: profile.name });
  return consolePage(
    frame,
    heading,
    `<h1>${e(heading)}</h1>
${alert(input.error)}${notice(input.notice)}${pushOutcome}<p>${e(t('colPushed'))}: ${e(pushedState(t, profile))}</p>
<h2>${e(t('draftHeading'))}</h2>
<form class="form" method="post" action="${ADMIN_PATH}/profile/edit">
${csrf(frame)}${keep}
${select('signInMethod', t('settingSignIn'))}${select('mfaMode', t('settingMfa'))}${channelBoxes}<label for="licenseVersion">${e(t('settingLicense'))}</label>
<select id="licenseVersion" name="licenseVersion">
<option value=""${license === '' ? ' selected' : ''}>${e(t('notSet'))}</option>
${versions.map((version) => `<option value="${e(version)}"${version === license ? ' selected' : ''}>${e(version)}</option>`).join('\n')}
</select>
${select('forgotPassword', t('settingForgot'))}${select('manualLogin', t('settingManualLogin'))}${select('language', t('settingLanguage'))}${select('updateChannel', t('settingChannel'))}<button class="button" type="submit">${e(t('save'))}</button>
</form>
<h2>${e(t('pushHeading'))}</h2>
<p>${e(t('pushIntro'))}</p>
<form class="form" method="post" action="${ADMIN_PATH}/profile/push">
${csrf(frame)}${keep}
<button class="button" type="submit">${e(t('push'))}</button>
</form>
<h2>${e(t('assignmentsHeading'))}</h2>
<p>${e(t('assignmentsIntro'))}</p>
<p>${e(t('usersAssigned', { count: profile.users }))}</p>
<h3>${e(t('domainsAssigned'))}</h3>
${
  profile.domains.length === 0
    ? `<p>${e(t('none'))}</p>`
    : `<ul>\n${profile.domains
        .map(
          (domain) =>
            `<li>${e(domain)} <form class="inline" method="post" action="${ADMIN_PATH}/profile/unassign">${csrf(frame)}${keep}<input type="hidden" name="domain" value="${e(domain)}"><button class="secondary" type="submit" aria-label="${e(t('unassignLabel', { domain }))}">${e(t('unassign'))}</button></form></li>`,
        )
        .join('\n')}\n</ul>`
}
<form class="form" method="post" action="${ADMIN_PATH}/profile/assign">
${csrf(frame)}${keep}
<label for="assign-user">${e(t('fieldUser'))}</label>
<input id="assign-user" name="user" type="text" autocapitalize="none" spellcheck="false">
<label for="assign-domain">${e(t('fieldDomain'))}</label>
<input id="assign-domain" name="domain" type="text" autocapitalize="none" spellcheck="false">
<button class="button" type="submit" name="mode" value="assign">${e(t('assign'))}</button>
<button class="secondary" type="submit" name="mode" value="unassign">${e(t('unassign'))}</button>
</form>
<p><a href="${ADMIN_PATH}/profiles">${e(t('back'))}</a></p>`,
  );
}

export function licensesPage(
  frame: PageFrame,
  input: {
    licenses: readonly { version: string; publishedAt: Date }[];
    version?: string | undefined;
    text?: string | undefined;
  } & Outcome,
): string {
  const { t } = frame;
  return consolePage(
    frame,
    t('licensesHeading'),
    `<h1>${e(t('licensesHeading'))}</h1>
<p>${e(t('licensesIntro'))}</p>
${alert(input.error)}${notice(input.notice)}${
      input.licenses.length === 0
        ? `<p>${e(t('noLicenses'))}</p>`
        : `${tableRegion(t('licensesHeading'))}<table>
<thead><tr><th scope="col">${e(t('colVersion'))}</th><th scope="col">${e(t('colPublished'))}</th></tr></thead>
<tbody>
${input.licenses.map((license, index) => `<tr><th scope="row">${e(license.version)}${index === 0 ? ` (${e(t('currentLicense'))})` : ''}</th><td>${when(license.publishedAt)}</td></tr>`).join('\n')}
</tbody>
</table></div>`
    }
<h2>${e(t('publishHeading'))}</h2>
<form class="form" method="post" action="${ADMIN_PATH}/licenses/publish">
${csrf(frame)}<label for="license-version">${e(t('licenseVersion'))}</label>
<input id="license-version" name="version" type="text" required maxlength="64" spellcheck="false" value="${e(input.version ?? '')}">
<label for="license-text">${e(t('licenseText'))}</label>
<textarea id="license-text" name="text" rows="10" required>${e(input.text ?? '')}</textarea>
<button class="button" type="submit">${e(t('publish'))}</button>
</form>`,
  );
}
