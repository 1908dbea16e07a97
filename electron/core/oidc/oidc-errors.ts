import { KeywayError } from '../../../protocol/errors';
import { isNetworkFailure, networkError } from '../net-error';

/**
 * Turns what openid-client (oauth4webapi) throws into Keyway errors a person can act on. The library
 * marks its errors with `code`s; the state and issuer checks are told apart by their message.
 */
export function oidcError(error: unknown, host?: string): KeywayError {
  if (error instanceof KeywayError) return error;
  if (!(error instanceof Error))
    return new KeywayError('oidc_error', 'The sign-in with your identity provider failed.');
  const code = (error as { code?: unknown }).code;
  // openid-client wraps oauth4webapi's error ("invalid response encountered") with the detail as cause.
  const detail = messages(error);
  if (code === 'OAUTH_AUTHORIZATION_RESPONSE_ERROR') {
    const { error: kind, error_description: description } = error as { error?: string; error_description?: string };
    if (kind === 'access_denied') {
      return new KeywayError(
        'oidc_cancelled',
        'The sign-in was cancelled in the browser. Try again when you are ready.',
        { cause: error },
      );
    }
    return new KeywayError(
      'oidc_error',
      `Your identity provider refused the sign-in (${kind ?? 'error'}${description ? `: ${description}` : ''}).`,
      { cause: error },
    );
  }
  if (code === 'OAUTH_INVALID_RESPONSE' && detail.includes('"state"')) {
    return new KeywayError(
      'oidc_state_mismatch',
      'The browser returned a sign-in that Keyway did not start (the state does not match), so it was refused. Try again.',
      { cause: error },
    );
  }
  if (detail.includes('"iss"')) {
    return new KeywayError(
      'oidc_issuer_mismatch',
      'The sign-in came back from a different identity provider than the one Keyway asked, so it was refused.',
      { cause: error },
    );
  }
  if (code === 'OAUTH_RESPONSE_BODY_ERROR') {
    const kind = (error as { error?: string }).error;
    return new KeywayError(
      'oidc_exchange_failed',
      `Your identity provider did not complete the sign-in (${kind ?? 'error'}). Try again.`,
      { cause: error },
    );
  }
  // No answer at all (Electron's net::ERR_*, undici's TypeError, a timeout), even when openid-client
  // wrapped it in a ClientError of its own: the same mapping as the server API (core/net-error.ts).
  if (error.name === 'AbortError' || causes(error).some(isNetworkFailure)) return networkError(error, host);
  return new KeywayError(
    'oidc_exchange_failed',
    'The sign-in with your identity provider could not be completed. Try again.',
    { cause: error },
  );
}

function causes(error: Error): Error[] {
  const chain: Error[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    chain.push(current);
    current = current.cause;
  }
  return chain;
}

function messages(error: Error): string {
  return causes(error)
    .map((cause) => cause.message)
    .join(' | ');
}
