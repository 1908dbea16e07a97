import { randomBytes } from 'node:crypto';
import type { Db } from '../storage/database';
import type { SecretBox } from './secret-box';
import { newTotpSecret } from './totp';

export interface Authenticator {
  id: string;
  userId: number;
  name: string;
  createdAt: number;
  confirmedAt: number | undefined;
  /** Set while the authenticator waits for its first code. */
  pendingUntil: number | undefined;
  /** The time step of the last accepted code. */
  lastStep: number | undefined;
}

interface Row {
  id: string;
  user_id: number;
  name: string;
  sealed_secret: string;
  created_at: number;
  confirmed_at: number | null;
  pending_until: number | null;
  last_step: number | null;
}

export const DEFAULT_AUTHENTICATOR_NAME = 'Authenticator app';

/** TOTP authenticators; their secrets are sealed with the SecretBox, bound to the authenticator's id. */
export class AuthenticatorStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
    private readonly box: SecretBox,
  ) {}

  /** A new authenticator that counts only once a code confirms it, before `pendingUntil`. */
  createPending(userId: number, pendingUntil: number): { authenticator: Authenticator; secret: string } {
    const id = randomBytes(16).toString('base64url');
    const secret = newTotpSecret();
    const sealed = this.box.seal(secret, sealContext(userId, id));
    const now = this.clock();
    this.db.transaction(() => {
      // Enrolments nobody finished are useless; drop them rather than keep their secrets around.
      this.db
        .prepare<[number]>('DELETE FROM mfa_authenticators WHERE confirmed_at IS NULL AND pending_until < ?')
        .run(now);
      this.db
        .prepare<[string, number, string, string, number, number]>(
          `INSERT INTO mfa_authenticators (id, user_id, name, sealed_secret, created_at, pending_until)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(id, userId, DEFAULT_AUTHENTICATOR_NAME, sealed, now, pendingUntil);
    })();
    const authenticator = this.find(id);
    if (!authenticator) throw new Error('The new authenticator vanished.');
    return { authenticator, secret };
  }

  find(id: string): Authenticator | undefined {
    const row = this.db.prepare<[string], Row>('SELECT * FROM mfa_authenticators WHERE id = ?').get(id);
    return row && fromRow(row);
  }

  /** A pending authenticator of this user that may still be confirmed. */
  findPending(id: string, userId: number): Authenticator | undefined {
    const found = this.find(id);
    const now = this.clock();
    return found?.userId === userId && found.confirmedAt === undefined && (found.pendingUntil ?? 0) > now
      ? found
      : undefined;
  }

  confirmedOf(userId: number): Authenticator[] {
    return this.db
      .prepare<[number], Row>(
        'SELECT * FROM mfa_authenticators WHERE user_id = ? AND confirmed_at IS NOT NULL ORDER BY created_at, id',
      )
      .all(userId)
      .map(fromRow);
  }

  hasConfirmed(userId: number): boolean {
    return (
      this.db
        .prepare<[number], { found: number }>(
          'SELECT EXISTS (SELECT 1 FROM mfa_authenticators WHERE user_id = ? AND confirmed_at IS NOT NULL) AS found',
        )
        .get(userId)?.found === 1
    );
  }

  secretOf(authenticator: Authenticator): string {
    const row = this.db
      .prepare<[string], { sealed_secret: string }>('SELECT sealed_secret FROM mfa_authenticators WHERE id = ?')
      .get(authenticator.id);
    if (!row) throw new Error(`The authenticator ${authenticator.id} is gone.`);
    return this.box.open(row.sealed_secret, sealContext(authenticator.userId, authenticator.id));
  }

  /**
   * Records an accepted code's time step; false when a parallel request accepted this step (or a
   * later one) first, which makes this acceptance a replay.
   */
  acceptStep(id: string, step: number): boolean {
    return (
      this.db
        .prepare<[number, string, number]>(
          'UPDATE mfa_authenticators SET last_step = ? WHERE id = ? AND (last_step IS NULL OR last_step < ?)',
        )
        .run(step, id, step).changes === 1
    );
  }

  confirm(id: string, name: string): void {
    this.db
      .prepare<[number, string, string]>(
        'UPDATE mfa_authenticators SET confirmed_at = ?, pending_until = NULL, name = ? WHERE id = ?',
      )
      .run(this.clock(), name, id);
  }

  /** Removes every authenticator of the user, pending ones included; returns how many were confirmed. */
  removeAllOf(userId: number): number {
    const confirmed = this.confirmedOf(userId).length;
    this.db.prepare<[number]>('DELETE FROM mfa_authenticators WHERE user_id = ?').run(userId);
    return confirmed;
  }

  /** Removes one of the user's confirmed authenticators; false when there is no such one. */
  remove(id: string, userId: number): boolean {
    return (
      this.db
        .prepare<[string, number]>(
          'DELETE FROM mfa_authenticators WHERE id = ? AND user_id = ? AND confirmed_at IS NOT NULL',
        )
        .run(id, userId).changes === 1
    );
  }
}

/** Binds a sealed secret to its row and user: moved to another row or user, it no longer opens. */
function sealContext(userId: number, id: string): string {
  return `keyway:totp-secret:${userId}:${id}`;
}

function fromRow(row: Row): Authenticator {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at ?? undefined,
    pendingUntil: row.pending_until ?? undefined,
    lastStep: row.last_step ?? undefined,
  };
}
