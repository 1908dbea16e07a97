import type { FastifyInstance, FastifyReply } from 'fastify';
import { KeywayError } from '../../protocol/errors';
import type { BrokeredAnswer } from '../federation/federation';
import { FederationError } from '../federation/federation-errors';
import { createLimiter } from '../http/rate-limiter';
import { completionPath, sendFederationError } from './federation-interaction';
import { isRecord, type InteractionDeps } from './interaction-kit';

interface ProviderParams {
  Params: { provider: string };
}

/**
 * Where identity providers reach Keyway's broker, outside /oidc: the SAML service provider's metadata
 * and assertion consumer service (HTTP-POST binding), and the upstream OpenID callback. A good answer
 * is kept under a one-time ticket and the browser goes on (303) to its own interaction, whose cookie
 * (path-scoped to that interaction, and SameSite=Lax, so absent on this cross-site POST anyway)
 * decides whether it may finish it. A refused answer gets a page that says why.
 */
export async function registerBrokerEndpoints(app: FastifyInstance, deps: InteractionDeps): Promise<void> {
  await app.register((scope, _options, done) => {
    // A signed SAML response with its certificate is a few kilobytes of base64; a large one is an attack.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 256 * 1024 },
      (_request, body, parsed) => parsed(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    const perSource = createLimiter(scope, {
      max: deps.limits.signInPerSourcePerMinute,
      windowSeconds: 60,
      what: 'sign-in attempts from this address',
    });

    scope.get<ProviderParams>('/sso/saml/:provider/metadata', async (request, reply) => {
      const provider = await deps.federation.providers.find(request.params.provider);
      if (provider?.kind !== 'saml') {
        throw new KeywayError('not_found', `This server has no SAML identity provider "${request.params.provider}".`);
      }
      return reply
        .header('cache-control', 'public, max-age=300')
        .type('application/samlmetadata+xml; charset=utf-8')
        .send(await deps.federation.spMetadata(provider));
    });

    scope.post<ProviderParams>('/sso/saml/:provider/acs', async (request, reply) => {
      const form = isRecord(request.body) ? request.body : {};
      return answer(deps, reply, request.params.provider, async () => {
        await perSource(request);
        return deps.federation.acceptSaml(request.params.provider, form);
      });
    });

    scope.get<ProviderParams>('/sso/oidc/:provider/callback', async (request, reply) => {
      // The public URL the provider redirected to: openid-client checks it against the redirect URI.
      const callbackUrl = new URL(request.url, deps.publicOrigin());
      return answer(deps, reply, request.params.provider, async () => {
        await perSource(request);
        return deps.federation.acceptOidc(request.params.provider, callbackUrl);
      });
    });
    done();
  });
}

async function answer(
  deps: InteractionDeps,
  reply: FastifyReply,
  providerId: string,
  accept: () => Promise<BrokeredAnswer>,
): Promise<FastifyReply> {
  let accepted: BrokeredAnswer;
  try {
    accepted = await accept();
  } catch (error) {
    if (error instanceof KeywayError && error.code === 'rate_limited') {
      return sendFederationError(deps, reply, new FederationError('sso_rate_limited', error.message), undefined);
    }
    return sendFederationError(deps, reply, error, await deps.federation.providers.find(providerId));
  }
  return reply.redirect(completionPath(accepted.interactionUid, accepted.ticket), 303);
}
