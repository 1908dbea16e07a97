import type { Db } from '../storage/database';

/** oidc-provider models that carry the signed-in account (`accountId`) in their payload. */
const ACCOUNT_MODELS = ['Session', 'Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode', 'DeviceCode'];

/**
 * Ends everything a user is signed in with, after their password changed hands: the API's refresh
 * families (and so their access tokens), the OpenID Provider's sessions, grants and tokens, the
 * account page's browser sessions, and any one-time password for other services still live. Runs
 * inside the caller's transaction, so a new password never coexists with what the old one opened.
 * Returns how many API sessions were revoked.
 */
export function signOutEverywhere(db: Db, userId: number, now: number): number {
  const revoked = db
    .prepare<[number, number]>('UPDATE session_families SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
    .run(now, userId).changes;
  db.prepare<[string, string]>(
    `DELETE FROM oidc_payloads
     WHERE model IN (SELECT value FROM json_each(?)) AND json_extract(payload, '$.accountId') = ?`,
  ).run(JSON.stringify(ACCOUNT_MODELS), String(userId));
  db.prepare<[number]>('DELETE FROM account_sessions WHERE user_id = ?').run(userId);
  db.prepare<[number, number]>('UPDATE service_otps SET used_at = ? WHERE user_id = ? AND used_at IS NULL').run(
    now,
    userId,
  );
  return revoked;
}
