import { z } from 'zod';
import { License, type ServerFeatures } from '../../protocol/api';
import { ClientSettings, type ClientSettings as ClientSettingsType } from '../../protocol/client-config';
import { KeywayError } from '../../protocol/errors';
import type { MfaChannel } from '../../protocol/mfa';
import { parseChannels, type MfaPolicy, type ProfileMfa } from '../mfa/policy';

/**
 * What a deployment profile holds (MiCollab's model): how its users sign in, their MFA policy, the
 * license version they are shown, features, and client settings. Stored as JSON in
 * deployment_profiles.settings (the draft) and .pushed_settings (what clients receive since the last push).
 */
export const ProfileSettings = z.strictObject({
  signInMethod: z.enum(['password', 'oidc']).optional(),
  mfaMode: z.enum(['optional', 'enforced']).optional(),
  /**
   * The MFA channels this profile allows, as text in the fixed order ("totp,passkey"): text, not a list,
   * so that two versions of a profile compare by value wherever settings are compared. The server's own
   * policy still bounds it (mfa/policy.ts effectiveMfaPolicy: the allowed channels intersect).
   */
  mfaChannels: z
    .string()
    .refine(isChannelList, 'a comma-separated list of totp, email, sms and passkey, in that order')
    .optional(),
  /** A published license version (license publish); clients show it when the user has not accepted it. */
  licenseVersion: License.shape.version.optional(),
  features: z
    .strictObject({
      forgotPassword: z.boolean().optional(),
      manualLogin: z.boolean().optional(),
    })
    .optional(),
  language: ClientSettings.shape.language,
  updateChannel: ClientSettings.shape.updateChannel,
});
export type ProfileSettings = z.infer<typeof ProfileSettings>;

/** The keys `profile edit` changes; null clears one (the profile then says nothing about it). */
export type ProfileChange = {
  [K in Exclude<keyof ProfileSettings, 'features'>]?: ProfileSettings[K] | null;
} & {
  forgotPassword?: boolean | null;
  manualLogin?: boolean | null;
};

/** The draft after a change, validated; the message names the setting that is wrong. */
export function applyChange(current: ProfileSettings, change: ProfileChange): ProfileSettings {
  const entries = (from: object): [string, unknown][] => Object.entries(from);
  const { features: currentFeatures, ...rest } = current;
  const top = new Map(entries(rest));
  const features = new Map(entries(currentFeatures ?? {}));
  for (const [key, value] of entries(change)) {
    if (value === undefined) continue;
    const target = key === 'forgotPassword' || key === 'manualLogin' ? features : top;
    if (value === null) target.delete(key);
    else target.set(key, value);
  }
  const next: Record<string, unknown> = Object.fromEntries(top);
  if (features.size > 0) next.features = Object.fromEntries(features);
  const parsed = ProfileSettings.safeParse(next);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const setting = issue?.path.join('.') ?? 'setting';
  throw new KeywayError('invalid_input', `The profile setting "${setting}" is not valid: ${issue?.message ?? ''}.`);
}

/** Settings read back from the database; a row that does not parse is a bug, said with the profile's name. */
export function readSettings(json: string, profile: string): ProfileSettings {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  const parsed = ProfileSettings.safeParse(value);
  if (!parsed.success) throw new Error(`The stored settings of deployment profile "${profile}" are damaged.`);
  return parsed.data;
}

/** The part of a profile a client applies itself (protocol/client-config.ts). */
export function clientSettingsOf(settings: ProfileSettings): ClientSettingsType {
  return {
    ...(settings.language === undefined ? {} : { language: settings.language }),
    ...(settings.updateChannel === undefined ? {} : { updateChannel: settings.updateChannel }),
  };
}

/** "totp,passkey": known channels, no repeats, in mfa/policy.ts's fixed order. */
function isChannelList(text: string): boolean {
  try {
    return parseChannels(text).join(',') === text;
  } catch {
    return false;
  }
}

/** The profile's MFA settings, for the server's MFA policy (mfa/policy.ts effectiveMfaPolicy). */
export function profileMfaOf(settings: ProfileSettings | undefined): ProfileMfa | undefined {
  if (settings === undefined || (settings.mfaMode === undefined && settings.mfaChannels === undefined))
    return undefined;
  return {
    ...(settings.mfaMode === undefined ? {} : { mode: settings.mfaMode }),
    ...(settings.mfaChannels === undefined ? {} : { channels: parseChannels(settings.mfaChannels) }),
  };
}

/**
 * The features a user is offered: the server's, minus what their pushed profile turns off. A profile can
 * take a feature away from its users; it cannot offer what the server does not (forgot-password needs the
 * server's switch and its mail).
 */
export function featuresFor(server: ServerFeatures, settings: ProfileSettings | undefined): ServerFeatures {
  return {
    forgotPassword: server.forgotPassword && settings?.features?.forgotPassword !== false,
    manualLogin: server.manualLogin && settings?.features?.manualLogin !== false,
  };
}

/** A profile's channels next to the server's, when the two share none. */
export interface ChannelMismatch {
  /** The channels the profile allows (none of which the server allows). */
  profile: MfaChannel[];
  /** The channels the server's MFA policy allows. */
  server: MfaChannel[];
}

/**
 * The profile allows channels (`mfaChannels`) of which the server allows none: stricter-wins then has
 * nothing left, and effectiveMfaPolicy falls back to the server's channels (mfa/policy.ts). Undefined when
 * the profile says nothing about channels or shares at least one with the server.
 */
export function channelMismatch(server: MfaPolicy, settings: ProfileSettings): ChannelMismatch | undefined {
  if (settings.mfaChannels === undefined) return undefined;
  const profile = parseChannels(settings.mfaChannels);
  if (profile.some((channel) => server.channels.includes(channel))) return undefined;
  return { profile, server: [...server.channels] };
}

/** Whether the profile's users must pass a second factor: the stricter of the two modes (effectiveMfaPolicy). */
function mfaEnforcedFor(server: MfaPolicy, settings: ProfileSettings): boolean {
  return server.mode === 'enforced' || settings.mfaMode === 'enforced';
}

/**
 * Refused when a profile is saved or pushed: its users must pass a second factor, and its channels share
 * none with the server's, so what the admin wrote cannot be what its users get. The CLI prints the
 * message (it names the option); the console words it from `mismatch` in the admin's language.
 */
export class ProfileChannelsRefused extends KeywayError {
  constructor(readonly mismatch: ChannelMismatch) {
    super(
      'invalid_input',
      `The profile setting "mfaChannels" (--mfa-channels ${mismatch.profile.join(',')}) shares no channel with ` +
        `the server's MFA policy (${mismatch.server.join(',')}) while MFA is enforced for the profile's users: ` +
        `allow at least one of ${mismatch.server.join(', ')}, or none (the server's then apply).`,
    );
  }
}

/**
 * The one check behind `profile create|edit|push` on the CLI and in the console (AdminService): throws
 * ProfileChannelsRefused when the profile enforces MFA (itself or through the server) on channels the
 * server allows none of.
 */
export function assertChannelsReachable(server: MfaPolicy, settings: ProfileSettings): void {
  if (!mfaEnforcedFor(server, settings)) return;
  const mismatch = channelMismatch(server, settings);
  if (mismatch) throw new ProfileChannelsRefused(mismatch);
}
