import type { RawTransport } from '../../../electron/ipc/client';
import { HARNESS_SOCKET_PATH, SocketServerMessage, type SocketClientMessage } from '../../../electron/ipc/wire';

interface Pending {
  resolve: (raw: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * The harness transport: the IPC contract over a WebSocket to electron/core running in Node.
 * Reconnects on its own; after a reconnect it asks for the current view so the page catches up.
 */
export function createSocketTransport(
  url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${HARNESS_SOCKET_PATH}`,
  onConnectionChange: (connected: boolean) => void = () => undefined,
): RawTransport {
  const listeners = new Set<(envelope: unknown) => void>();
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  let nextId = 0;
  let socket: WebSocket;
  let connectedBefore = false;

  const connect = (): void => {
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      onConnectionChange(true);
      for (const message of queue.splice(0)) socket.send(message);
      if (connectedBefore) void resync();
      connectedBefore = true;
    });
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      const parsed = SocketServerMessage.safeParse(typeof event.data === 'string' ? safeJson(event.data) : null);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.kind === 'event') {
        for (const listener of listeners) listener(message.event);
        return;
      }
      pending.get(message.id)?.resolve(message.response);
      pending.delete(message.id);
    });
    socket.addEventListener('close', () => {
      onConnectionChange(false);
      for (const request of pending.values()) request.reject(new Error('Lost the connection to Keyway core.'));
      pending.clear();
      setTimeout(connect, 500);
    });
  };

  const request: RawTransport['request'] = (envelope) =>
    new Promise((resolve, reject) => {
      const message: SocketClientMessage = { kind: 'request', id: nextId++, request: envelope };
      pending.set(message.id, { resolve, reject });
      const text = JSON.stringify(message);
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    });

  // After a reconnect, events published while we were away are lost; fetch the view and replay it as one.
  const resync = async (): Promise<void> => {
    const response = (await request({ command: 'getView', input: {} })) as { ok?: boolean; output?: unknown };
    if (response.ok) for (const listener of listeners) listener({ event: 'view', payload: response.output });
  };

  connect();
  return {
    request,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
