import { z } from 'zod';
import { License } from '../../protocol/api';
import { ClientSettings, type ClientSettings as ClientSettingsType } from '../../protocol/client-config';
import { KeywayError } from '../../protocol/errors';

/**
 * What a deployment profile holds (MiCollab's model): how its users sign in, their MFA policy, the
 * license version they are shown, features, and client settings. Stored as JSON in
 * deployment_profiles.settings (the draft) and .pushed_settings (what clients receive since the last push).
 */
export const ProfileSettings = z.strictObject({
  signInMethod: z.enum(['password', 'oidc']).optional(),
  mfaMode: z.enum(['optional', 'enforced']).optional(),
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
