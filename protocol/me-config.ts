import { z } from 'zod';
import { License } from './api';
import { ClientConfig } from './client-config';

/**
 * GET /api/v1/me/config (Authorization: Bearer …): what a session answer carries for a password session
 * (`SessionTokens.license` and `.config`), for a client signed in by unified login, whose tokens come
 * from the server's OpenID Provider and so never pass through a session answer. The bearer is the
 * provider's access token (or a Keyway API access token). `config` is null when the user has no pushed
 * deployment profile.
 */
export const ME_CONFIG_PATH = '/me/config';

export const MeConfig = z.strictObject({
  license: License,
  config: ClientConfig.nullable(),
});
export type MeConfig = z.infer<typeof MeConfig>;
