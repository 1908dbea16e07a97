import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { KeywayCore } from '../core/keyway-core';
import { createCoreHandlers } from '../core/keyway-core';
import { createDispatcher, encodeEvent } from '../ipc/dispatcher';
import { HARNESS_SOCKET_PATH, SocketClientMessage, type EventEnvelope, type SocketServerMessage } from '../ipc/wire';

/** No contract message comes near this; anything bigger is an attack or a bug. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * Serves the IPC contract over a WebSocket so the renderer can run in a plain browser. This is the
 * harness's equivalent of main's sender check: only pages served by this harness (same Origin) and
 * requests addressed to a loopback host name (no DNS rebinding) may connect.
 */
export function attachSocketBridge(
  server: Server,
  core: KeywayCore,
  allowedOrigins: () => readonly string[],
): { sockets: WebSocketServer; broadcast: (event: EventEnvelope) => number } {
  const dispatch = createDispatcher(createCoreHandlers(core));
  const sockets = new WebSocketServer({
    server,
    path: HARNESS_SOCKET_PATH,
    maxPayload: MAX_MESSAGE_BYTES,
    verifyClient: ({ req }: { req: IncomingMessage }) => isAllowedUpgrade(req, allowedOrigins()),
  });

  sockets.on('connection', (socket: WebSocket) => {
    const send = (message: SocketServerMessage): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const unsubscribe = core.onView((view) => send({ kind: 'event', event: encodeEvent('view', view) }));
    socket.on('close', unsubscribe);
    socket.on('message', (data, isBinary) => {
      void (async () => {
        const message = !isBinary && Buffer.isBuffer(data) ? parseJson(data.toString('utf8')) : null;
        const parsed = SocketClientMessage.safeParse(message);
        if (!parsed.success) {
          socket.close(1008, 'Not a Keyway IPC message');
          return;
        }
        const response = await dispatch(parsed.data.request);
        send({ kind: 'response', id: parsed.data.id, response });
      })();
    });
  });
  /** Sends an event to every connected page; returns how many received it. */
  const broadcast = (event: EventEnvelope): number => {
    let sent = 0;
    for (const socket of sockets.clients) {
      if (socket.readyState !== socket.OPEN) continue;
      socket.send(JSON.stringify({ kind: 'event', event } satisfies SocketServerMessage));
      sent += 1;
    }
    return sent;
  };
  return { sockets, broadcast };
}

function isAllowedUpgrade(req: Pick<IncomingMessage, 'headers'>, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (origin === undefined || host === undefined) return false;
  if (!allowedOrigins.includes(origin)) return false;
  return allowedOrigins.some((allowed) => new URL(allowed).host === host);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
