import type { Db } from '../storage/database';

/**
 * How long after a deployment is redeemed its installation's first sign-in may enrol a first
 * authenticator. The deployment code went to the user (the admin's e-mail or the signed-in /account
 * page), so it is something a password thief does not have.
 */
export const FRESH_DEPLOYMENT_MS = 60 * 60 * 1000;

/**
 * Whether a sign-in may enrol the account's FIRST authenticator (server/mfa/README.md, "First
 * enrolment"). A password alone must never be enough, or whoever has the password registers their own
 * authenticator and passes enforced MFA. Allowed only for the first sign-in of an installation that
 * redeemed a deployment of this user within FRESH_DEPLOYMENT_MS: no session of that installation has
 * started since the redemption. The provider's pages and /account have no installation, so they never
 * enrol a first authenticator: there the user signs in with another way (e-mail, SMS) and adds the app
 * from their profile, or asks IT for a new deployment.
 */
export class FirstEnrolment {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  allowedFor(userId: number, installationId: string | undefined): boolean {
    if (installationId === undefined) return false;
    const redeemed = this.db
      .prepare<[number, string, number], { redeemed_at: number | null }>(
        `SELECT MAX(redeemed_at) AS redeemed_at FROM deployments
         WHERE user_id = ? AND redeemed_by = ? AND redeemed_at > ?`,
      )
      .get(userId, installationId, this.clock() - FRESH_DEPLOYMENT_MS)?.redeemed_at;
    if (redeemed === null || redeemed === undefined) return false;
    const signedInSince = this.db
      .prepare<[number, string, number], { one: number }>(
        'SELECT 1 AS one FROM session_families WHERE user_id = ? AND installation_id = ? AND created_at >= ? LIMIT 1',
      )
      .get(userId, installationId, redeemed);
    return signedInSince === undefined;
  }
}
