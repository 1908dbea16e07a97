import type { Storage } from '../storage/storage';

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
export function signOutEverywhere(storage: Storage, userId: number, now: number): Promise<SignedOut> {
  // One transaction (a savepoint inside the caller's): all of it ends, or, if any statement fails, none.
  // Each statement is unconditional on its rows' state but the one it sets, so a session, token or OTP
  // created by a concurrent transaction either commits first and is ended here (PostgreSQL: SERIALIZABLE,
  // storage.ts; SQLite: BEGIN IMMEDIATE) or commits after and belongs to a sign-in after the sign-out.
  return storage.transaction(async () => {
    const q = storage.q();
    const families = await q
      .updateTable('session_families')
      .set({ revoked_at: now })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const payloads = await q.deleteFrom('oidc_payloads').where('account_id', '=', String(userId)).executeTakeFirst();
    const sessions = await q.deleteFrom('account_sessions').where('user_id', '=', userId).executeTakeFirst();
    const otps = await q
      .updateTable('service_otps')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    // A second step under way would otherwise finish into a new session after the sign-out.
    await q
      .updateTable('mfa_challenges')
      .set({ consumed_at: now })
      .where('user_id', '=', userId)
      .where('consumed_at', 'is', null)
      .execute();
    return {
      apiSessions: Number(families.numUpdatedRows),
      providerRows: Number(payloads.numDeletedRows),
      accountSessions: Number(sessions.numDeletedRows),
      oneTimePasswords: Number(otps.numUpdatedRows),
    };
  });
}
