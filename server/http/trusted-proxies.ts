import net from 'node:net';
import { z } from 'zod';

/** proxy-addr's named ranges (fastify's trustProxy compiles the list with it). */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  const family = net.isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const TrustedProxies = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  )
  .pipe(z.array(z.string().refine(isAddressOrRange)));

/** Why KEYWAY_TRUSTED_PROXIES was refused; the CLI prints the message. */
export class TrustedProxiesError extends Error {
  readonly code = 'trusted_proxies_invalid';
  override readonly name = 'TrustedProxiesError';
}

/**
 * KEYWAY_TRUSTED_PROXIES: the addresses of the proxies/load balancers in front of this server, as a
 * comma-separated list of IP addresses, CIDR ranges (10.0.0.0/8) or proxy-addr's names (loopback,
 * linklocal, uniquelocal). Only a request whose TCP peer is in this list has its X-Forwarded-For
 * believed, and then only as far back as the first address that is not in the list (fastify's
 * trustProxy with a list: https://fastify.dev/docs/latest/Reference/Server/#trustproxy). Empty: no
 * forwarded header is believed, the peer address is the client (the default, safe without a proxy).
 */
export function parseTrustedProxies(text: string | undefined): string[] {
  if (text === undefined) return [];
  const parsed = TrustedProxies.safeParse(text);
  if (!parsed.success) {
    throw new TrustedProxiesError(
      'KEYWAY_TRUSTED_PROXIES must be a comma-separated list of IP addresses or CIDR ranges ' +
        '(for example 10.0.0.5,10.1.0.0/16), or loopback, linklocal, uniquelocal.',
    );
  }
  return parsed.data;
}
