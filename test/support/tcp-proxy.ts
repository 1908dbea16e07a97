import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that plays the network between Keyway and a server: real sockets, bytes
 * passed through untouched, and faults on demand. A fault picks its victim by the HTTP request the
 * client sends on a connection (the request line is at the start of a chunk, as undici writes it):
 *
 * - `dropResponse`: the request reaches the server, which handles it (a code exchange consumes the
 *   code), but the connection is cut instead of the answer arriving (a dropped Wi-Fi, a VPN flap);
 * - `delayResponse`: the answer is held back `ms` milliseconds (a slow identity provider).
 */
type ProxyFault =
  | { readonly kind: 'dropResponse'; readonly when: (request: string) => boolean }
  | { readonly kind: 'delayResponse'; readonly ms: number; readonly when: (request: string) => boolean };

export interface TcpProxy {
  readonly port: number;
  /** The upstream port on 127.0.0.1; connections made before it is set are refused. */
  target: number | null;
  /** The fault to apply to matching requests from now on; null passes everything through. */
  fault: ProxyFault | null;
  /** How many requests a fault hit so far. */
  readonly hits: number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: number | null = null): Promise<TcpProxy> {
  const connections = new Set<net.Socket>();
  let hits = 0;
  const proxy = {
    port: 0,
    target,
    fault: null as ProxyFault | null,
    get hits() {
      return hits;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of connections) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const server = net.createServer((client) => {
    if (proxy.target === null) {
      client.destroy();
      return;
    }
    const upstream = net.connect(proxy.target, '127.0.0.1');
    connections.add(client).add(upstream);
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', cut).on('error', cut);
    upstream.on('close', cut).on('error', cut);
    client.on('close', () => connections.delete(client));
    upstream.on('close', () => connections.delete(upstream));

    // The fault that applies to the answer of the request in flight on this connection.
    let pending: ProxyFault | null = null;
    client.on('data', (chunk: Buffer) => {
      const fault = proxy.fault;
      if (fault?.when(chunk.toString('latin1'))) {
        pending = fault;
        hits += 1;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      const fault = pending;
      if (fault === null) {
        client.write(chunk);
      } else if (fault.kind === 'dropResponse') {
        cut();
      } else {
        upstream.pause();
        setTimeout(() => {
          if (!client.destroyed) client.write(chunk);
          pending = null;
          upstream.resume();
        }, fault.ms);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as net.AddressInfo).port;
  return proxy;
}

/** `when` for the OAuth token endpoint (code exchange, refresh) of the reference server's provider. */
export const tokenRequest = (request: string): boolean => /^POST \/oidc\/token[ ?]/.test(request);

/** A port that was free a moment ago, for a server that must know its port before it starts. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
