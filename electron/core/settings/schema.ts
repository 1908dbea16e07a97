import { z } from 'zod';
import { InstallationId, ServerFeatures, SignInMethod, UserSummary } from '../../../protocol/api';
import { ClientConfig } from '../../../protocol/client-config';

/** What Keyway remembers about a server and its user. Never a secret: those live in the keychain. */
export const Profile = z.strictObject({
  origin: z.url(),
  serverName: z.string().min(1),
  user: UserSummary,
  signIn: SignInMethod,
  features: ServerFeatures,
  acceptedLicenseVersion: z.string().nullable(),
  preferences: z.strictObject({
    language: z.string().min(2).max(16),
  }),
  createdAt: z.number().int(),
  /**
   * What the organisation's deployment profile last pushed (core/managed-config.ts): applied below the
   * machine policy. Optional: profiles saved before profiles existed have none.
   */
  managed: ClientConfig.optional(),
});
export type Profile = z.infer<typeof Profile>;

export const SETTINGS_VERSION = 1;

export const Settings = z.strictObject({
  version: z.literal(SETTINGS_VERSION),
  installationId: InstallationId,
  profiles: z.array(Profile).max(50),
  /** The origin of the profile to sign in to at start, if any. */
  activeOrigin: z.url().nullable(),
});
export type Settings = z.infer<typeof Settings>;

export const defaultPreferences: Profile['preferences'] = { language: 'en' };
