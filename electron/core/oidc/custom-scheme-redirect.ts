import { KEYWAY_OIDC_CUSTOM_REDIRECT } from '../../../protocol/api';
import { KeywayError } from '../../../protocol/errors';

/**
 * The RFC 8252 §7.1 private-use URI scheme redirect (`dev.keyway.app:/oauth/callback`), used when the
 * loopback listener cannot run (a VPN client, proxy or sandbox blocks it). The OS hands the callback
 * to Keyway like any deep link; core routes it here instead of to the onboarding machine.
 */
export const CUSTOM_SCHEME = KEYWAY_OIDC_CUSTOM_REDIRECT.slice(0, KEYWAY_OIDC_CUSTOM_REDIRECT.indexOf(':'));

export function isCustomSchemeCallback(url: string): boolean {
  return url.toLowerCase().startsWith(`${CUSTOM_SCHEME}:`);
}

export class CustomSchemeRedirect {
  #waiting: ((url: URL) => void) | null = null;

  readonly redirectUri = KEYWAY_OIDC_CUSTOM_REDIRECT;

  /** Resolves with the first callback delivered after this call. */
  wait(timeoutMs: number, signal: AbortSignal): Promise<URL> {
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
      this.#waiting = (url) => finish(url);
    });
  }

  /** Delivers a callback from the OS. Returns false when no sign-in is waiting for one. */
  deliver(url: string): boolean {
    if (!this.#waiting || !isCustomSchemeCallback(url) || url.length > 8192) return false;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    this.#waiting(parsed);
    return true;
  }
}
