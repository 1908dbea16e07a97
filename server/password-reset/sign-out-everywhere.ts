import type { Db } from '../storage/database';

/** What `signOutEverywhere` ended, for the admin's summary and the tests. */
export interface SignedOut {
  /** API sessions (refresh-token families, and so their access tokens). */
  apiSessions: number;
  /** The OpenID Provider's Sessions, Grants, codes and tokens of the account. */
  providerRows: number;
  /** Browser sessions of the account page (/account). */
  accountSessions: number;
  /** One-time passwords for other services that were still live. */
  oneTimePasswords: number;
}

/**
 * Ends everything a user is signed in with: the API's refresh families (and so their access tokens),
 * every OpenID Provider row of the account (Session, Grant, AuthorizationCode, AccessToken,
 * RefreshToken, DeviceCode — found by the `account_id` column the adapter fills from the payload's
 * `accountId`, so it does not depend on how row ids or payloads are stored), the account page's browser
 * sessions, second steps under way, and any one-time password for other services still live.
 *
 * The one implementation behind every path that promises "signed out everywhere": admin
 * `revoke-sessions`, admin `reset-password`, and the self-service password reset. Run it inside the
 * caller's transaction, so a new password never coexists with what the old one opened.
 */
export function signOutEverywhere(db: Db, userId: number, now: number): SignedOut {
  const apiSessions = db
    .prepare<[number, number]>('UPDATE session_families SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
    .run(now, userId).changes;
  const providerRows = db
    .prepare<[string]>('DELETE FROM oidc_payloads WHERE account_id = ?')
    .run(String(userId)).changes;
  const accountSessions = db.prepare<[number]>('DELETE FROM account_sessions WHERE user_id = ?').run(userId).changes;
  const oneTimePasswords = db
    .prepare<[number, number]>('UPDATE service_otps SET used_at = ? WHERE user_id = ? AND used_at IS NULL')
    .run(now, userId).changes;
  // A second step under way would otherwise finish into a new session after the sign-out.
  db.prepare<[number, number]>(
    'UPDATE mfa_challenges SET consumed_at = ? WHERE user_id = ? AND consumed_at IS NULL',
  ).run(now, userId);
  return { apiSessions, providerRows, accountSessions, oneTimePasswords };
}
