import { z } from 'zod';
import { KeywayError, WireErrorCode } from '../../../protocol/errors';
import { messages } from '../server-api/messages';
import { stateMatches } from './loopback-redirect';

/**
 * The way back from the passkey browser step (issue 17; the contract in protocol/mfa.ts): the server's
 * page sends the browser to `returnTo?state=…&code=…` (a second factor during sign-in), `…&result=added`
 * (a passkey registered from Sign-in security) or `…&error=<problem code>`.
 *
 * Why the system browser and never a WebAuthn ceremony in Keyway's own window: Electron ships Chromium's
 * content layer without Chrome's WebAuthn UI. On macOS there is no platform authenticator by default
 * (electron/electron#24573, open for years); the opt-in `app.configureWebAuthn({ touchID })`
 * (electron/electron#51255, #51563) mints device-bound credentials into the app's own keychain group
 * (needs a signing entitlement) and cannot reach the passkeys the user already has in iCloud Keychain,
 * 1Password or Chrome. On Linux Chromium has no platform authenticator at all (only USB/NFC keys). The
 * user's own browser has their passkeys and the phone ("hybrid") flow; so the step happens there, the
 * way unified login does, and only an opaque single-use code comes back.
 *
 * Everything here is a pure function of the callback URL, so every refusal is proven on hostile input
 * (test/unit/passkey-return.test.ts). The listener (loopback-redirect.ts) or the private-use scheme
 * (custom-scheme-redirect.ts) has already dropped a callback on another path or with another state and
 * kept waiting; these checks are repeated here so that this parser alone never accepts one.
 */

/** Loopback (RFC 8252 §7.3): `http://127.0.0.1:<any port>` + this path; the server accepts exactly this. */
export const PASSKEY_LOOPBACK_PATH = '/passkey-callback';
/** Private-use scheme (RFC 8252 §7.1), when no loopback listener can run. */
export const PASSKEY_CUSTOM_REDIRECT = 'dev.keyway.app:/passkey/callback';
export const PASSKEY_CUSTOM_PATH = '/passkey/callback';

/** What Keyway sends as `returnTo` for a loopback listener on `port` (the server checks the same shape). */
export function loopbackPasskeyReturn(port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new RangeError(`Not a TCP port: ${port}`);
  return `http://127.0.0.1:${port}${PASSKEY_LOOPBACK_PATH}`;
}

/** Longer than anything the server sends; a longer callback is not the server's. */
const MAX_CALLBACK_LENGTH = 2048;

/** The single-use result code: opaque to Keyway, URL-safe, bounded. */
const ResultCode = z.string().regex(/^[A-Za-z0-9_-]{16,256}$/);
/** A problem code (protocol/errors.ts style): lower-case words joined by underscores. */
const ProblemCode = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/);

const SignInReturn = z.union([
  z.strictObject({ state: z.string(), code: ResultCode }),
  z.strictObject({ state: z.string(), error: ProblemCode }),
]);
const AddReturn = z.union([
  z.strictObject({ state: z.string(), result: z.literal('added') }),
  z.strictObject({ state: z.string(), error: ProblemCode }),
]);

export type PasskeyPurpose = 'signIn' | 'add';
export type PasskeyReturn =
  | { readonly kind: 'code'; readonly code: string }
  | { readonly kind: 'added' }
  | { readonly kind: 'error'; readonly error: string };

const invalid = (): KeywayError =>
  new KeywayError(
    'passkey_return_invalid',
    'The browser came back to Keyway with an answer that is not from this passkey step. Try again.',
  );

/**
 * Reads a callback: on the expected path, with exactly this step's `state`, each parameter once, and
 * exactly one outcome (a code, `result=added`, or an error; never two). Anything else is refused with
 * `passkey_return_invalid` and nothing of it is used.
 */
export function readPasskeyReturn(
  url: URL,
  expected: { readonly state: string; readonly path: string; readonly purpose: PasskeyPurpose },
): PasskeyReturn {
  if (url.href.length > MAX_CALLBACK_LENGTH || url.pathname !== expected.path) throw invalid();
  const params: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    // A repeated parameter (two states, two codes) is ambiguous: which one would the server have meant?
    if (Object.hasOwn(params, key)) throw invalid();
    params[key] = value;
  }
  if (!stateMatches(params.state ?? null, expected.state)) throw invalid();
  if (expected.purpose === 'signIn') {
    const parsed = SignInReturn.safeParse(params);
    if (!parsed.success) throw invalid();
    return 'code' in parsed.data
      ? { kind: 'code', code: parsed.data.code }
      : { kind: 'error', error: parsed.data.error };
  }
  const parsed = AddReturn.safeParse(params);
  if (!parsed.success) throw invalid();
  return 'result' in parsed.data ? { kind: 'added' } : { kind: 'error', error: parsed.data.error };
}

/**
 * What Keyway says for each refusal the step page can send back (the server's problem codes of the
 * passkey step), and for the dead-challenge codes the MFA step answers by going back to the password.
 */
const BROWSER_STEP_MESSAGES: Partial<Record<WireErrorCode, string>> = {
  passkey_unavailable:
    'Your browser could not use a passkey there (JavaScript is off, or it does not support passkeys). Choose another way to confirm, or open the step in another browser.',
  passkey_refused: 'The passkey was not accepted. Try again, or choose another way to confirm.',
  passkey_challenge_used: 'This passkey step was already used. Try again.',
  passkey_cloned:
    'This passkey looks copied (its signature counter went backwards), so it was refused. Ask your IT department.',
  return_uri_invalid: 'The server refused the way back to Keyway. Ask your IT department.',
  mfa_challenge_expired: 'This sign-in took too long. Enter your password again.',
  mfa_too_many_attempts: 'Too many failed attempts. Enter your password again.',
};

/**
 * What an `error=` from the passkey page becomes: a problem code Keyway knows keeps its code (so an
 * expired challenge or too many attempts send the MFA step back to the password) with Keyway's words;
 * anything else is `passkey_step_failed`. The received text is only ever matched, never shown.
 */
export function passkeyFailure(error: string): KeywayError {
  const wire = WireErrorCode.safeParse(error);
  const message = wire.success ? (BROWSER_STEP_MESSAGES[wire.data] ?? messages[wire.data]) : undefined;
  if (wire.success && message !== undefined) return new KeywayError(wire.data, message);
  return new KeywayError(
    'passkey_step_failed',
    'The passkey step in the browser did not finish. Try again, or choose another way to confirm.',
  );
}
