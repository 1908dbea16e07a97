import { sha256Hex } from '../security/digest';
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
 * started since the redemption. The provider's pages have no installation of their own: a unified-login
 * installation names itself with the enrolment ticket its redemption returned (`installationForTicket`).
 * Without one (any other browser, /account) they never enrol a first authenticator on the password
 * alone: the user proves it with an e-mail/SMS code, or asks IT for a new deployment.
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

  /**
   * The installation whose fresh redemption of this user's deployment handed out `ticket`, if the ticket
   * is that one's and still inside FRESH_DEPLOYMENT_MS; else undefined. Bound to the user, so a ticket
   * never helps with another account. allowedFor then applies the same first-sign-in rule.
   */
  installationForTicket(userId: number, ticket: unknown): string | undefined {
    if (typeof ticket !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(ticket)) return undefined;
    return (
      this.db
        .prepare<[string, number, number], { redeemed_by: string | null }>(
          `SELECT redeemed_by FROM deployments
           WHERE enrolment_ticket_hash = ? AND user_id = ? AND redeemed_at > ?`,
        )
        .get(sha256Hex(ticket), userId, this.clock() - FRESH_DEPLOYMENT_MS)?.redeemed_by ?? undefined
    );
  }
}
