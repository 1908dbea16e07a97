import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveAppRequest } from '../core/app-page/app-page';
import { HARNESS_SOCKET_PATH } from '../ipc/wire';

/**
 * Serves the built renderer under the app's own rule (electron/core/app-page): the same files, refusals
 * and headers as `app://keyway/` in Electron, on the harness's loopback origin. The only difference is
 * the CSP's connect-src, which adds the harness's WebSocket (the stand-in for Electron's IPC).
 */
export function createStaticSite(
  rendererDir: string,
  port: () => number,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const origin = `http://127.0.0.1:${port()}`;
    const sockets = [
      `ws://127.0.0.1:${port()}${HARNESS_SOCKET_PATH}`,
      `ws://localhost:${port()}${HARNESS_SOCKET_PATH}`,
    ];
    // The request target is a path, resolved against the harness's own origin (whatever Host header came
    // with it); a target that parses to another origin (`//evil/`, an absolute URL) is refused by the rule.
    let url: string;
    try {
      url = new URL(req.url ?? '/', `${origin}/`).href;
    } catch {
      url = 'invalid:';
    }
    void serveAppRequest(req.method ?? 'GET', url, { rendererDir, origin, extraConnect: sockets }).then(
      (answer) => res.writeHead(answer.status, answer.headers).end(answer.body ?? undefined),
      () => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Internal error'),
    );
  };
}
