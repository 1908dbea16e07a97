import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/**
 * Keyway's side of RFC 8252 §7.3 in a test: a one-page HTTP server on 127.0.0.1 (an ephemeral port) that
 * records every request path and answers with a page a browser can load; closed when the test finishes.
 */
export async function loopbackReceiver(pathname = '/callback'): Promise<{ redirectUri: string; received: string[] }> {
  const received: string[] = [];
  const server = http.createServer((request, response) => {
    received.push(request.url ?? '');
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end('<!doctype html><title>Back in Keyway</title><p>You can close this page.</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { redirectUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}${pathname}`, received };
}
