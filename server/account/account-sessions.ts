import { randomToken, sha256Hex } from '../security/digest';
import type { Db } from '../storage/database';

export type AccountStage = 'second_factor' | 'signed_in';

export interface AccountSession {
  idHash: string;
  userId: number;
  stage: AccountStage;
  expiresAt: number;
  /** The secret hash of the deployment link shown last, if any. */
  deploymentHash: string | undefined;
}

/** A signed-in account page lives this long; the MFA step must be finished within the MFA challenge's time. */
export const ACCOUNT_SESSION_TTL_MS = 30 * 60 * 1000;
export const SECOND_FACTOR_TTL_MS = 10 * 60 * 1000;

interface Row {
  id_hash: string;
  user_id: number;
  stage: AccountStage;
  expires_at: number;
  deployment_hash: string | null;
}

/**
 * Browser sessions of the account page (/account). The cookie holds a 256-bit random value; only its
 * SHA-256 is stored. A session is dropped when its user's password changes (it counts only if it began
 * after the last change) and when the user is signed out everywhere.
 */
export class AccountSessionStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  /** A new session; the cookie value is returned once. */
  start(userId: number, stage: AccountStage): { id: string; idHash: string } {
    const id = randomToken();
    const idHash = sha256Hex(id);
    const now = this.clock();
    const ttl = stage === 'signed_in' ? ACCOUNT_SESSION_TTL_MS : SECOND_FACTOR_TTL_MS;
    this.db
      .transaction(() => {
        this.db.prepare<[number]>('DELETE FROM account_sessions WHERE expires_at <= ?').run(now);
        this.db
          .prepare<[string, number, AccountStage, number, number]>(
            'INSERT INTO account_sessions (id_hash, user_id, stage, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(idHash, userId, stage, now, now + ttl);
      })
      .immediate();
    return { id, idHash };
  }

  /** The live session behind a cookie value, if any. */
  find(id: string): AccountSession | undefined {
    const row = this.db
      .prepare<[string, number], Row>(
        `SELECT s.id_hash, s.user_id, s.stage, s.expires_at, s.deployment_hash
         FROM account_sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id_hash = ? AND s.expires_at > ? AND s.created_at >= u.password_changed_at`,
      )
      .get(sha256Hex(id), this.clock());
    return (
      row && {
        idHash: row.id_hash,
        userId: row.user_id,
        stage: row.stage,
        expiresAt: row.expires_at,
        deploymentHash: row.deployment_hash ?? undefined,
      }
    );
  }

  /** Remembers the newest deployment link's hash and returns the one it replaces. */
  swapDeployment(idHash: string, deploymentHash: string): string | undefined {
    return this.db
      .transaction(() => {
        const previous = this.db
          .prepare<[string], { deployment_hash: string | null }>(
            'SELECT deployment_hash FROM account_sessions WHERE id_hash = ?',
          )
          .get(idHash)?.deployment_hash;
        this.db
          .prepare<[string, string]>('UPDATE account_sessions SET deployment_hash = ? WHERE id_hash = ?')
          .run(deploymentHash, idHash);
        return previous ?? undefined;
      })
      .immediate();
  }

  end(idHash: string): void {
    this.db.prepare<[string]>('DELETE FROM account_sessions WHERE id_hash = ?').run(idHash);
  }

  /** Ends every account-page session of the user; returns how many there were. */
  endAllOf(userId: number): number {
    return this.db.prepare<[number]>('DELETE FROM account_sessions WHERE user_id = ?').run(userId).changes;
  }
}
