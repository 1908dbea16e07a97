import { KeywayError } from '../../protocol/errors';
import type { UserRecord } from './user-store';

/**
 * An admin's lock of a user (issue 18), apart from the automatic wrong-password lock-out
 * (sessions/sign-in-throttle.ts), which ends by itself. A locked user stays locked until an admin unlocks
 * them; while locked, every way in refuses them with this error:
 * - a password, on the Keyway API, the provider's sign-in page, /account and the admin console
 *   (SessionService.authenticate, only after a right password, so a stranger learns nothing);
 * - a new API session after a second step (SessionService.startSession), a refresh or an access token;
 * - a passkey without a password on the provider's pages (PasskeyService.verifyPasswordless);
 * - a deployment redemption (DeploymentService.redeem: the code stays unredeemed);
 * - the provider's tokens (provider.ts findAccount: oidc-provider then refuses the code and refresh grants);
 * - a console session (admin-console/routes.ts).
 * Locking also ends every session the user has (AdminService.lockUser, one transaction).
 */
export const LOCKED_MESSAGE = 'Your account is locked. Contact your administrator.';

export function lockedByAdminError(): KeywayError {
  return new KeywayError('account_locked_by_admin', LOCKED_MESSAGE);
}

export function isLockedByAdmin(user: Pick<UserRecord, 'lock'>): boolean {
  return user.lock !== undefined;
}

/** Throws `account_locked_by_admin` when an admin has locked the user. */
export function refuseIfLockedByAdmin(user: Pick<UserRecord, 'lock'>): void {
  if (isLockedByAdmin(user)) throw lockedByAdminError();
}

/** The admin's note on a lock: optional, one line, at most 200 characters (shown to admins only). */
export function parseLockReason(reason: string | undefined): string | undefined {
  const trimmed = reason?.trim() ?? '';
  if (trimmed === '') return undefined;
  // Control characters (line breaks included) would garble the CLI's and the console's one-line display.
  // eslint-disable-next-line no-control-regex -- the control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new KeywayError('invalid_input', 'The lock reason must be one line of text.');
  }
  if (trimmed.length > 200) throw new KeywayError('invalid_input', 'The lock reason must be at most 200 characters.');
  return trimmed;
}
