import { sql, type Selectable } from 'kysely';
import type { MfaChannel } from '../../protocol/mfa';
import { randomToken, sha256Hex } from '../security/digest';
import type { MfaChallengesTable } from '../storage/schema';
import type { Storage } from '../storage/storage';
import type { UserRecord } from '../users/user-store';
import { CHALLENGE_TTL_MS } from './codes';

export type CodeChannel = 'email' | 'sms';

export interface SentCode {
  /** HMAC of the code (SecretBox.codeMac), keyed to this challenge. */
  mac: string;
  channel: CodeChannel;
  sentAt: number;
  expiresAt: number;
}

export interface Challenge {
  idHash: string;
  userId: number;
  installationId: string | undefined;
  interactionUid: string | undefined;
  createdAt: number;
  expiresAt: number;
  failedAttempts: number;
  sends: number;
  /** The channel picked on the provider's pages, so a reload shows the same step. */
  chosenChannel: MfaChannel | undefined;
  code: SentCode | undefined;
  pendingAuthenticatorId: string | undefined;
  consumedAt: number | undefined;
  /** When an e-mail/SMS code proved the owner before enrolling a first authenticator (enrolment.ts). */
  provenAt: number | undefined;
}

/** A challenge with the user it belongs to. */
export interface LiveChallenge {
  challenge: Challenge;
  user: UserRecord;
  /** Set once, when this verify confirmed the user's first second factor: their new recovery codes. */
  recoveryCodes?: string[] | undefined;
}

/** What a code's HMAC is bound to: this challenge, so a code from another sign-in never matches. */
export function codeContext(challenge: Challenge): string {
  return `keyway:mfa-code:${challenge.idHash}`;
}

type Row = Selectable<MfaChallengesTable>;

/** Finished and abandoned challenges are kept a day (for "code already used" answers), then dropped. */
const KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Sign-ins waiting for their second factor. The API names a challenge by an opaque random id, of which
 * only SHA-256 is stored; the OpenID Provider's pages find theirs by interaction uid.
 */
export class ChallengeStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  async start(
    userId: number,
    binding: { installationId?: string | undefined; interactionUid?: string },
  ): Promise<{ id: string; challenge: Challenge }> {
    const id = randomToken();
    const idHash = sha256Hex(id);
    // One transaction, so an interaction never has two live challenges (the delete and the insert of two
    // password submissions cannot interleave: IMMEDIATE on SQLite, SERIALIZABLE on PostgreSQL).
    await this.storage.transaction(async () => {
      const q = this.storage.q();
      const now = this.clock();
      await q
        .deleteFrom('mfa_challenges')
        .where('expires_at', '<', now - KEEP_MS)
        .execute();
      // One live challenge per provider interaction: a new password starts the second step over.
      if (binding.interactionUid !== undefined) {
        await q.deleteFrom('mfa_challenges').where('interaction_uid', '=', binding.interactionUid).execute();
      }
      await q
        .insertInto('mfa_challenges')
        .values({
          id_hash: idHash,
          user_id: userId,
          installation_id: binding.installationId ?? null,
          interaction_uid: binding.interactionUid ?? null,
          created_at: now,
          expires_at: now + CHALLENGE_TTL_MS,
          chosen_channel: null,
          code_hmac: null,
          code_channel: null,
          code_sent_at: null,
          code_expires_at: null,
          pending_authenticator_id: null,
          consumed_at: null,
          proven_at: null,
        })
        .execute();
    });
    const challenge = await this.byHash(idHash);
    if (!challenge) throw new Error('The new MFA challenge vanished.');
    return { id, challenge };
  }

  find(id: string): Promise<Challenge | undefined> {
    return this.byHash(sha256Hex(id));
  }

  async findByInteraction(uid: string): Promise<Challenge | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('mfa_challenges')
      .selectAll()
      .where('interaction_uid', '=', uid)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async byHash(idHash: string): Promise<Challenge | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('mfa_challenges')
      .selectAll()
      .where('id_hash', '=', idHash)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /**
   * Counts a wrong code; returns the count now. One UPDATE … RETURNING: the increment is the database's,
   * so concurrent wrong codes are each counted on both engines whatever the transaction around it.
   */
  async recordFailure(idHash: string): Promise<number> {
    const row = await this.storage
      .q()
      .updateTable('mfa_challenges')
      .set({ failed_attempts: sql<number>`failed_attempts + 1` })
      .where('id_hash', '=', idHash)
      .returning('failed_attempts')
      .executeTakeFirst();
    return row?.failed_attempts ?? 0;
  }

  /** Stores a newly sent code in place of any older one (which stops working) and extends the challenge. */
  async recordCode(idHash: string, code: SentCode, challengeExpiresAt: number): Promise<void> {
    await this.storage
      .q()
      .updateTable('mfa_challenges')
      .set({
        code_hmac: code.mac,
        code_channel: code.channel,
        chosen_channel: code.channel,
        code_sent_at: code.sentAt,
        code_expires_at: code.expiresAt,
        // SQLite's two-argument max() is PostgreSQL's greatest(); CASE says the same on both.
        expires_at: sql<number>`CASE WHEN expires_at > ${challengeExpiresAt} THEN expires_at ELSE ${challengeExpiresAt} END`,
        sends: sql<number>`sends + 1`,
      })
      .where('id_hash', '=', idHash)
      .execute();
  }

  /** Forgets a code that could not be delivered, so Resend works at once and the count is not spent. */
  async forgetUndeliveredCode(idHash: string, mac: string): Promise<void> {
    await this.storage
      .q()
      .updateTable('mfa_challenges')
      .set({
        code_hmac: null,
        code_channel: null,
        code_sent_at: null,
        code_expires_at: null,
        sends: sql<number>`sends - 1`,
      })
      .where('id_hash', '=', idHash)
      .where('code_hmac', '=', mac)
      .execute();
  }

  async choose(idHash: string, channel: MfaChannel | undefined): Promise<void> {
    await this.storage
      .q()
      .updateTable('mfa_challenges')
      .set({ chosen_channel: channel ?? null })
      .where('id_hash', '=', idHash)
      .execute();
  }

  async setPendingAuthenticator(idHash: string, authenticatorId: string): Promise<void> {
    await this.storage
      .q()
      .updateTable('mfa_challenges')
      .set({ pending_authenticator_id: authenticatorId })
      .where('id_hash', '=', idHash)
      .execute();
  }

  /**
   * Records that an e-mail/SMS code proved the challenge's owner, so a first authenticator may be
   * enrolled in it; the code is spent (it cannot also finish the sign-in). Conditional on the challenge
   * not being consumed: the row count decides, on both engines.
   */
  async prove(idHash: string): Promise<boolean> {
    const result = await this.storage
      .q()
      .updateTable('mfa_challenges')
      .set({
        proven_at: this.clock(),
        code_hmac: null,
        code_channel: null,
        code_sent_at: null,
        code_expires_at: null,
      })
      .where('id_hash', '=', idHash)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * Marks the challenge done; false when another request finished it first. A conditional UPDATE whose
   * row count decides: of concurrent consumers exactly one sees 1 (SQLite: one writer at a time;
   * PostgreSQL: the second UPDATE waits on the first's row lock, then re-reads `consumed_at IS NULL` and
   * matches nothing — READ COMMITTED's re-check, https://www.postgresql.org/docs/15/transaction-iso.html
   * — or, under SERIALIZABLE, fails with 40001 and its retry sees the row consumed).
   */
  async consume(idHash: string): Promise<boolean> {
    const result = await this.storage
      .q()
      .updateTable('mfa_challenges')
      .set({ consumed_at: this.clock() })
      .where('id_hash', '=', idHash)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }
}

function fromRow(row: Row): Challenge {
  const code =
    row.code_hmac !== null && row.code_sent_at !== null && row.code_expires_at !== null
      ? {
          mac: row.code_hmac,
          channel: row.code_channel === 'sms' ? ('sms' as const) : ('email' as const),
          sentAt: row.code_sent_at,
          expiresAt: row.code_expires_at,
        }
      : undefined;
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    installationId: row.installation_id ?? undefined,
    interactionUid: row.interaction_uid ?? undefined,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    failedAttempts: row.failed_attempts,
    sends: row.sends,
    chosenChannel: isChannel(row.chosen_channel) ? row.chosen_channel : undefined,
    code,
    pendingAuthenticatorId: row.pending_authenticator_id ?? undefined,
    consumedAt: row.consumed_at ?? undefined,
    provenAt: row.proven_at ?? undefined,
  };
}

function isChannel(value: string | null): value is MfaChannel {
  return value === 'totp' || value === 'email' || value === 'sms';
}
