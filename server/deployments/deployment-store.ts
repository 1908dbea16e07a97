import { REDEEM_GRACE_MS } from '../config';
import type { Db } from '../storage/database';

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
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  insert(userId: number, secretHash: string, expiresAt: number): void {
    this.db
      .prepare<[number, string, number, number]>(
        'INSERT INTO deployments (user_id, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?)',
      )
      .run(userId, secretHash, this.clock(), expiresAt);
  }

  /**
   * Claims a code for one installation. The claim itself is a single conditional UPDATE inside an
   * IMMEDIATE transaction, so of two concurrent redemptions, in this process or another one sharing
   * the file, exactly one sees `changes === 1`.
   */
  claim(secretHash: string, installationId: string): Claim {
    return this.db
      .transaction((): Claim => {
        const now = this.clock();
        const row = this.db
          .prepare<[string], DeploymentRow>(
            'SELECT id, user_id, expires_at, redeemed_at, redeemed_by FROM deployments WHERE secret_hash = ?',
          )
          .get(secretHash);
        if (!row) return { outcome: 'unknown' };
        if (row.redeemed_at !== null) return this.again(row, row.redeemed_at, installationId, now);
        if (row.expires_at <= now) return { outcome: 'expired' };
        const claimed = this.db
          .prepare<[number, string, number]>(
            'UPDATE deployments SET redeemed_at = ?, redeemed_by = ? WHERE id = ? AND redeemed_at IS NULL',
          )
          .run(now, installationId, row.id);
        return claimed.changes === 1
          ? { outcome: 'claimed', userId: row.user_id, deploymentId: row.id }
          : { outcome: 'used' };
      })
      .immediate();
  }

  /**
   * Stores SHA-256 of a redeemed deployment's enrolment ticket (server/mfa/enrolment.ts), replacing any
   * earlier one: a repeated redemption hands out a new ticket and the old one stops working.
   */
  setEnrolmentTicket(deploymentId: number, ticketHash: string): void {
    this.db
      .prepare<[string, number]>('UPDATE deployments SET enrolment_ticket_hash = ? WHERE id = ?')
      .run(ticketHash, deploymentId);
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
