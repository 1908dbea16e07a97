import type { Selectable } from 'kysely';
import { randomBytes } from 'node:crypto';
import type { MfaAuthenticatorsTable } from '../storage/schema';
import type { Storage } from '../storage/storage';
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

type Row = Selectable<MfaAuthenticatorsTable>;

export const DEFAULT_AUTHENTICATOR_NAME = 'Authenticator app';

/** TOTP authenticators; their secrets are sealed with the SecretBox, bound to the authenticator's id. */
export class AuthenticatorStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    private readonly box: SecretBox,
  ) {}

  /** A new authenticator that counts only once a code confirms it, before `pendingUntil`. */
  async createPending(userId: number, pendingUntil: number): Promise<{ authenticator: Authenticator; secret: string }> {
    const id = randomBytes(16).toString('base64url');
    const secret = newTotpSecret();
    const sealed = this.box.seal(secret, sealContext(userId, id));
    const now = this.clock();
    await this.storage.transaction(async () => {
      const q = this.storage.q();
      // Enrolments nobody finished are useless; drop them rather than keep their secrets around.
      await q
        .deleteFrom('mfa_authenticators')
        .where('confirmed_at', 'is', null)
        .where('pending_until', '<', now)
        .execute();
      await q
        .insertInto('mfa_authenticators')
        .values({
          id,
          user_id: userId,
          name: DEFAULT_AUTHENTICATOR_NAME,
          sealed_secret: sealed,
          created_at: now,
          confirmed_at: null,
          pending_until: pendingUntil,
          last_step: null,
        })
        .execute();
    });
    const authenticator = await this.find(id);
    if (!authenticator) throw new Error('The new authenticator vanished.');
    return { authenticator, secret };
  }

  async find(id: string): Promise<Authenticator | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('mfa_authenticators')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** A pending authenticator of this user that may still be confirmed. */
  async findPending(id: string, userId: number): Promise<Authenticator | undefined> {
    const found = await this.find(id);
    const now = this.clock();
    return found?.userId === userId && found.confirmedAt === undefined && (found.pendingUntil ?? 0) > now
      ? found
      : undefined;
  }

  async confirmedOf(userId: number): Promise<Authenticator[]> {
    const rows = await this.storage
      .q()
      .selectFrom('mfa_authenticators')
      .selectAll()
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is not', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(fromRow);
  }

  async hasConfirmed(userId: number): Promise<boolean> {
    const row = await this.storage
      .q()
      .selectFrom('mfa_authenticators')
      .select('id')
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is not', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async secretOf(authenticator: Authenticator): Promise<string> {
    const row = await this.storage
      .q()
      .selectFrom('mfa_authenticators')
      .select('sealed_secret')
      .where('id', '=', authenticator.id)
      .executeTakeFirst();
    if (!row) throw new Error(`The authenticator ${authenticator.id} is gone.`);
    return this.box.open(row.sealed_secret, sealContext(authenticator.userId, authenticator.id));
  }

  /**
   * Records an accepted code's time step; false when a parallel request accepted this step (or a
   * later one) first, which makes this acceptance a replay. A conditional UPDATE whose row count
   * decides: on PostgreSQL the second of two concurrent UPDATEs waits for the first's row lock and then
   * re-evaluates `last_step < step` on the committed row (or, under SERIALIZABLE, fails and is retried),
   * so one time step is accepted once on both engines.
   */
  async acceptStep(id: string, step: number): Promise<boolean> {
    const result = await this.storage
      .q()
      .updateTable('mfa_authenticators')
      .set({ last_step: step })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async confirm(id: string, name: string): Promise<void> {
    await this.storage
      .q()
      .updateTable('mfa_authenticators')
      .set({ confirmed_at: this.clock(), pending_until: null, name })
      .where('id', '=', id)
      .execute();
  }

  /** Removes every authenticator of the user, pending ones included; returns how many were confirmed. */
  removeAllOf(userId: number): Promise<number> {
    return this.storage.transaction(async () => {
      const confirmed = (await this.confirmedOf(userId)).length;
      await this.storage.q().deleteFrom('mfa_authenticators').where('user_id', '=', userId).execute();
      return confirmed;
    });
  }

  /** Removes one of the user's confirmed authenticators; false when there is no such one. */
  async remove(id: string, userId: number): Promise<boolean> {
    const result = await this.storage
      .q()
      .deleteFrom('mfa_authenticators')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is not', null)
      .executeTakeFirst();
    return result.numDeletedRows === 1n;
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
