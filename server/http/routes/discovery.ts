import type { FastifyInstance } from 'fastify';
import {
  API_PREFIX,
  DiscoveryRequest,
  DiscoveryResponse,
  type License,
  type ServerFeatures,
} from '../../../protocol/api';
import type { Limits } from '../../config';
import type { SignInPolicy } from '../../discovery/sign-in-policy';
import type { ServerIdentity } from '../../identity';
import { SERVER_FEATURES } from '../../users/user-summary';
import { parseBody, sendJson } from '../json';
import { createLimiter } from '../rate-limiter';

/**
 * Home-realm discovery: how a login ID signs in here. The answer is built only from the sign-in
 * method (one database statement, no password hashing), so it has the same shape and takes the same
 * time for an unknown name as for a password user; the per-source limit keeps it from serving as a
 * fast oracle for the unified-login switches it does reveal.
 */
export function registerDiscoveryRoutes(
  app: FastifyInstance,
  policy: SignInPolicy,
  identity: ServerIdentity,
  limits: Limits,
  features: () => Promise<ServerFeatures> = () => Promise.resolve(SERVER_FEATURES),
  /** The newest published license (never a user's own: the answer must not depend on who asks). */
  license: () => Promise<License> = () => Promise.resolve(identity.license),
): void {
  const perSource = createLimiter(app, {
    max: limits.discoveryPerSourcePerMinute,
    windowSeconds: 60,
    what: 'sign-in lookups from this address',
  });

  app.post(`${API_PREFIX}/discovery`, async (request, reply) => {
    await perSource(request);
    const body = parseBody(DiscoveryRequest, request.body);
    return sendJson(reply, DiscoveryResponse, {
      server: { name: identity.name, origin: identity.origin },
      signIn: await policy.methodForName(body.loginId),
      features: await features(),
      license: await license(),
    });
  });
}
