import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

interface ReceivedDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether X-Keyway-Signature verified with the receiver's own key (docs/audit-webhook.md's recipe). */
  signatureValid: boolean;
}

export interface AuditReceiver {
  /** http://127.0.0.1:<port> */
  origin: string;
  received: ReceivedDelivery[];
  /** The statuses of the next answers, in order; 200 once it is empty. A 3xx redirects to /elsewhere. */
  answers: number[];
  /** Resolves once `count` deliveries have arrived (its own count, not a message already there). */
  waitFor(count: number): Promise<void>;
}

/**
 * A webhook receiver on 127.0.0.1:<ephemeral> that verifies each request as docs/audit-webhook.md tells a
 * SIEM to: HMAC-SHA256 of the raw body with its own copy of the secret, compared in constant time.
 */
export async function startAuditReceiver(secret: string, options: { delayMs?: number } = {}): Promise<AuditReceiver> {
  const received: ReceivedDelivery[] = [];
  const answers: number[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const header = String(request.headers['x-keyway-signature'] ?? '');
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
      const given = Buffer.from(header);
      const signatureValid = given.length === expected.length && timingSafeEqual(given, expected);
      const status = answers.shift() ?? 200;
      const reply = (): void => {
        received.push({
          path: request.url ?? '',
          headers: request.headers,
          body: raw.toString('utf8'),
          signatureValid,
        });
        response.writeHead(status, status >= 300 && status < 400 ? { location: '/elsewhere' } : {}).end();
        for (const waiter of waiters.filter((each) => received.length >= each.count)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      };
      if (options.delayMs === undefined) reply();
      else setTimeout(reply, options.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    answers,
    waitFor: (count) =>
      received.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
  };
}
