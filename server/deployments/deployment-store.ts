import { REDEEM_GRACE_MS } from '../config';
import type { Storage } from '../storage/storage';

export type Claim =
  | { outcome: 'claimed' | 'repeated'; userId: number; deploymentId: number }
  | { outcome: 'unknown' | 'expired' | 'used' };

interface DeploymentRow {
  id: number;
  user_id: number;
  expires_at: number;
  redeemed_at: number | null;
  redeemed_by: string | null;
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
  claim(secretHash: string, installationId: string): Promise<Claim> {
    return this.storage.transaction(async (): Promise<Claim> => {
      const q = this.storage.q();
      const now = this.clock();
      const row: DeploymentRow | undefined = await q
        .selectFrom('deployments')
        .select(['id', 'user_id', 'expires_at', 'redeemed_at', 'redeemed_by'])
        .where('secret_hash', '=', secretHash)
        .executeTakeFirst();
      if (!row) return { outcome: 'unknown' };
      if (row.redeemed_at !== null) return this.again(row, row.redeemed_at, installationId, now);
      if (row.expires_at <= now) return { outcome: 'expired' };
      const claimed = await q
        .updateTable('deployments')
        .set({ redeemed_at: now, redeemed_by: installationId })
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
   * A used code answers its own installation again for a short while, so a client that crashed or lost
   * the response mid-setup can finish; any other installation is refused.
   */
  private again(row: DeploymentRow, redeemedAt: number, installationId: string, now: number): Claim {
    return row.redeemed_by === installationId && now - redeemedAt < REDEEM_GRACE_MS
      ? { outcome: 'repeated', userId: row.user_id, deploymentId: row.id }
      : { outcome: 'used' };
  }
}
