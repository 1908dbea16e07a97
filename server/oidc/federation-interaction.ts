import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Interaction } from 'oidc-provider';
import { KEYWAY_ENROLMENT_PARAM } from '../../protocol/api';
import { KeywayError } from '../../protocol/errors';
import { FAILURE_STATUS, FederationError } from '../federation/federation-errors';
import type { IdentityProvider } from '../federation/provider-config';
import { statusOf } from '../http/problem';
import type { Limiter } from '../http/rate-limiter';
import {
  finishLogin,
  interaction,
  interactionPath,
  isRecord,
  loginHint,
  refuseForm,
  sendPage,
  showSignIn,
  ssoStartPath,
  textOf,
  type InteractionDeps,
  type UidRoute,
} from './interaction-kit';
import { isLockedByAdmin, LOCKED_MESSAGE } from '../users/user-lock';
import { OIDC_MOUNT_PATH } from './issuer';
import { startMfa } from './mfa-interaction';
import { federationErrorPage } from './pages';

interface ProviderRoute extends UidRoute {
  Params: { uid: string; provider: string };
}

/**
 * Brokered sign-in inside a provider interaction: a "Login with …" button starts it (a POST with the
 * interaction's CSRF token), or home-realm routing does when the login_hint's domain belongs to one
 * provider. The identity provider answers at /sso/… (broker-endpoints.ts), which sends the browser
 * back here with a one-time ticket; only the browser holding this interaction's cookie can redeem it.
 * Keyway's MFA policy then applies exactly as after a password.
 */
export function registerFederationInteractionRoutes(
  scope: FastifyInstance,
  deps: InteractionDeps,
  perSource: Limiter,
): void {
  const base = `${OIDC_MOUNT_PATH}/interaction/:uid/sso`;

  scope.post<ProviderRoute>(`${base}/:provider`, async (request, reply) => {
    const details = await interaction(deps, request, reply);
    if (!details) return reply;
    const form = isRecord(request.body) ? request.body : {};
    if (!deps.csrf.check(details.uid, form.csrf)) return refuseForm(deps, reply, details);
    const provider = await deps.federation.providers.find(request.params.provider);
    if (!provider) {
      return showSignIn(deps, reply, details, { status: 404, error: textOf(reply, details).t('wayGone') });
    }
    try {
      await perSource(request);
    } catch (error) {
      if (!(error instanceof KeywayError)) throw error;
      if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
      return showSignIn(deps, reply, details, { status: statusOf(error.code), error });
    }
    return sendToProvider(deps, reply, details, provider);
  });

  scope.get<UidRoute>(`${base}/complete`, async (request, reply) => {
    const details = await interaction(deps, request, reply);
    if (!details) return reply;
    const ticket = typeof request.query.ticket === 'string' ? request.query.ticket : '';
    let user;
    try {
      ({ user } = await deps.federation.complete(details.uid, ticket));
    } catch (error) {
      return sendFederationError(deps, reply, error, undefined);
    }
    // An admin's lock (users/user-lock.ts) holds whatever the upstream says: the reason on the sign-in page
    // rather than a code the token endpoint would refuse anyway (provider.ts findAccount).
    if (isLockedByAdmin(user)) return showSignIn(deps, reply, details, { status: 403, error: LOCKED_MESSAGE });
    if (await deps.mfa.gate.startForInteraction(user, details.uid, details.params[KEYWAY_ENROLMENT_PARAM]))
      return startMfa(deps, reply, details);
    return finishLogin(deps, request, reply, details, String(user.id), []);
  });
}

/**
 * Home-realm routing: when the login_hint's domain is routed to a provider, the sign-in page is
 * skipped and the browser goes straight there. `?sso=choose` (the way back from a refusal) shows the
 * page instead, so a failing provider never loops. True when it sent the browser on (or a refusal).
 */
export async function routeByDomain(
  deps: InteractionDeps,
  reply: FastifyReply,
  details: Interaction,
  query: UidRoute['Querystring'],
): Promise<boolean> {
  if (query.sso === 'choose') return false;
  const provider = await deps.federation.routedProvider(loginHint(details));
  if (provider === undefined) return false;
  await sendToProvider(deps, reply, details, provider);
  return true;
}

async function sendToProvider(
  deps: InteractionDeps,
  reply: FastifyReply,
  details: Interaction,
  provider: IdentityProvider,
): Promise<FastifyReply> {
  let url: string;
  try {
    url = await deps.federation.begin(provider, details.uid, loginHint(details));
  } catch (error) {
    if (error instanceof FederationError) error.interactionUid ??= details.uid;
    return sendFederationError(deps, reply, error, provider);
  }
  return reply.redirect(url, 303);
}

/** The page for a refused brokered sign-in, with "Try again" and the other ways when the sign-in is known. */
export function sendFederationError(
  deps: InteractionDeps,
  reply: FastifyReply,
  error: unknown,
  provider: IdentityProvider | undefined,
): FastifyReply {
  if (!(error instanceof FederationError)) throw error;
  deps.log(`sso: refused (${error.code}): ${causeOf(error)}`);
  const uid = error.interactionUid;
  return sendPage(
    reply,
    FAILURE_STATUS[error.code],
    federationErrorPage({
      text: textOf(reply),
      serverName: deps.serverName(),
      code: error.code,
      message: error.message,
      retry:
        uid !== undefined && provider !== undefined
          ? {
              action: ssoStartPath(uid, provider.id),
              csrfToken: deps.csrf.tokenFor(uid),
              providerName: provider.displayName,
            }
          : undefined,
      otherWaysUrl: uid === undefined ? undefined : `${interactionPath(uid)}?sso=choose`,
    }),
  );
}

/** The library's own words, for the server log (never the answer itself, which holds personal data). */
function causeOf(error: FederationError): string {
  const cause = error.cause;
  return cause instanceof Error ? `${error.message} [${cause.message.slice(0, 300)}]` : error.message;
}

/** Where the broker endpoints send the browser once an answer checked out. */
export function completionPath(interactionUid: string, ticket: string): string {
  return `${interactionPath(interactionUid)}/sso/complete?ticket=${encodeURIComponent(ticket)}`;
}
