import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';
import { HARNESS_SOCKET_PATH } from '../ipc/wire';

/**
 * Serves the built renderer with the same restrictions the Electron window has: a strict CSP (plus
 * frame-ancestors, which a meta tag cannot set), no sniffing, no caching of stale bundles.
 */
export function createStaticSite(
  rendererDir: string,
  port: () => number,
): (req: IncomingMessage, res: ServerResponse) => void {
  const serve = sirv(rendererDir, { dev: false, etag: true, single: false, dotfiles: false });
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const sockets = [
      `ws://127.0.0.1:${port()}${HARNESS_SOCKET_PATH}`,
      `ws://localhost:${port()}${HARNESS_SOCKET_PATH}`,
    ];
    res.setHeader(
      'content-security-policy',
      [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        `connect-src 'self' ${sockets.join(' ')}`,
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cache-control', 'no-store');
    serve(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
    });
  };
}
