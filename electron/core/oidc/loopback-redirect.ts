import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KEYWAY_OIDC_LOOPBACK_PATH } from '../../../protocol/api';
import { KeywayError } from '../../../protocol/errors';

/**
 * The RFC 8252 §7.3 loopback redirect: a one-shot HTTP listener on 127.0.0.1 (never `localhost`,
 * which may resolve elsewhere, and never 0.0.0.0) on an ephemeral port. It accepts exactly one
 * callback on /callback carrying this sign-in's `state`, answers the browser with a page that says to
 * return to Keyway, and closes. A callback with another state (or none) is answered 400 and ignored:
 * any page on this computer can send a GET to the port, and taking it would abort the real sign-in.
 */
export interface LoopbackRedirect {
  readonly redirectUri: string;
  /** The address the listener is really bound to (`127.0.0.1`), as the socket reports it. */
  readonly boundAddress: string;
  /** Resolves with the full callback URL (query included) of the first request to /callback with the state. */
  readonly callback: Promise<URL>;
  close(): void;
}

/** Does the callback carry the state this sign-in sent? Compared in constant time. */
export function stateMatches(received: string | null, expected: string): boolean {
  if (received === null) return false;
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && b.length > 0 && timingSafeEqual(a, b);
}

const PAGE = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
  `<meta name="viewport" content="width=device-width, initial-scale=1"></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">` +
  `<h1>${title}</h1><p>${body}</p></body></html>`;

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

export async function startLoopbackRedirect(options: {
  timeoutMs: number;
  /**
   * The one path that ends the wait (default: unified login's /callback). The passkey browser step uses
   * its own (/passkey-callback), so a leftover unified-login tab cannot answer a passkey step.
   */
  path?: string;
  /** The `state` of the authorization request; only a callback that carries it ends the wait. */
  expectedState: string;
  signal?: AbortSignal;
}): Promise<LoopbackRedirect> {
  let settle: { resolve: (url: URL) => void; reject: (error: Error) => void } | null = null;
  const callback = new Promise<URL>((resolve, reject) => (settle = { resolve, reject }));
  callback.catch(() => undefined);
  let port = 0;
  const path = options.path ?? KEYWAY_OIDC_LOOPBACK_PATH;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (req.method !== 'GET' || url.pathname !== path || settle === null) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    if (!stateMatches(url.searchParams.get('state'), options.expectedState)) {
      // Not the answer to this sign-in (a stale tab, or another page probing the port): keep waiting.
      res.writeHead(400, PAGE_HEADERS);
      res.end(PAGE('Not this sign-in', 'This page does not belong to the sign-in Keyway is waiting for.'));
      return;
    }
    const ok = !url.searchParams.has('error');
    res.writeHead(200, PAGE_HEADERS);
    res.end(
      ok
        ? PAGE('You can return to Keyway', 'Sign-in is finishing in the Keyway app. You can close this tab.')
        : PAGE(
            'Sign-in did not complete',
            'Return to Keyway to see what happened and try again. You can close this tab.',
          ),
    );
    const done = settle;
    settle = null;
    done.resolve(url);
    close();
  });

  const timer = setTimeout(
    () => fail(new KeywayError('oidc_timeout', 'The sign-in in the browser took too long. Try again.')),
    options.timeoutMs,
  );
  const onAbort = (): void => fail(new KeywayError('oidc_cancelled', 'Sign-in was cancelled.'));
  options.signal?.addEventListener('abort', onAbort, { once: true });

  function fail(error: Error): void {
    const pending = settle;
    settle = null;
    pending?.reject(error);
    close();
  }
  function close(): void {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    server.close();
    server.closeAllConnections();
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
  } catch (error) {
    close();
    throw new KeywayError('oidc_loopback_unavailable', 'Keyway could not listen for the browser on this computer.', {
      cause: error,
    });
  }
  const bound = server.address() as AddressInfo;
  port = bound.port;
  return {
    redirectUri: `http://127.0.0.1:${port}${path}`,
    boundAddress: bound.address,
    callback,
    close: () => fail(new KeywayError('oidc_cancelled', 'Sign-in was cancelled.')),
  };
}
