import { KEYWAY_OIDC_CUSTOM_REDIRECT } from '../../../protocol/api';
import { KeywayError } from '../../../protocol/errors';
import { stateMatches } from './loopback-redirect';

/**
 * The RFC 8252 §7.1 private-use URI scheme redirect (`dev.keyway.app:/oauth/callback`), used when the
 * loopback listener cannot run (a VPN client, proxy or sandbox blocks it). The OS hands the callback
 * to Keyway like any deep link; core routes it here instead of to the onboarding machine. As with the
 * loopback listener, only a callback carrying this sign-in's `state` ends the wait: any local program
 * can hand Keyway a `dev.keyway.app:` link, and one with another state (or none) must not abort the
 * sign-in the user is doing in the browser. The passkey browser step (onboarding/mfa) waits here too,
 * on its own path (`dev.keyway.app:/passkey/callback`); one flow waits at a time (one screen).
 */
const CUSTOM_SCHEME = KEYWAY_OIDC_CUSTOM_REDIRECT.slice(0, KEYWAY_OIDC_CUSTOM_REDIRECT.indexOf(':'));

export function isCustomSchemeCallback(url: string): boolean {
  return url.toLowerCase().startsWith(`${CUSTOM_SCHEME}:`);
}

export class CustomSchemeRedirect {
  #waiting: { readonly state: string; readonly path: string; readonly finish: (url: URL) => void } | null = null;

  readonly redirectUri = KEYWAY_OIDC_CUSTOM_REDIRECT;

  /**
   * Resolves with the first callback delivered after this call that carries `expectedState` on
   * `expectedPath` (default: unified login's `/oauth/callback`; the passkey step waits on its own path).
   */
  wait(
    timeoutMs: number,
    signal: AbortSignal,
    expectedState: string,
    expectedPath: string = new URL(KEYWAY_OIDC_CUSTOM_REDIRECT).pathname,
  ): Promise<URL> {
    return new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new KeywayError('oidc_timeout', 'The sign-in in the browser took too long. Try again.')),
        timeoutMs,
      );
      const onAbort = (): void => finish(new KeywayError('oidc_cancelled', 'Sign-in was cancelled.'));
      signal.addEventListener('abort', onAbort, { once: true });
      const finish = (result: URL | Error): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#waiting = null;
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      this.#waiting = { state: expectedState, path: expectedPath, finish: (url) => finish(url) };
    });
  }

  /**
   * Delivers a callback from the OS. Returns false when no sign-in is waiting for it: none is waiting,
   * or the link is not a well-formed callback of this sign-in (another state, or none). Ignored then.
   */
  deliver(url: string): boolean {
    if (!this.#waiting || !isCustomSchemeCallback(url) || url.length > 8192) return false;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    // A link for another flow (unified login's path while a passkey step waits, or the reverse) is not ours.
    if (parsed.pathname !== this.#waiting.path) return false;
    if (!stateMatches(parsed.searchParams.get('state'), this.#waiting.state)) return false;
    this.#waiting.finish(parsed);
    return true;
  }
}
