import { KeywayError } from './errors';

/**
 * The one rule for which servers Keyway may talk to: `https://host[:port]`, or plain http only to a
 * loopback address (development and the embedded reference server). Returns the normalized origin.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/**
 * Packaged builds talk https only: plain http, even to this computer, is for development builds and the
 * test harness (a local process could otherwise stand in for a server or an identity provider the user
 * was sent to by a link). Core gets the switch from its host: main passes `!app.isPackaged`, the harness
 * true. `origin` has already passed parseServerOrigin (or is an issuer URL).
 */
export function assertPlainHttpAllowed(origin: string, plainHttpLoopback: boolean): void {
  if (plainHttpLoopback || !origin.toLowerCase().startsWith('http:')) return;
  throw new KeywayError(
    'server_insecure',
    `Refusing ${origin}: this build of Keyway only uses https; plain http to this computer is for development builds.`,
  );
}

export function parseServerOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new KeywayError('link_malformed', 'The server address is not a valid URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new KeywayError('link_wrong_scheme', `Keyway only talks to https servers, not "${url.protocol}".`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new KeywayError('link_malformed', 'The server address must not contain a user name or password.');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new KeywayError(
      'server_insecure',
      `Refusing ${url.host}: Keyway only uses https, except for this computer (localhost) during development.`,
    );
  }
  if (!/^(?:[a-z0-9-]+\.)*[a-z0-9-]+$|^\[::1\]$/.test(url.hostname)) {
    throw new KeywayError('link_malformed', 'The server name contains characters a host name cannot have.');
  }
  return url.origin;
}
