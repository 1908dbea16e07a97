import { sha256Hex } from '../security/digest';
import type { Storage } from '../storage/storage';
import { startHashedToken } from './hashed-tokens';

export interface AdminSession {
  idHash: string;
  userId: number;
  createdAt: number;
  expiresAt: number;
}

export interface AdminSessionTimes {
  /** A session nobody used for this long is over. */
  idleMs: number;
  /** A session is over this long after its sign-in, however busy. */
  absoluteMs: number;
}

/** Short, as OWASP's session guidance asks of high-value applications (2–5 min idle … 15–30 min). */
const DEFAULT_ADMIN_SESSION_TIMES: AdminSessionTimes = {
  idleMs: 15 * 60 * 1000,
  absoluteMs: 8 * 60 * 60 * 1000,
};

/**
 * The admin console's sessions, in the database so every instance behind a balancer shares them. The
 * cookie holds a 256-bit random value; only its SHA-256 is stored. A session counts only while:
 * - it is younger than the absolute lifetime and was used within the idle timeout (each use moves
 *   last_seen_at; the clock is injected, so tests move time instead of sleeping);
 * - its user still holds the admin role (revoke-admin also deletes the rows, admin-roles.ts);
 * - it began after the user's last password change (a reset password ends it, like /account's);
 * - its user is not locked (lock-user).
 */
export class AdminSessionStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    readonly times: AdminSessionTimes = DEFAULT_ADMIN_SESSION_TIMES,
  ) {}

  /** A new session; the cookie value is returned once. */
  start(userId: number): Promise<{ id: string; idHash: string }> {
    const now = this.clock();
    return startHashedToken(this.storage, 'admin_sessions', now, (idHash) => ({
      id_hash: idHash,
      user_id: userId,
      created_at: now,
      last_seen_at: now,
      expires_at: now + this.times.absoluteMs,
    }));
  }

  /** The live session behind a cookie value, if any; finding it counts as a use (idle timer restarts). */
  async use(id: string): Promise<AdminSession | undefined> {
    const now = this.clock();
    const idHash = sha256Hex(id);
    const row = await this.storage
      .q()
      .selectFrom('admin_sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .innerJoin('admin_roles as r', 'r.user_id', 's.user_id')
      .select(['s.id_hash', 's.user_id', 's.created_at', 's.expires_at'])
      .where('s.id_hash', '=', idHash)
      .where('s.expires_at', '>', now)
      .where('s.last_seen_at', '>', now - this.times.idleMs)
      .whereRef('s.created_at', '>=', 'u.password_changed_at')
      // An admin locked by another admin (users/user-lock.ts) is out of the console at their next click.
      .where('u.locked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    await this.storage
      .q()
      .updateTable('admin_sessions')
      .set({ last_seen_at: now })
      .where('id_hash', '=', idHash)
      .execute();
    return { idHash: row.id_hash, userId: row.user_id, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  async end(idHash: string): Promise<void> {
    await this.storage.q().deleteFrom('admin_sessions').where('id_hash', '=', idHash).execute();
  }
}
