import type { MfaChannel } from '../../protocol/mfa';
import { randomToken, sha256Hex } from '../security/digest';
import type { Db } from '../storage/database';
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
}

/** What a code's HMAC is bound to: this challenge, so a code from another sign-in never matches. */
export function codeContext(challenge: Challenge): string {
  return `keyway:mfa-code:${challenge.idHash}`;
}

interface Row {
  id_hash: string;
  user_id: number;
  installation_id: string | null;
  interaction_uid: string | null;
  created_at: number;
  expires_at: number;
  failed_attempts: number;
  sends: number;
  chosen_channel: string | null;
  code_hmac: string | null;
  code_channel: string | null;
  code_sent_at: number | null;
  code_expires_at: number | null;
  pending_authenticator_id: string | null;
  consumed_at: number | null;
  proven_at: number | null;
}

/** Finished and abandoned challenges are kept a day (for "code already used" answers), then dropped. */
const KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Sign-ins waiting for their second factor. The API names a challenge by an opaque random id, of which
 * only SHA-256 is stored; the OpenID Provider's pages find theirs by interaction uid.
 */
export class ChallengeStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  start(
    userId: number,
    binding: { installationId?: string | undefined; interactionUid?: string },
  ): {
    id: string;
    challenge: Challenge;
  } {
    const id = randomToken();
    const idHash = sha256Hex(id);
    this.db
      .transaction(() => {
        const now = this.clock();
        this.db.prepare<[number]>('DELETE FROM mfa_challenges WHERE expires_at < ?').run(now - KEEP_MS);
        // One live challenge per provider interaction: a new password starts the second step over.
        if (binding.interactionUid !== undefined) {
          this.db.prepare<[string]>('DELETE FROM mfa_challenges WHERE interaction_uid = ?').run(binding.interactionUid);
        }
        this.db
          .prepare<[string, number, string | null, string | null, number, number]>(
            `INSERT INTO mfa_challenges (id_hash, user_id, installation_id, interaction_uid, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .run(
            idHash,
            userId,
            binding.installationId ?? null,
            binding.interactionUid ?? null,
            now,
            now + CHALLENGE_TTL_MS,
          );
      })
      .immediate();
    const challenge = this.byHash(idHash);
    if (!challenge) throw new Error('The new MFA challenge vanished.');
    return { id, challenge };
  }

  find(id: string): Challenge | undefined {
    return this.byHash(sha256Hex(id));
  }

  findByInteraction(uid: string): Challenge | undefined {
    const row = this.db
      .prepare<[string], Row>('SELECT * FROM mfa_challenges WHERE interaction_uid = ? ORDER BY created_at DESC')
      .get(uid);
    return row && fromRow(row);
  }

  byHash(idHash: string): Challenge | undefined {
    const row = this.db.prepare<[string], Row>('SELECT * FROM mfa_challenges WHERE id_hash = ?').get(idHash);
    return row && fromRow(row);
  }

  /** Counts a wrong code; returns the count now. */
  recordFailure(idHash: string): number {
    const row = this.db
      .prepare<[string], { failed_attempts: number }>(
        'UPDATE mfa_challenges SET failed_attempts = failed_attempts + 1 WHERE id_hash = ? RETURNING failed_attempts',
      )
      .get(idHash);
    return row?.failed_attempts ?? 0;
  }

  /** Stores a newly sent code in place of any older one (which stops working) and extends the challenge. */
  recordCode(idHash: string, code: SentCode, challengeExpiresAt: number): void {
    this.db
      .prepare<[SentCode & { idHash: string; challengeExpiresAt: number }]>(
        // SET expressions see the old row, so the chosen channel is the new code's, named again.
        `UPDATE mfa_challenges SET code_hmac = @mac, code_channel = @channel, chosen_channel = @channel,
           code_sent_at = @sentAt, code_expires_at = @expiresAt, expires_at = max(expires_at, @challengeExpiresAt),
           sends = sends + 1
         WHERE id_hash = @idHash`,
      )
      .run({ ...code, idHash, challengeExpiresAt });
  }

  /** Forgets a code that could not be delivered, so Resend works at once and the count is not spent. */
  forgetUndeliveredCode(idHash: string, mac: string): void {
    this.db
      .prepare<[string, string]>(
        `UPDATE mfa_challenges SET code_hmac = NULL, code_channel = NULL, code_sent_at = NULL,
           code_expires_at = NULL, sends = sends - 1 WHERE id_hash = ? AND code_hmac = ?`,
      )
      .run(idHash, mac);
  }

  choose(idHash: string, channel: MfaChannel | undefined): void {
    this.db
      .prepare<[string | null, string]>('UPDATE mfa_challenges SET chosen_channel = ? WHERE id_hash = ?')
      .run(channel ?? null, idHash);
  }

  setPendingAuthenticator(idHash: string, authenticatorId: string): void {
    this.db
      .prepare<[string, string]>('UPDATE mfa_challenges SET pending_authenticator_id = ? WHERE id_hash = ?')
      .run(authenticatorId, idHash);
  }

  /**
   * Records that an e-mail/SMS code proved the challenge's owner, so a first authenticator may be
   * enrolled in it; the code is spent (it cannot also finish the sign-in).
   */
  prove(idHash: string): boolean {
    return (
      this.db
        .prepare<[number, string]>(
          `UPDATE mfa_challenges SET proven_at = ?, code_hmac = NULL, code_channel = NULL, code_sent_at = NULL,
             code_expires_at = NULL WHERE id_hash = ? AND consumed_at IS NULL`,
        )
        .run(this.clock(), idHash).changes === 1
    );
  }

  /** Marks the challenge done; false when another request finished it first. */
  consume(idHash: string): boolean {
    return (
      this.db
        .prepare<[number, string]>(
          'UPDATE mfa_challenges SET consumed_at = ? WHERE id_hash = ? AND consumed_at IS NULL',
        )
        .run(this.clock(), idHash).changes === 1
    );
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
