import { randomBytes } from 'node:crypto';
import { KeywayError } from '../../../protocol/errors';
import type { ExternalBrowser } from '../ports';
import type { CustomSchemeRedirect } from './custom-scheme-redirect';
import { startLoopbackRedirect } from './loopback-redirect';
import {
  PASSKEY_CUSTOM_PATH,
  PASSKEY_CUSTOM_REDIRECT,
  PASSKEY_LOOPBACK_PATH,
  passkeyFailure,
  readPasskeyReturn,
  type PasskeyPurpose,
} from './passkey-return';

/**
 * Runs one passkey browser step (why in the browser: passkey-return.ts): a return listener first (the
 * RFC 8252 loopback listener of unified login, on its own path; the private-use scheme when no listener
 * can run), then the server's start call with that `returnTo` and a fresh `state`, then the step page
 * in the system browser, then the callback, read by `readPasskeyReturn`. Resolves with the single-use
 * result code (sign-in) or null (a passkey was added); a refusal in the browser is thrown as its
 * KeywayError (passkeyFailure). Cancel is the signal; the wait ends after `timeoutMs`.
 */
export interface PasskeyBrowserDeps {
  readonly browser: ExternalBrowser;
  readonly customScheme: CustomSchemeRedirect;
  readonly timeoutMs: number;
  readonly loopbackAllowed: boolean;
}

export async function runPasskeyBrowserStep(
  deps: PasskeyBrowserDeps,
  step: {
    readonly origin: string;
    readonly purpose: PasskeyPurpose;
    readonly signal: AbortSignal;
    /** The step page, once known (for "Open the browser again"). */
    readonly onUrl: (url: string) => void;
  },
  start: (returnTo: string, state: string) => Promise<{ readonly stepUrl: string }>,
): Promise<string | null> {
  // 256 bits, base64url: 43 characters, inside the contract's 16–128 URL-safe characters.
  const state = randomBytes(32).toString('base64url');
  const back = await returnListener(deps, step.signal, state);
  try {
    const { stepUrl } = await start(back.returnTo, state);
    const url = stepPageOn(step.origin, stepUrl);
    step.onUrl(url);
    await deps.browser.open(url, step.origin);
    const answer = readPasskeyReturn(await back.callback, { state, path: back.path, purpose: step.purpose });
    if (answer.kind === 'error') throw passkeyFailure(answer.error);
    return answer.kind === 'code' ? answer.code : null;
  } finally {
    back.close();
  }
}

/**
 * The step page must be on the server Keyway asked: a server answer that names another origin (or a
 * scheme other than http(s), or user info) would send the user's browser where the server does not
 * speak for. Refused as a bad answer, and nothing is opened.
 */
export function stepPageOn(origin: string, stepUrl: string): string {
  let url: URL;
  try {
    url = new URL(stepUrl);
  } catch {
    throw badStepPage(origin);
  }
  if (url.origin !== origin || url.username !== '' || url.password !== '') throw badStepPage(origin);
  return url.href;
}

const badStepPage = (origin: string): KeywayError =>
  new KeywayError(
    'server_bad_response',
    `The server at ${new URL(origin).host} sent a passkey page on another site, so Keyway did not open it.`,
  );

async function returnListener(
  deps: PasskeyBrowserDeps,
  signal: AbortSignal,
  state: string,
): Promise<{ returnTo: string; path: string; callback: Promise<URL>; close: () => void }> {
  try {
    if (!deps.loopbackAllowed)
      throw new KeywayError('oidc_loopback_unavailable', 'The loopback redirect is turned off here.');
    const loopback = await startLoopbackRedirect({
      timeoutMs: deps.timeoutMs,
      expectedState: state,
      path: PASSKEY_LOOPBACK_PATH,
      signal,
    });
    return {
      returnTo: loopback.redirectUri,
      path: PASSKEY_LOOPBACK_PATH,
      callback: loopback.callback,
      close: () => loopback.close(),
    };
  } catch (error) {
    if (!(error instanceof KeywayError) || error.code !== 'oidc_loopback_unavailable') throw error;
    const callback = deps.customScheme.wait(deps.timeoutMs, signal, state, PASSKEY_CUSTOM_PATH);
    callback.catch(() => undefined);
    return { returnTo: PASSKEY_CUSTOM_REDIRECT, path: PASSKEY_CUSTOM_PATH, callback, close: () => undefined };
  }
}
