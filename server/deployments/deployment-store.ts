import { REDEEM_GRACE_MS } from '../config';
import type { Storage } from '../storage/storage';
import { DEPLOYMENT_STATUS_COLUMNS, deploymentStatus, type DeploymentStatus } from './deployment-status';

export type Claim =
  | { outcome: 'claimed' | 'repeated'; userId: number; deploymentId: number }
  | { outcome: 'unknown' | 'expired' | 'used' };

interface DeploymentRow {
  id: number;
  user_id: number;
  expires_at: number;
  redeemed_at: number | null;
  redeemed_by: string | null;
  revoked_at: number | null;
}

/** Deployments, keyed by SHA-256 of their secret. */
export class DeploymentStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /** Returns the new deployment's id. */
  async insert(userId: number, secretHash: string, expiresAt: number): Promise<number> {
    const row = await this.storage
      .q()
      .insertInto('deployments')
      .values({ user_id: userId, secret_hash: secretHash, created_at: this.clock(), expires_at: expiresAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /**
   * Claims a code for one installation; of two concurrent redemptions, in this process, another process
   * sharing the SQLite file or another instance on the same PostgreSQL, exactly one is 'claimed'.
   * The claim itself is one conditional UPDATE (… WHERE redeemed_at IS NULL) whose affected-row count
   * decides: on PostgreSQL, even at READ COMMITTED, a second UPDATE waits for the first's row lock and
   * then re-checks the condition (https://www.postgresql.org/docs/15/transaction-iso.html#XACT-READ-COMMITTED),
   * so it affects no row. The transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: SERIALIZABLE, storage.ts)
   * also keeps the preceding read consistent with it: the loser reads the winner's redemption on retry
   * and answers 'used' or, for the same installation within the grace period, 'repeated'.
   */
  claim(secretHash: string, installationId: string, clientVersion?: string): Promise<Claim> {
    return this.storage.transaction(async (): Promise<Claim> => {
      const q = this.storage.q();
      const now = this.clock();
      const row: DeploymentRow | undefined = await q
        .selectFrom('deployments')
        .select(['id', 'user_id', 'expires_at', 'redeemed_at', 'redeemed_by', 'revoked_at'])
        .where('secret_hash', '=', secretHash)
        .executeTakeFirst();
      if (!row) return { outcome: 'unknown' };
      if (row.redeemed_at !== null) return this.again(row, row.redeemed_at, installationId, now);
      // A revoked deployment answers "expired" (revoke below), whatever the clocks of the instance that
      // revoked it and of this one say.
      if (row.expires_at <= now || row.revoked_at !== null) return { outcome: 'expired' };
      const claimed = await q
        .updateTable('deployments')
        .set({ redeemed_at: now, redeemed_by: installationId, client_version: clientVersion ?? null })
        .where('id', '=', row.id)
        .where('redeemed_at', 'is', null)
        .executeTakeFirst();
      return claimed.numUpdatedRows === 1n
        ? { outcome: 'claimed', userId: row.user_id, deploymentId: row.id }
        : { outcome: 'used' };
    });
  }

  /**
   * Stores SHA-256 of a redeemed deployment's enrolment ticket (server/mfa/enrolment.ts), replacing any
   * earlier one: a repeated redemption hands out a new ticket and the old one stops working.
   */
  async setEnrolmentTicket(deploymentId: number, ticketHash: string): Promise<void> {
    await this.storage
      .q()
      .updateTable('deployments')
      .set({ enrolment_ticket_hash: ticketHash })
      .where('id', '=', deploymentId)
      .execute();
  }

  /**
   * Ends an unredeemed, unexpired deployment now. Expired rather than deleted: a late redemption then
   * hears "expired", not "unknown".
   */
  async expireUnredeemed(secretHash: string): Promise<void> {
    const now = this.clock();
    await this.storage
      .q()
      .updateTable('deployments')
      .set({ expires_at: now })
      .where('secret_hash', '=', secretHash)
      .where('redeemed_at', 'is', null)
      .where('expires_at', '>', now)
      .execute();
  }

  /**
   * Notes that the landing page was loaded with this code (the first time only). Returns the deployment
   * it marked (for its audit event), undefined when none matched or it was opened before; the landing
   * page answers the same either way.
   */
  async markOpened(secretHash: string): Promise<{ id: number; userId: number } | undefined> {
    const row = await this.storage
      .q()
      .updateTable('deployments')
      .set({ opened_at: this.clock() })
      .where('secret_hash', '=', secretHash)
      .where('opened_at', 'is', null)
      .returning(['id', 'user_id'])
      .executeTakeFirst();
    return row && { id: row.id, userId: row.user_id };
  }

  /**
   * An admin ends an unredeemed deployment: it expires now (a redemption then hears "expired") and its
   * status says revoked. False when there is no such deployment that is still open (redeemed, expired,
   * already revoked or unknown): a redeemed one is a signed-in client, ended with revoke-sessions.
   */
  async revoke(id: number): Promise<boolean> {
    const now = this.clock();
    const result = await this.storage
      .q()
      .updateTable('deployments')
      .set({ expires_at: now, revoked_at: now })
      .where('id', '=', id)
      .where('redeemed_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async find(id: number): Promise<DeploymentStatus | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('deployments')
      .select(DEPLOYMENT_STATUS_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && deploymentStatus(row, this.clock());
  }

  /** Newest first; one user's (the deployments_by_user index), or everyone's. */
  async list(options: { userId?: number; limit?: number } = {}): Promise<DeploymentStatus[]> {
    let query = this.storage.q().selectFrom('deployments').select(DEPLOYMENT_STATUS_COLUMNS);
    if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(options.limit ?? 500)
      .execute();
    const now = this.clock();
    return rows.map((row) => deploymentStatus(row, now));
  }

  /** Distinct installations that redeemed a deployment of these users: the clients a push reaches. */
  async installationsOf(userIds: readonly number[]): Promise<number> {
    if (userIds.length === 0) return 0;
    let total = 0;
    // In slices, under both engines' limits on bound parameters.
    for (let start = 0; start < userIds.length; start += 500) {
      const row = await this.storage
        .q()
        .selectFrom('deployments')
        .select((eb) => eb.fn.count<number | string>('redeemed_by').distinct().as('clients'))
        .where('user_id', 'in', userIds.slice(start, start + 500))
        .where('redeemed_at', 'is not', null)
        .executeTakeFirstOrThrow();
      total += Number(row.clients);
    }
    return total;
  }

  /**
   * A used code answers its own installation again for a short while, so a client that crashed or lost
   * the response mid-setup can finish; any other installation is refused.
   */
  private again(row: DeploymentRow, redeemedAt: number, installationId: string, now: number): Claim {
    return row.redeemed_by === installationId && now - redeemedAt < REDEEM_GRACE_MS
      ? { outcome: 'repeated', userId: row.user_id, deploymentId: row.id }
      : { outcome: 'used' };
  }
}
