import { randomToken, sha256Hex } from '../security/digest';
import type { Storage } from '../storage/storage';

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

/**
 * Browser sessions of the account page (/account). The cookie holds a 256-bit random value; only its
 * SHA-256 is stored. A session is dropped when its user's password changes (it counts only if it began
 * after the last change) and when the user is signed out everywhere.
 */
export class AccountSessionStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /** A new session; the cookie value is returned once. */
  async start(userId: number, stage: AccountStage): Promise<{ id: string; idHash: string }> {
    const id = randomToken();
    const idHash = sha256Hex(id);
    const now = this.clock();
    const ttl = stage === 'signed_in' ? ACCOUNT_SESSION_TTL_MS : SECOND_FACTOR_TTL_MS;
    await this.storage.transaction(async () => {
      const q = this.storage.q();
      await q.deleteFrom('account_sessions').where('expires_at', '<=', now).execute();
      await q
        .insertInto('account_sessions')
        .values({ id_hash: idHash, user_id: userId, stage, created_at: now, expires_at: now + ttl })
        .execute();
    });
    return { id, idHash };
  }

  /** The live session behind a cookie value, if any. */
  async find(id: string): Promise<AccountSession | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('account_sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.id_hash', 's.user_id', 's.stage', 's.expires_at', 's.deployment_hash'])
      .where('s.id_hash', '=', sha256Hex(id))
      .where('s.expires_at', '>', this.clock())
      .whereRef('s.created_at', '>=', 'u.password_changed_at')
      .executeTakeFirst();
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

  /**
   * Remembers the newest deployment link's hash and returns the one it replaces. Read and write are one
   * transaction (SQLite: IMMEDIATE; PostgreSQL: SERIALIZABLE with retry, storage.ts), so of two pages
   * making links at once each gets back a different predecessor and no link is left open unseen.
   */
  swapDeployment(idHash: string, deploymentHash: string): Promise<string | undefined> {
    return this.storage.transaction(async () => {
      const q = this.storage.q();
      const previous = await q
        .selectFrom('account_sessions')
        .select('deployment_hash')
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      await q
        .updateTable('account_sessions')
        .set({ deployment_hash: deploymentHash })
        .where('id_hash', '=', idHash)
        .execute();
      return previous?.deployment_hash ?? undefined;
    });
  }

  async end(idHash: string): Promise<void> {
    await this.storage.q().deleteFrom('account_sessions').where('id_hash', '=', idHash).execute();
  }

  /** Ends every account-page session of the user; returns how many there were. */
  async endAllOf(userId: number): Promise<number> {
    const ended = await this.storage
      .q()
      .deleteFrom('account_sessions')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(ended.numDeletedRows);
  }
}
