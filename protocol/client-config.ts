import { z } from 'zod';

/**
 * What an organisation's deployment profile sets on its users' clients (server/deployment-profiles),
 * as the server hands it over in every session answer (`SessionTokens.config`). `version` is the id of
 * the push that published it: a client that sees a version it has not applied yet applies the settings
 * and says so on Home. Machine policy still beats every value here (electron/core/managed-config.ts).
 */

/** The languages Keyway speaks; a pushed language is one of them. */
export const PUSHED_LANGUAGES = ['en', 'fr', 'de'] as const;
/** electron-updater channels (electron/core/updates/update-decision.ts). */
const UPDATE_CHANNELS = ['latest', 'beta', 'alpha'] as const;

export const ClientSettings = z.strictObject({
  language: z.enum(PUSHED_LANGUAGES).optional(),
  updateChannel: z.enum(UPDATE_CHANNELS).optional(),
});
export type ClientSettings = z.infer<typeof ClientSettings>;

export const ClientConfig = z.strictObject({
  /** The push that published it; grows with every push of any profile. */
  version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** The profile's name, for support ("which profile am I on?"). */
  profile: z.string().min(1).max(100),
  settings: ClientSettings,
});
export type ClientConfig = z.infer<typeof ClientConfig>;

/** The client's version as it sends it on redeem: semver-like text, nothing else (shown to admins). */
export const ClientVersion = z
  .string()
  .max(64)
  .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, 'A client version looks like 1.4.2.');
