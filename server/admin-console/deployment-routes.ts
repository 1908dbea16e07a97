import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { KeywayError } from '../../protocol/errors';
import type { AdminService } from '../admin/admin-service';
import { ProfileChannelsRefused, type ProfileChange } from '../deployment-profiles/profile-settings';
import type { ProfilePush } from '../deployment-profiles/deployment-profiles';
import { formFields, sendHtml } from '../http/web-form';
import {
  mfaChannelField,
  mfaChannelName,
  PROFILE_MFA_CHANNELS,
  SETTING_CHOICES,
  deploymentsPage,
  licensesPage,
  profilePage,
  profilesPage,
  userDeploymentsSection,
  type Outcome,
} from './deployment-pages';
import type { Translate } from './messages';
import { ADMIN_PATH, type PageFrame } from './pages';

/** What these pages need of a held admin session (routes.ts `Held`). */
export interface HeldAdmin {
  frame: PageFrame;
  service: AdminService;
}

type Handler<H extends HeldAdmin> = (held: H, request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

export interface DeploymentRouteTools<H extends HeldAdmin> {
  /** routes.ts: same origin, live admin session, CSRF token (posts), per-admin rate limit. */
  guarded: (
    method: 'get' | 'post',
    handler: Handler<H>,
  ) => (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
  /** routes.ts: the admin's own password again; false (and nothing done) when wrong or empty. */
  reauthenticated: (held: H, password: string | undefined) => Promise<boolean>;
}

/** A user's deployments, as the user page shows them (empty markup if the user cannot be listed). */
export async function userDeployments(held: HeldAdmin, loginId: string): Promise<string> {
  return userDeploymentsSection(held.frame, loginId, await held.service.listDeployments({ user: loginId }));
}

/**
 * Deployments (send, re-send, revoke, status per deployment and per user), deployment profiles
 * (create, edit, assign, unassign, push) and licenses (publish, list) in the console (issue 18), over
 * the AdminService the CLI uses. Every post goes through `guarded` (CSRF, origin, session); revoking a
 * deployment asks for the admin's password, like the user page's actions that cannot be undone.
 */
export function registerDeploymentPages<H extends HeldAdmin>(
  scope: FastifyInstance,
  tools: DeploymentRouteTools<H>,
): void {
  const { guarded, reauthenticated } = tools;

  // --- Deployments ---

  const showDeployments = async (
    held: H,
    reply: FastifyReply,
    status: number,
    user: string,
    outcome: Outcome = {},
  ): Promise<FastifyReply> => {
    const { t } = held.frame;
    const listed = await attempt(() => held.service.listDeployments(user === '' ? {} : { user }));
    if (listed instanceof KeywayError) {
      return sendHtml(
        reply,
        outcome.error === undefined ? 400 : status,
        deploymentsPage(held.frame, {
          user,
          deployments: [],
          error: outcome.error ?? named(t, t('fieldUser'), listed.message),
        }),
      );
    }
    return sendHtml(reply, status, deploymentsPage(held.frame, { user, deployments: listed, ...outcome }));
  };

  scope.get(
    `${ADMIN_PATH}/deployments`,
    guarded('get', async (held, request, reply) => {
      const user = textOf((request.query as { user?: unknown }).user);
      return showDeployments(held, reply, 200, user);
    }),
  );

  scope.post(
    `${ADMIN_PATH}/deployments/send`,
    guarded('post', async (held, request, reply) => {
      const { t } = held.frame;
      const user = textOf(formFields(request.body).user);
      const sent = await attempt(() => held.service.sendDeployment(user));
      if (sent instanceof KeywayError) {
        return showDeployments(held, reply, 400, '', { error: named(t, t('fieldUser'), sent.message) });
      }
      return showDeployments(held, reply, 200, sent.user.loginId, {
        notice: t('deploymentSent', { id: sent.id, email: sent.user.email }),
      });
    }),
  );

  scope.post(
    `${ADMIN_PATH}/deployments/resend`,
    guarded('post', async (held, request, reply) => {
      const { t } = held.frame;
      const fields = formFields(request.body);
      const user = textOf(fields.user);
      const id = deploymentId(t, fields.id);
      const sent = id instanceof KeywayError ? id : await attempt(() => held.service.resendDeployment(id));
      if (sent instanceof KeywayError) {
        return showDeployments(held, reply, 400, user, { error: named(t, t('fieldDeployment'), sent.message) });
      }
      const message = t('deploymentResent', { id: sent.id, email: sent.user.email });
      return showDeployments(held, reply, 200, user, {
        notice: sent.revokedPrevious ? `${message} ${t('previousRevoked')}` : message,
      });
    }),
  );

  scope.post(
    `${ADMIN_PATH}/deployments/revoke`,
    guarded('post', async (held, request, reply) => {
      const { t } = held.frame;
      const fields = formFields(request.body);
      const user = textOf(fields.user);
      if (!(await reauthenticated(held, fields.reauth))) {
        return showDeployments(held, reply, 403, user, { error: t('reauthFailed') });
      }
      const id = deploymentId(t, fields.id);
      const revoked = id instanceof KeywayError ? id : await attempt(() => held.service.revokeDeployment(id));
      if (revoked instanceof KeywayError) {
        return showDeployments(held, reply, 400, user, { error: named(t, t('fieldDeployment'), revoked.message) });
      }
      return showDeployments(held, reply, 200, user, { notice: t('deploymentRevoked', { id: revoked.id }) });
    }),
  );

  // --- Deployment profiles ---

  scope.get(
    `${ADMIN_PATH}/profiles`,
    guarded('get', async (held, _request, reply) =>
      sendHtml(reply, 200, profilesPage(held.frame, { profiles: await held.service.listProfiles() })),
    ),
  );

  scope.post(
    `${ADMIN_PATH}/profiles/create`,
    guarded('post', async (held, request, reply) => {
      const { t } = held.frame;
      const name = textOf(formFields(request.body).profile);
      const created = await attempt(() => held.service.createProfile(name));
      if (created instanceof KeywayError) {
        return sendHtml(
          reply,
          400,
          profilesPage(held.frame, {
            profiles: await held.service.listProfiles(),
            name,
            error: named(t, t('profileName'), created.message),
          }),
        );
      }
      return showProfile(held, reply, 200, created.name, { notice: t('profileCreated') });
    }),
  );

  const showProfile = async (
    held: H,
    reply: FastifyReply,
    status: number,
    name: string,
    outcome: Outcome & { push?: ProfilePush } = {},
  ): Promise<FastifyReply> => {
    const profile = (await held.service.listProfiles()).find((each) => each.name === name);
    if (!profile) {
      const { t } = held.frame;
      return sendHtml(
        reply,
        404,
        profilesPage(held.frame, {
          profiles: await held.service.listProfiles(),
          error: named(t, t('profileName'), `No deployment profile is named "${name}".`),
        }),
      );
    }
    const licenses = (await held.service.listLicenses()).map((license) => license.version);
    const serverMfa = await held.service.mfaPolicy();
    return sendHtml(reply, status, profilePage(held.frame, { profile, licenses, serverMfa, ...outcome }));
  };

  scope.get(
    `${ADMIN_PATH}/profile`,
    guarded('get', async (held, request, reply) =>
      showProfile(held, reply, 200, textOf((request.query as { name?: unknown }).name)),
    ),
  );

  /** A form about one profile: runs `act`, then shows the profile with its outcome (or the error). */
  const profileAction = (
    act: (held: H, profile: string, fields: Record<string, string>) => Promise<Outcome & { push?: ProfilePush }>,
  ) =>
    guarded('post', async (held, request, reply) => {
      const fields = formFields(request.body);
      const profile = textOf(fields.profile);
      const outcome = await attempt(() => act(held, profile, fields));
      if (outcome instanceof KeywayError) return showProfile(held, reply, 400, profile, { error: outcome.message });
      return showProfile(held, reply, outcome.error === undefined ? 200 : 400, profile, outcome);
    });

  scope.post(
    `${ADMIN_PATH}/profile/edit`,
    profileAction(async (held, profile, fields) => {
      const { t } = held.frame;
      const change = profileChange(t, fields);
      try {
        await held.service.editProfile(profile, change);
      } catch (error) {
        return { error: channelsRefusal(t, error) };
      }
      return { notice: t('saved') };
    }),
  );

  scope.post(
    `${ADMIN_PATH}/profile/assign`,
    profileAction(async (held, profile, fields) => {
      const { t } = held.frame;
      const target = assignmentTarget(t, fields);
      if (fields.mode === 'unassign') {
        const removed = await named(t, target.label, () => held.service.unassignProfile(target.to));
        return { notice: removed ? t('unassigned') : t('notAssigned') };
      }
      await named(t, target.label, () => held.service.assignProfile(profile, target.to));
      return { notice: t('assigned') };
    }),
  );

  scope.post(
    `${ADMIN_PATH}/profile/unassign`,
    profileAction(async (held, _profile, fields) => {
      const { t } = held.frame;
      const target = assignmentTarget(t, fields);
      const removed = await named(t, target.label, () => held.service.unassignProfile(target.to));
      return { notice: removed ? t('unassigned') : t('notAssigned') };
    }),
  );

  scope.post(
    `${ADMIN_PATH}/profile/push`,
    profileAction(async (held, profile) => {
      try {
        return { push: await held.service.pushProfile(profile) };
      } catch (error) {
        return { error: channelsRefusal(held.frame.t, error) };
      }
    }),
  );

  // --- Licenses ---

  const showLicenses = async (
    held: H,
    reply: FastifyReply,
    status: number,
    input: Outcome & { version?: string; text?: string } = {},
  ): Promise<FastifyReply> =>
    sendHtml(reply, status, licensesPage(held.frame, { licenses: await held.service.listLicenses(), ...input }));

  scope.get(
    `${ADMIN_PATH}/licenses`,
    guarded('get', (held, _request, reply) => showLicenses(held, reply, 200)),
  );

  scope.post(
    `${ADMIN_PATH}/licenses/publish`,
    guarded('post', async (held, request, reply) => {
      const fields = formFields(request.body);
      const version = textOf(fields.version);
      const text = (fields.text ?? '').replace(/\r\n/g, '\n');
      // The service's messages name the field ("The license version … is not valid", "License version
      // "2" is already published"): shown as they are, with what was typed kept in the form.
      const published = await attempt(() => held.service.publishLicense(version, text));
      if (published instanceof KeywayError) {
        return showLicenses(held, reply, 400, { version, text, error: published.message });
      }
      return showLicenses(held, reply, 200, {
        notice: held.frame.t('licensePublished', { version: published.version }),
      });
    }),
  );
}

/**
 * AdminService's one channel check (profile-settings.ts assertChannelsReachable) in the admin's language,
 * naming the field; any other error goes on.
 */
function channelsRefusal(t: Translate, error: unknown): string {
  if (!(error instanceof ProfileChannelsRefused)) throw error;
  const server = error.mismatch.server.map((channel) => mfaChannelName(t, channel)).join(', ');
  return t('fieldError', { field: t('settingMfaChannels'), message: t('mfaChannelsNoOverlap', { server }) });
}

/** A form field's text, trimmed and bounded (a query value may be an array or absent). */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value.trim().slice(0, 400) : '';
}

async function attempt<T>(work: () => Promise<T>): Promise<T | KeywayError> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof KeywayError) return error;
    throw error;
  }
}

/**
 * "Field: message". With a function, runs it and names the field in the KeywayError it throws (so a
 * service message such as "No user has the login ID …" says which field it is about).
 */
function named(t: Translate, field: string, message: string): string;
function named<T>(t: Translate, field: string, work: () => Promise<T>): Promise<T>;
function named<T>(t: Translate, field: string, what: string | (() => Promise<T>)): string | Promise<T> {
  if (typeof what === 'string') return t('fieldError', { field, message: what });
  return what().catch((error: unknown) => {
    if (error instanceof KeywayError)
      throw new KeywayError(error.code, t('fieldError', { field, message: error.message }));
    throw error;
  });
}

const DeploymentId = z
  .string()
  .regex(/^\d{1,15}$/)
  .transform(Number);

function deploymentId(t: Translate, value: string | undefined): number | KeywayError {
  const parsed = DeploymentId.safeParse((value ?? '').trim());
  // The caller names the field ("Deployment: …").
  return parsed.success ? parsed.data : new KeywayError('invalid_input', t('notAChoice', { value: value ?? '' }));
}

/** The user or the domain an (un)assignment is about: exactly one of the two fields. */
function assignmentTarget(
  t: Translate,
  fields: Record<string, string>,
): { to: { user: string } | { domain: string }; label: string } {
  const user = textOf(fields.user);
  const domain = textOf(fields.domain);
  if ((user === '') === (domain === '')) throw new KeywayError('invalid_input', t('assignOne'));
  return user !== '' ? { to: { user }, label: t('fieldUser') } : { to: { domain }, label: t('fieldDomain') };
}

/**
 * The edit form as a ProfileChange, parsed with zod: each select must hold one of its choices ('' clears
 * the setting); a value that is not is refused with the setting's label. The license version is any
 * text the service then checks is published (its message names the version).
 */
function profileChange(t: Translate, fields: Record<string, string>): ProfileChange {
  const labels: Record<keyof typeof SETTING_CHOICES, string> = {
    signInMethod: t('settingSignIn'),
    mfaMode: t('settingMfa'),
    forgotPassword: t('settingForgot'),
    manualLogin: t('settingManualLogin'),
    language: t('settingLanguage'),
    updateChannel: t('settingChannel'),
  };
  const form = z.object({
    signInMethod: z.enum(SETTING_CHOICES.signInMethod),
    mfaMode: z.enum(SETTING_CHOICES.mfaMode),
    forgotPassword: z.enum(SETTING_CHOICES.forgotPassword),
    manualLogin: z.enum(SETTING_CHOICES.manualLogin),
    language: z.enum(SETTING_CHOICES.language),
    updateChannel: z.enum(SETTING_CHOICES.updateChannel),
    licenseVersion: z.string(),
  });
  const given = Object.fromEntries(
    [...Object.keys(SETTING_CHOICES), 'licenseVersion'].map((key) => [key, (fields[key] ?? '').trim()]),
  );
  const parsed = form.safeParse(given);
  if (!parsed.success) {
    const key = String(parsed.error.issues[0]?.path[0] ?? '') as keyof typeof SETTING_CHOICES;
    throw new KeywayError(
      'invalid_input',
      t('fieldError', { field: labels[key], message: t('notAChoice', { value: given[key] ?? '' }) }),
    );
  }
  const v = parsed.data;
  // Each channel's box sends "on" when ticked and nothing otherwise; anything else is not a choice.
  const wrongBox = PROFILE_MFA_CHANNELS.map((channel) => fields[mfaChannelField(channel)]).find(
    (value) => value !== undefined && value !== 'on',
  );
  if (wrongBox !== undefined) {
    throw new KeywayError(
      'invalid_input',
      t('fieldError', { field: t('settingMfaChannels'), message: t('notAChoice', { value: wrongBox }) }),
    );
  }
  const ticked = PROFILE_MFA_CHANNELS.filter((channel) => fields[mfaChannelField(channel)] === 'on');
  const orNull = <T extends string>(value: T | ''): T | null => (value === '' ? null : value);
  const flag = (value: '' | 'on' | 'off'): boolean | null => (value === '' ? null : value === 'on');
  return {
    signInMethod: orNull(v.signInMethod),
    mfaMode: orNull(v.mfaMode),
    // None ticked: the profile says nothing about channels, and the server's apply.
    mfaChannels: ticked.length === 0 ? null : ticked.join(','),
    licenseVersion: orNull(v.licenseVersion),
    forgotPassword: flag(v.forgotPassword),
    manualLogin: flag(v.manualLogin),
    language: orNull(v.language),
    updateChannel: orNull(v.updateChannel),
  };
}
