import type { KeywayErrorShape } from '../../../protocol/errors';

/**
 * Which errors may pass if the user tries the same thing again, one row per place that offers "Try
 * again" (or, for a deployment, a second Continue): every retry rule of the client is here, and the
 * steps ask this table rather than reading error codes themselves. An error a row says will not pass
 * sends the user elsewhere instead (the paste field, the sign-in page).
 */
type MayPass = (error: KeywayErrorShape) => boolean;

export const TRY_AGAIN: Readonly<
  Record<'redeem' | 'resume' | 'readSession' | 'saveSession' | 'browserSignIn', MayPass>
> = {
  /** Redeeming a deployment code: a dead or mistyped code will not pass (back to the paste field); the network may (stay on Confirm server). */
  redeem: (error) => !error.code.startsWith('deployment_') && !error.code.startsWith('code_'),
  /** Resuming the stored session: only the server refusing it ends it (sign in again); anything else may pass (Resume failed, Try again). */
  resume: (error) => !sessionRefused(error),
  /** The stored session could not be read: a locked or absent keychain may pass; a damaged settings file will not (sign in again). */
  readSession: (error) => error.code.startsWith('keychain_'),
  /** Home, after the keychain refused to store the new session: Try again once it is unlocked or back. */
  saveSession: (error) => error.code === 'keychain_locked' || error.code === 'keychain_unavailable',
  /** The system browser or device-code sign-in: cancelled, timed out or refused, it can always be tried again. */
  browserSignIn: () => true,
};

/**
 * Whether the server (or the identity provider) refused the stored session: it has ended, and the
 * runner removes it so that no later start tries it again.
 */
export function sessionRefused(error: KeywayErrorShape): boolean {
  return error.code === 'session_invalid' || error.code === 'unauthorized';
}
