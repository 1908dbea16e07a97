import { randomToken, sha256Hex } from '../security/digest';
import type { Storage } from '../storage/storage';

/** What a reset link's token is worth now. */
export type LinkState =
  { outcome: 'valid'; userId: number; expiresAt: number } | { outcome: 'unknown' | 'expired' | 'used' };

/** Finished and expired links are kept a day (so a late click says "used" or "expired"), then dropped. */
const KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Password reset links: a 256-bit random token per link, of which only SHA-256 is stored. A link works
 * once, until it expires; issuing a new one voids the user's older ones, so only the newest e-mail works.
 */
export class ResetLinkStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /**
   * A new link for the user; the token is returned once and never stored. Voiding the older links and
   * inserting the new one are one transaction, so exactly one link of the user is open afterwards.
   */
  async issue(userId: number, ttlMs: number): Promise<{ token: string; expiresAt: number }> {
    const token = randomToken();
    const now = this.clock();
    const expiresAt = now + ttlMs;
    await this.storage.transaction(async () => {
      const q = this.storage.q();
      await q
        .deleteFrom('password_reset_links')
        .where('expires_at', '<', now - KEEP_MS)
        .execute();
      await this.voidAllOf(userId);
      await q
        .insertInto('password_reset_links')
        .values({
          token_hash: sha256Hex(token),
          user_id: userId,
          created_at: now,
          expires_at: expiresAt,
          used_at: null,
        })
        .execute();
    });
    return { token, expiresAt };
  }

  /** How many links the user was sent since `since` (epoch ms): the per-account mail cap counts these. */
  async issuedSince(userId: number, since: number): Promise<number> {
    const row = await this.storage
      .q()
      .selectFrom('password_reset_links')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('user_id', '=', userId)
      .where('created_at', '>=', since)
      .executeTakeFirst();
    // COUNT(*) is a BIGINT on PostgreSQL (read as a number, storage.ts) and an integer on SQLite.
    return Number(row?.count ?? 0);
  }

  async state(token: string): Promise<LinkState> {
    const row = await this.storage
      .q()
      .selectFrom('password_reset_links')
      .select(['user_id', 'expires_at', 'used_at'])
      .where('token_hash', '=', sha256Hex(token))
      .executeTakeFirst();
    if (!row) return { outcome: 'unknown' };
    if (row.used_at !== null) return { outcome: 'used' };
    if (row.expires_at <= this.clock()) return { outcome: 'expired' };
    return { outcome: 'valid', userId: row.user_id, expiresAt: row.expires_at };
  }

  /** Whose link this is, whatever its state (undefined: no such link, or dropped a day after it ended). */
  async ownerOf(token: string): Promise<number | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('password_reset_links')
      .select('user_id')
      .where('token_hash', '=', sha256Hex(token))
      .executeTakeFirst();
    return row?.user_id;
  }

  /**
   * Spends the link: of two submits racing with the same link (on one instance or two), exactly one
   * wins. The spending is one conditional UPDATE (… WHERE used_at IS NULL) whose affected-row count
   * decides: on PostgreSQL the second UPDATE waits for the first's row lock and then re-checks the
   * condition (https://www.postgresql.org/docs/15/transaction-iso.html#XACT-READ-COMMITTED), or, inside
   * a caller's SERIALIZABLE transaction, fails and is retried (storage.ts); on SQLite writers run one at
   * a time. Returns the link's state before (valid only for the winner).
   */
  async consume(token: string): Promise<LinkState> {
    const state = await this.state(token);
    if (state.outcome !== 'valid') return state;
    const spent = await this.storage
      .q()
      .updateTable('password_reset_links')
      .set({ used_at: this.clock() })
      .where('token_hash', '=', sha256Hex(token))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return spent.numUpdatedRows === 1n ? state : { outcome: 'used' };
  }

  /** Voids every link of the user still open; returns how many there were. */
  async voidAllOf(userId: number): Promise<number> {
    const voided = await this.storage
      .q()
      .updateTable('password_reset_links')
      .set({ used_at: this.clock() })
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(voided.numUpdatedRows);
  }
}
