import type { FastifyInstance } from 'fastify';
import type { Provider } from 'oidc-provider';
import { API_PREFIX } from '../../../protocol/api';
import { KeywayError } from '../../../protocol/errors';
import { ME_CONFIG_PATH, MeConfig } from '../../../protocol/me-config';
import { userIdOfProviderAccessToken } from '../../oidc/access-tokens';
import type { SessionService } from '../../sessions/session-service';
import type { UserRecord, UserStore } from '../../users/user-store';
import { sendJson } from '../json';

export interface MeConfigDeps {
  sessions: SessionService;
  users: UserStore;
  /** The OpenID Provider whose access tokens unified-login clients hold (oidc/oidc.ts). */
  provider: () => Provider;
  /** The user's license and pushed profile settings: what every session answer carries. */
  configFor: (user: UserRecord) => Promise<MeConfig>;
}

/** The bearer syntax the other /me routes accept (sessions/session-service.ts userOfBearer). */
const BEARER = /^Bearer ([A-Za-z0-9_-]{16,4096})$/;

/**
 * GET /api/v1/me/config (protocol/me-config.ts): the pushed configuration for a client signed in by
 * unified login, whose tokens come from the OpenID Provider and never pass through a session answer.
 * The bearer is a Keyway API access token, or an access token of this server's provider, checked as
 * its userinfo endpoint checks one (oidc/access-tokens.ts). Anything else is `unauthorized`, with the
 * same answer whatever was wrong with it.
 */
export function registerMeConfigRoutes(app: FastifyInstance, deps: MeConfigDeps): void {
  app.get(`${API_PREFIX}${ME_CONFIG_PATH}`, async (request, reply) =>
    sendJson(reply, MeConfig, await deps.configFor(await userOf(deps, request.headers.authorization))),
  );
}

async function userOf(deps: MeConfigDeps, authorization: string | undefined): Promise<UserRecord> {
  const token = BEARER.exec(authorization ?? '')?.[1];
  if (token !== undefined) {
    try {
      return await deps.sessions.userOfBearer(authorization);
    } catch (error) {
      if (!(error instanceof KeywayError) || error.code !== 'unauthorized') throw error;
    }
    const userId = await userIdOfProviderAccessToken(deps.provider(), token);
    const user = userId === undefined ? undefined : await deps.users.findById(userId);
    if (user) return user;
  }
  throw new KeywayError('unauthorized', 'Sign in first: the access token is missing, expired or revoked.');
}
