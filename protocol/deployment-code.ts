import { sha256 } from '@noble/hashes/sha2.js';
import { base32crockford } from '@scure/base';
import { KeywayError } from './errors';
import { parseServerOrigin } from './server-origin';

/**
 * The authentication code from a deployment e-mail. It carries everything Keyway needs to find the
 * server, so the code alone is enough to paste:
 *
 *   payload  = version(1) · flags(1) · hostLength(1) · host(ASCII) · [port(2, big-endian)] · secret(16)
 *   code     = Crockford base32 of payload · checksum, where checksum = first 3 bytes of SHA-256(payload)
 *   shown as = groups of 5 characters joined by "-"
 *
 * Crockford's alphabet has no I, L, O or U, and decoding maps o→0, i/l→1 and ignores case, so what a
 * person reads is what they can type. The 24-bit checksum catches a typo locally, before any network
 * call, with a miss rate of one in 16 million. The secret is 128 bits from a CSPRNG (ASVS 11.5.1).
 */

const CODE_VERSION = 1;
export const SECRET_BYTES = 16;
const CHECKSUM_BYTES = 3;
const FLAG_HTTP = 0b01;
const FLAG_PORT = 0b10;
const MAX_HOST_LENGTH = 253;
/** A code for the longest host name still fits comfortably under this. */
const MAX_CODE_LENGTH = 512;
const GROUP = 5;
/** Version, flags, length, a one-letter host, the secret and the checksum, in base32 characters. */
const MIN_CODE_LENGTH = Math.ceil(((3 + 1 + SECRET_BYTES + CHECKSUM_BYTES) * 8) / 5);

export interface DeploymentCode {
  /** The server's origin, e.g. `https://keyway.example.com` or `http://127.0.0.1:7400`. */
  readonly origin: string;
  /** The 128-bit secret; the server stores only its hash. */
  readonly secret: Uint8Array;
  /** The code in its display form (upper case, grouped). */
  readonly text: string;
}

export function encodeDeploymentCode(origin: string, secret: Uint8Array): string {
  if (secret.length !== SECRET_BYTES)
    throw new KeywayError('invalid_input', `The secret must be ${SECRET_BYTES} bytes.`);
  const url = new URL(parseServerOrigin(origin));
  const host = new TextEncoder().encode(url.hostname);
  if (host.length > MAX_HOST_LENGTH) throw new KeywayError('invalid_input', 'The server host name is too long.');
  const port = url.port === '' ? null : Number(url.port);
  const flags = (url.protocol === 'http:' ? FLAG_HTTP : 0) | (port === null ? 0 : FLAG_PORT);
  const payload = new Uint8Array(3 + host.length + (port === null ? 0 : 2) + SECRET_BYTES);
  payload.set([CODE_VERSION, flags, host.length], 0);
  payload.set(host, 3);
  let offset = 3 + host.length;
  if (port !== null) {
    payload.set([port >> 8, port & 0xff], offset);
    offset += 2;
  }
  payload.set(secret, offset);
  const bytes = new Uint8Array(payload.length + CHECKSUM_BYTES);
  bytes.set(payload, 0);
  bytes.set(sha256(payload).subarray(0, CHECKSUM_BYTES), payload.length);
  return group(base32crockford.encode(bytes));
}

/** The code's characters without grouping, in canonical case; what a person's input is compared by. */
export function normalizeCodeText(text: string): string {
  return text.replace(/[\s-]+/g, '').toUpperCase();
}

function stripSeparators(text: string): string {
  return text.trim().replace(/[\s-]+/g, '');
}

/**
 * Parses a pasted or typed code: surrounding space, dashes, spaces and case are forgiven; anything else
 * is refused with a code that says what is wrong.
 */
export function parseDeploymentCode(input: string): DeploymentCode {
  const stripped = stripSeparators(input);
  if (stripped.length === 0) throw new KeywayError('code_malformed', 'The authentication code is empty.');
  if (stripped.length > MAX_CODE_LENGTH)
    throw new KeywayError('code_malformed', 'This is too long to be an authentication code.');
  // Checked on the raw text, before upper-casing (which maps some non-ASCII letters such as "ı" to ASCII)
  // and before decoding, so the user hears which character is wrong rather than a decoder's complaint.
  const bad = /[^0-9A-Za-z]/u.exec(stripped) ?? /[Uu]/.exec(stripped);
  if (bad) {
    throw new KeywayError(
      'code_malformed',
      `An authentication code has only letters and digits; "${printable(bad[0])}" is not one of them.`,
    );
  }
  const compact = stripped.toUpperCase();
  if (compact.length < MIN_CODE_LENGTH)
    throw new KeywayError('code_malformed', 'This code is too short. Check that you copied all of it.');
  let bytes: Uint8Array;
  try {
    bytes = base32crockford.decode(compact);
  } catch {
    throw new KeywayError(
      'code_checksum',
      'This code has a typo: a character is missing or extra. Check it against the e-mail.',
    );
  }
  if (bytes.length < 3 + SECRET_BYTES + CHECKSUM_BYTES) {
    throw new KeywayError('code_malformed', 'This code is too short. Check that you copied all of it.');
  }
  const payload = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  const checksum = bytes.subarray(bytes.length - CHECKSUM_BYTES);
  if (!equalBytes(sha256(payload).subarray(0, CHECKSUM_BYTES), checksum)) {
    throw new KeywayError('code_checksum', 'This code has a typo. Check it against the e-mail and try again.');
  }
  return decodePayload(payload);
}

function decodePayload(payload: Uint8Array): DeploymentCode {
  const [version, flags, hostLength] = payload;
  if (version !== CODE_VERSION) {
    throw new KeywayError('code_malformed', 'This code is from a newer version of Keyway. Please update Keyway.');
  }
  if (flags === undefined || hostLength === undefined || (flags & ~(FLAG_HTTP | FLAG_PORT)) !== 0) {
    throw new KeywayError('code_malformed', 'This is not a valid authentication code.');
  }
  const hasPort = (flags & FLAG_PORT) !== 0;
  const expected = 3 + hostLength + (hasPort ? 2 : 0) + SECRET_BYTES;
  if (payload.length !== expected) throw new KeywayError('code_malformed', 'This is not a valid authentication code.');
  const hostBytes = payload.subarray(3, 3 + hostLength);
  if (hostBytes.some((b) => b < 0x21 || b > 0x7e)) {
    throw new KeywayError('code_malformed', 'The server named in this code is not a valid host name.');
  }
  const host = new TextDecoder().decode(hostBytes);
  // Strict, before any URL parsing: "evil.com@good.com" or "good.com/x" would otherwise be re-read by
  // the URL parser as a different host than the one the code appears to name.
  if (!/^(?:[a-z0-9-]+\.)*[a-z0-9-]+$|^\[::1\]$/.test(host)) {
    throw new KeywayError('link_malformed', 'The server named in this code is not a valid host name.');
  }
  let offset = 3 + hostLength;
  let port = '';
  if (hasPort) {
    const value = ((payload[offset] ?? 0) << 8) | (payload[offset + 1] ?? 0);
    if (value === 0) throw new KeywayError('code_malformed', 'The server named in this code has no valid port.');
    port = `:${value}`;
    offset += 2;
  }
  const scheme = (flags & FLAG_HTTP) !== 0 ? 'http' : 'https';
  const origin = parseServerOrigin(`${scheme}://${host}${port}`);
  const secret = payload.slice(offset, offset + SECRET_BYTES);
  return {
    origin,
    secret,
    text: group(base32crockford.encode(concat(payload, sha256(payload).subarray(0, CHECKSUM_BYTES)))),
  };
}

function group(text: string): string {
  return text.match(new RegExp(`.{1,${GROUP}}`, 'g'))?.join('-') ?? '';
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function printable(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f ? `U+${code.toString(16).padStart(4, '0').toUpperCase()}` : char;
}
