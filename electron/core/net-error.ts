import { KeywayError } from '../../protocol/errors';

/**
 * One mapping from "the request never got an answer" to Keyway's codes, shared by the server API and
 * the OpenID Connect client, for both fetch implementations core runs on:
 *
 * - Electron's `net.fetch` (the app). It rejects with a plain `Error` whose message is Chromium's net
 *   error name and which has no `code`: the URL loader emits `net::ErrorToString(loader_->NetError())`
 *   (shell/browser/api/electron_api_url_loader.cc, SimpleURLLoaderWrapper::OnComplete) and
 *   lib/common/api/net-client-request.ts turns it into `new Error(netErrorString)`, which
 *   lib/browser/api/net-fetch.ts passes to the promise as is; e.g. "Error: net::ERR_NETWORK_CHANGED at
 *   SimpleURLLoaderWrapper.<anonymous>" in electron/electron#21577 and lukehaas/RunJS#336. openid-client
 *   wraps such an error (not a TypeError) as a ClientError "something went wrong" with it as `cause`.
 * - Node's fetch (undici: the harness and the tests): `TypeError('fetch failed')` with the system or
 *   TLS error as `cause`, and its `code` (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, …).
 *
 * Both abort on the request's AbortSignal with its reason, a DOMException named TimeoutError.
 */
export function networkError(error: unknown, host?: string): KeywayError {
  const where = host ?? 'the server';
  if (timedOutError(error)) return timeout(where, error);
  const net = chromiumNetError(error);
  if (net !== undefined) return fromChromium(net, where, error);
  const code = nodeCode(error);
  if (code !== undefined) {
    if (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT')) {
      return tls(where, `its security certificate ${NODE_TLS_PROBLEMS[code] ?? `was refused (${code})`}`, error);
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return notFound(where, error);
  }
  return unreachable(where, error);
}

/**
 * True when `error` itself is a failure to get any answer: Electron's `net::ERR_*`, undici's TypeError,
 * a timeout. The OIDC mapping asks this of each error in a chain before reading openid-client's codes.
 */
export function isNetworkFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error instanceof TypeError || error.name === 'TimeoutError' || CHROMIUM_NET_ERROR.test(error.message.trim());
}

/** Chromium's net error names (net/base/net_error_list.h) look like this: `net::ERR_CERT_DATE_INVALID`. */
const CHROMIUM_NET_ERROR = /^net::(ERR_[A-Z0-9_]{1,64})$/;

/** The `ERR_…` name of a Chromium net error in `error` or its causes, else undefined. */
function chromiumNetError(error: unknown): string | undefined {
  for (const item of chain(error)) {
    const match = CHROMIUM_NET_ERROR.exec(item.message.trim());
    if (match) return match[1];
  }
  return undefined;
}

function fromChromium(name: string, where: string, cause: unknown): KeywayError {
  // Certificates (ERR_CERT_*, ERR_CERTIFICATE_TRANSPARENCY_REQUIRED), the TLS handshake (ERR_SSL_*) and
  // a server that demands a client certificate: IT has to fix these, there is never a "continue anyway".
  if (name.startsWith('ERR_CERT')) {
    return tls(where, `its security certificate ${CHROMIUM_CERT_PROBLEMS[name] ?? `was refused (${name})`}`, cause);
  }
  if (name.startsWith('ERR_SSL') || name === 'ERR_BAD_SSL_CLIENT_AUTH_CERT' || name === 'ERR_INSECURE_RESPONSE') {
    return tls(where, `the secure connection failed (${name})`, cause);
  }
  if (name === 'ERR_NAME_NOT_RESOLVED' || name === 'ERR_NAME_RESOLUTION_FAILED') return notFound(where, cause);
  if (name === 'ERR_TIMED_OUT' || name === 'ERR_CONNECTION_TIMED_OUT') return timeout(where, cause);
  if (name === 'ERR_INTERNET_DISCONNECTED') {
    return new KeywayError(
      'server_unreachable',
      `Keyway can’t reach ${where}: this computer is not connected to the internet. Check your network connection and try again.`,
      { cause },
    );
  }
  if (name.startsWith('ERR_PROXY') || name === 'ERR_TUNNEL_CONNECTION_FAILED' || name.includes('PROXY')) {
    return new KeywayError(
      'server_unreachable',
      `Keyway can’t reach ${where} through this computer’s proxy (${name}). Check the proxy settings or ask your IT department.`,
      { cause },
    );
  }
  // ERR_CONNECTION_REFUSED / RESET / CLOSED / ABORTED / FAILED, ERR_ADDRESS_UNREACHABLE,
  // ERR_NETWORK_CHANGED, ERR_EMPTY_RESPONSE, and whatever Chromium adds: the same advice, the name kept.
  return unreachable(where, cause, name);
}

function tls(where: string, problem: string, cause: unknown): KeywayError {
  return new KeywayError('server_tls', `Keyway did not connect to ${where}: ${problem}. Ask your IT department.`, {
    cause,
  });
}

function timeout(where: string, cause: unknown): KeywayError {
  const subject = where === 'the server' ? 'The server' : where;
  return new KeywayError('server_timeout', `${subject} took too long to answer. Try again in a moment.`, { cause });
}

function notFound(where: string, cause: unknown): KeywayError {
  return new KeywayError(
    'server_unreachable',
    `Keyway can’t reach ${where}: the name is not known on this network. Check your network connection and try again.`,
    { cause },
  );
}

function unreachable(where: string, cause: unknown, detail?: string): KeywayError {
  // Name the host: "the server" is no help when the identity provider is another machine.
  return new KeywayError(
    'server_unreachable',
    `Keyway can’t reach ${where}${detail ? ` (${detail})` : ''}. Check your network connection and try again.`,
    { cause },
  );
}

/** The request's own AbortSignal fired; openid-client wraps that TimeoutError in a ClientError of its own. */
function timedOutError(error: unknown): boolean {
  if (error instanceof Error && error.name === 'AbortError') return true;
  return chain(error).some((item) => item.name === 'TimeoutError');
}

/** Node's TLS verification failures, as `cause.code` on undici's TypeError. */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

const NODE_TLS_PROBLEMS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'is issued by an authority this computer does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'cannot be verified (unknown issuer)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'is issued by an authority this computer does not trust',
  CERT_HAS_EXPIRED: 'has expired',
  CERT_NOT_YET_VALID: 'is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'is for a different server name',
};

/** Chromium's certificate errors (net/base/net_error_list.h, -200 to -220), in words IT can act on. */
const CHROMIUM_CERT_PROBLEMS: Record<string, string> = {
  ERR_CERT_AUTHORITY_INVALID: 'is issued by an authority this computer does not trust',
  ERR_CERT_COMMON_NAME_INVALID: 'is for a different server name',
  ERR_CERT_DATE_INVALID: 'has expired or is not valid yet',
  ERR_CERT_REVOKED: 'has been revoked',
  ERR_CERT_INVALID: 'is invalid',
  ERR_CERT_WEAK_SIGNATURE_ALGORITHM: 'uses a weak signature algorithm',
  ERR_CERT_WEAK_KEY: 'uses a weak key',
  ERR_CERT_NAME_CONSTRAINT_VIOLATION: 'breaks its authority’s name constraints',
  ERR_CERT_VALIDITY_TOO_LONG: 'is valid for too long to be trusted',
  ERR_CERT_UNABLE_TO_CHECK_REVOCATION: 'could not be checked for revocation',
  ERR_CERT_NO_REVOCATION_MECHANISM: 'could not be checked for revocation',
  ERR_CERT_SYMANTEC_LEGACY: 'is from an authority that is no longer trusted',
  ERR_CERT_KNOWN_INTERCEPTION_BLOCKED: 'belongs to known interception software',
  ERR_CERTIFICATE_TRANSPARENCY_REQUIRED: 'is not publicly logged (Certificate Transparency)',
};

/** The first string `code` in the cause chain (undici's own socket code says nothing useful). */
function nodeCode(error: unknown): string | undefined {
  for (const item of chain(error)) {
    const code = (item as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
  }
  return undefined;
}

function chain(error: unknown): Error[] {
  const errors: Error[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    errors.push(current);
    current = current.cause;
  }
  return errors;
}
