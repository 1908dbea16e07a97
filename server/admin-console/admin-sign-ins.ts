import { sha256Hex } from '../security/digest';
import type { Storage } from '../storage/storage';
import { pruneExpired, startHashedToken } from './hashed-tokens';

/** A console sign-in past its password, waiting for the second factor. */
export interface PendingSignIn {
  idHash: string;
  userId: number;
  expiresAt: number;
  /** An admin locked the user after the password (user-lock.ts): the sign-in cannot be finished. */
  lockedByAdmin: boolean;
}

/** Long enough to open an authenticator app or touch a passkey; short, since the password is already spent. */
const PENDING_SIGN_IN_MS = 5 * 60 * 1000;

/**
 * The console's pending sign-ins: what a right password leaves for the second step (issue 18). In the
 * database, like admin_sessions, so any instance behind a balancer can finish it. The browser holds a
 * 256-bit random value in a `__Host-` cookie; only its SHA-256 is stored. A pending sign-in is never a
 * session: nothing but the second-step pages accepts it. It counts only while:
 * - it is younger than PENDING_SIGN_IN_MS (the clock is injected: tests move time instead of sleeping);
 * - it began after the user's last password change;
 * - the user is not locked by an admin (`find` reports such a lock; the second step refuses it);
 * - it has not been taken: `take` deletes it, and of two concurrent takes exactly one sees the row.
 */
export class AdminSignInStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    readonly ttlMs: number = PENDING_SIGN_IN_MS,
  ) {}

  /** A new pending sign-in for `userId`; the cookie value is returned once. */
  start(userId: number): Promise<{ id: string; idHash: string }> {
    const now = this.clock();
    return startHashedToken(this.storage, 'admin_pending_sign_ins', now, (idHash) => ({
      id_hash: idHash,
      user_id: userId,
      created_at: now,
      expires_at: now + this.ttlMs,
    }));
  }

  /**
   * The live pending sign-in behind a cookie value, if any (finding it does not use it up). Expired rows are
   * deleted first, this one with the others: a lookup with an expired cookie leaves no row behind. A user
   * locked by an admin since the password is reported (`lockedByAdmin`), not hidden, so the second step can
   * answer as the password step does for that lock; the caller must refuse such a sign-in.
   */
  async find(id: string): Promise<PendingSignIn | undefined> {
    const now = this.clock();
    await pruneExpired(this.storage, 'admin_pending_sign_ins', now);
    const row = await this.storage
      .q()
      .selectFrom('admin_pending_sign_ins as p')
      .innerJoin('users as u', 'u.id', 'p.user_id')
      .select(['p.id_hash', 'p.user_id', 'p.expires_at', 'u.locked_at'])
      .where('p.id_hash', '=', sha256Hex(id))
      .where('p.expires_at', '>', now)
      .whereRef('p.created_at', '>=', 'u.password_changed_at')
      .executeTakeFirst();
    return (
      row && {
        idHash: row.id_hash,
        userId: row.user_id,
        expiresAt: row.expires_at,
        lockedByAdmin: row.locked_at !== null,
      }
    );
  }

  /**
   * Uses the pending sign-in up; false when it is gone, expired or another request took it first. A
   * conditional DELETE whose row count decides, on both engines (SQLite: one writer at a time;
   * PostgreSQL: the second DELETE waits on the first's row lock, then finds no row).
   */
  async take(idHash: string): Promise<boolean> {
    const result = await this.storage
      .q()
      .deleteFrom('admin_pending_sign_ins')
      .where('id_hash', '=', idHash)
      .where('expires_at', '>', this.clock())
      .executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  /** Forgets a pending sign-in (a refusal that ends it, a new sign-in in the same browser). */
  async end(idHash: string): Promise<void> {
    await this.storage.q().deleteFrom('admin_pending_sign_ins').where('id_hash', '=', idHash).execute();
  }

  /** Forgets the pending sign-in behind a cookie value, live or not (Cancel). */
  async cancel(id: string): Promise<void> {
    await this.end(sha256Hex(id));
  }
}
