import { randomToken, sha256Hex } from '../security/digest';
import type { Db } from '../storage/database';

/** What a reset link's token is worth now. */
export type LinkState =
  { outcome: 'valid'; userId: number; expiresAt: number } | { outcome: 'unknown' | 'expired' | 'used' };

interface Row {
  user_id: number;
  expires_at: number;
  used_at: number | null;
}

/** Finished and expired links are kept a day (so a late click says "used" or "expired"), then dropped. */
const KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Password reset links: a 256-bit random token per link, of which only SHA-256 is stored. A link works
 * once, until it expires; issuing a new one voids the user's older ones, so only the newest e-mail works.
 */
export class ResetLinkStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  /** A new link for the user; the token is returned once and never stored. */
  issue(userId: number, ttlMs: number): { token: string; expiresAt: number } {
    const token = randomToken();
    const now = this.clock();
    const expiresAt = now + ttlMs;
    this.db
      .transaction(() => {
        this.db.prepare<[number]>('DELETE FROM password_reset_links WHERE expires_at < ?').run(now - KEEP_MS);
        this.voidAllOf(userId);
        this.db
          .prepare<[string, number, number, number]>(
            'INSERT INTO password_reset_links (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
          )
          .run(sha256Hex(token), userId, now, expiresAt);
      })
      .immediate();
    return { token, expiresAt };
  }

  /** How many links the user was sent since `since` (epoch ms): the per-account mail cap counts these. */
  issuedSince(userId: number, since: number): number {
    return (
      this.db
        .prepare<[number, number], { count: number }>(
          'SELECT COUNT(*) AS count FROM password_reset_links WHERE user_id = ? AND created_at >= ?',
        )
        .get(userId, since)?.count ?? 0
    );
  }

  state(token: string): LinkState {
    const row = this.db
      .prepare<[string], Row>('SELECT user_id, expires_at, used_at FROM password_reset_links WHERE token_hash = ?')
      .get(sha256Hex(token));
    if (!row) return { outcome: 'unknown' };
    if (row.used_at !== null) return { outcome: 'used' };
    if (row.expires_at <= this.clock()) return { outcome: 'expired' };
    return { outcome: 'valid', userId: row.user_id, expiresAt: row.expires_at };
  }

  /**
   * Spends the link: one conditional UPDATE, so of two submits racing with the same link exactly one
   * wins. Returns the link's state before (valid only for the winner).
   */
  consume(token: string): LinkState {
    const state = this.state(token);
    if (state.outcome !== 'valid') return state;
    const spent = this.db
      .prepare<[number, string]>('UPDATE password_reset_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL')
      .run(this.clock(), sha256Hex(token));
    return spent.changes === 1 ? state : { outcome: 'used' };
  }

  /** Voids every link of the user still open; returns how many there were. */
  voidAllOf(userId: number): number {
    return this.db
      .prepare<[number, number]>('UPDATE password_reset_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL')
      .run(this.clock(), userId).changes;
  }
}
