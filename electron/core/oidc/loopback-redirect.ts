import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KEYWAY_OIDC_LOOPBACK_PATH } from '../../../protocol/api';
import { KeywayError } from '../../../protocol/errors';

/**
 * The RFC 8252 §7.3 loopback redirect: a one-shot HTTP listener on 127.0.0.1 (never `localhost`,
 * which may resolve elsewhere, and never 0.0.0.0) on an ephemeral port. It accepts exactly one
 * callback on /callback, answers the browser with a page that says to return to Keyway, and closes.
 */
export interface LoopbackRedirect {
  readonly redirectUri: string;
  /** Resolves with the full callback URL (query included) of the first request to /callback. */
  readonly callback: Promise<URL>;
  close(): void;
}

const PAGE = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
  `<meta name="viewport" content="width=device-width, initial-scale=1"></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">` +
  `<h1>${title}</h1><p>${body}</p></body></html>`;

export async function startLoopbackRedirect(options: {
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<LoopbackRedirect> {
  let settle: { resolve: (url: URL) => void; reject: (error: Error) => void } | null = null;
  const callback = new Promise<URL>((resolve, reject) => (settle = { resolve, reject }));
  callback.catch(() => undefined);
  let port = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (req.method !== 'GET' || url.pathname !== KEYWAY_OIDC_LOOPBACK_PATH || settle === null) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    const ok = !url.searchParams.has('error');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
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
  port = (server.address() as AddressInfo).port;
  return {
    redirectUri: `http://127.0.0.1:${port}${KEYWAY_OIDC_LOOPBACK_PATH}`,
    callback,
    close: () => fail(new KeywayError('oidc_cancelled', 'Sign-in was cancelled.')),
  };
}
