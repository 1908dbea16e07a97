import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Provider } from 'oidc-provider';
import { OIDC_MOUNT_PATH } from './issuer';

/**
 * Serves oidc-provider (a Koa app) under /oidc, the path of its issuer. Koa reads the request body
 * itself, so this scope has no body parsers and hands over the raw request untouched; the reply is
 * hijacked so fastify leaves the response alone. As when mounting on express, `originalUrl` keeps the
 * full path and `url` loses the prefix: oidc-provider derives its mount path from the two. The
 * X-Forwarded-* headers are overwritten (the provider trusts them) with the public origin and the
 * peer's address, so the URLs it writes follow the issuer, whatever Host a request names.
 */
export async function mountOidcProvider(
  app: FastifyInstance,
  provider: () => Provider,
  publicOrigin: () => string,
): Promise<void> {
  let callback: ReturnType<Provider['callback']> | undefined;
  await app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, next) => next(null));
    scope.all(`${OIDC_MOUNT_PATH}/*`, (request, reply) => {
      reply.hijack();
      const raw: IncomingMessage & { originalUrl?: string } = request.raw;
      const origin = new URL(publicOrigin());
      raw.headers['x-forwarded-proto'] = origin.protocol.slice(0, -1);
      raw.headers['x-forwarded-host'] = origin.host;
      raw.headers['x-forwarded-for'] = request.ip;
      const url = raw.url ?? '/';
      raw.originalUrl = url;
      raw.url = url.slice(OIDC_MOUNT_PATH.length) || '/';
      callback ??= provider().callback();
      void callback(raw, reply.raw);
    });
    done();
  });
}
