import type { FastifyInstance, FastifyReply } from 'fastify';
import { buildDeepLink, LANDING_PATH, parseDeploymentInput } from '../../../protocol/deployment-link';
import { parseDeploymentCode } from '../../../protocol/deployment-code';
import { KeywayError } from '../../../protocol/errors';
import { deploymentSecretHash } from '../../deployments/deployment-service';
import type { ServerIdentity } from '../../identity';
import { LANDING_CSS } from '../../landing/landing-css';
import {
  brokenLinkPage,
  DOWNLOADS_PATH,
  downloadsPage,
  LANDING_CSS_PATH,
  landingPage,
  PAGE_CSP,
} from '../../landing/landing-page';
import { qrSvg } from '../../landing/qr';
import { pageLanguage } from '../languages';
import { pageText } from '../page-messages';

/**
 * The page a deployment e-mail links to. It does not look the code up: it only checks that the code is
 * well formed and names this server, so the page cannot be used to probe which codes exist.
 */
export function registerLandingRoutes(
  app: FastifyInstance,
  identity: ServerIdentity,
  /** Marks the deployment of this secret hash opened (its status); answers nothing, so nothing leaks. */
  opened?: (secretHash: string) => Promise<void>,
): void {
  app.get(LANDING_PATH, async (request, reply) => {
    const text = pageText(pageLanguage(request));
    const code = landingCode(request.url, identity.origin);
    if (code instanceof KeywayError) return sendPage(reply, 400, brokenLinkPage(text, identity.name, text.error(code)));
    // The page is the same whether or not the code exists; only the deployment's status learns of it.
    if (opened) await opened(deploymentSecretHash(parseDeploymentCode(code)));
    const deepLink = buildDeepLink(code);
    return sendPage(
      reply,
      200,
      landingPage({ text, serverName: identity.name, code, deepLink, qrSvg: await qrSvg(deepLink) }),
    );
  });

  app.get(DOWNLOADS_PATH, (request, reply) =>
    sendPage(reply, 200, downloadsPage(pageText(pageLanguage(request)), identity.name)),
  );

  app.get(LANDING_CSS_PATH, (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(LANDING_CSS),
  );
}

/** The code from the page's own URL, parsed as the client parses a landing link; or why it is broken. */
function landingCode(requestUrl: string, origin: string): string | KeywayError {
  const url = new URL(requestUrl, origin);
  if (!url.searchParams.has('code')) return new KeywayError('link_malformed', 'This link has no authentication code.');
  try {
    return parseDeploymentInput(`${origin}${LANDING_PATH}${url.search}`).text;
  } catch (error) {
    if (error instanceof KeywayError) return error;
    throw error;
  }
}

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8').send(html);
}
