import { z } from 'zod';
import { randomToken, sha256Hex } from '../security/digest';
import type { Db } from '../storage/database';

/** As long as the OpenID Provider's interaction it belongs to (OIDC_TTL.Interaction). */
export const ATTEMPT_TTL_MS = 10 * 60 * 1000;

/** Who the identity provider says signed in, once its answer checked out. */
export const UpstreamIdentity = z.strictObject({
  /** The upstream issuer: the SAML IdP's entity ID or the OIDC issuer. */
  issuer: z.string().min(1),
  /** The SAML NameID or the OIDC `sub`. */
  subject: z.string().min(1),
  email: z.string().optional(),
  /** Whether the e-mail may identify a Keyway user (identity-mapping.ts says when). */
  emailTrusted: z.boolean(),
  name: z.string().optional(),
});
export type UpstreamIdentity = z.infer<typeof UpstreamIdentity>;

export interface Attempt {
  stateHash: string;
  providerId: string;
  interactionUid: string;
  requestId: string | undefined;
  nonce: string | undefined;
  codeVerifier: string | undefined;
  createdAt: number;
}

interface AttemptRow {
  state_hash: string;
  provider_id: string;
  interaction_uid: string;
  request_id: string | null;
  nonce: string | null;
  code_verifier: string | null;
  created_at: number;
  expires_at: number;
  returned_at: number | null;
}

/** Why an answer from an identity provider has no attempt to go with. */
export type TakeRefusal = 'unknown' | 'used' | 'expired';

/**
 * Brokered sign-ins in flight. The state (OIDC) or RelayState (SAML) that leaves with the browser is
 * a 256-bit random value; only its hash is stored, with the interaction it belongs to. The answer is
 * taken once; the verified identity then waits under a one-time ticket that only the browser holding
 * the interaction's cookie can redeem (interaction routes), so an answer captured or forced into
 * another browser signs nobody in there.
 */
export class AttemptStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  start(input: {
    providerId: string;
    interactionUid: string;
    requestId?: string | undefined;
    nonce?: string | undefined;
    codeVerifier?: string | undefined;
  }): { state: string } {
    const state = randomToken();
    const now = this.clock();
    this.db.transaction(() => {
      // Finished or abandoned attempts are useless after their expiry; sweeping here needs no timer.
      this.db.prepare<[number]>('DELETE FROM federation_attempts WHERE expires_at <= ?').run(now);
      this.db
        .prepare<[string, string, string, string | null, string | null, string | null, number, number]>(
          `INSERT INTO federation_attempts
             (state_hash, provider_id, interaction_uid, request_id, nonce, code_verifier, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          sha256Hex(state),
          input.providerId,
          input.interactionUid,
          input.requestId ?? null,
          input.nonce ?? null,
          input.codeVerifier ?? null,
          now,
          now + ATTEMPT_TTL_MS,
        );
    })();
    return { state };
  }

  /** The attempt an answer came back for, marked as answered: a second answer with the same state is refused. */
  take(providerId: string, state: string): Attempt | TakeRefusal {
    const stateHash = sha256Hex(state);
    return this.db
      .transaction((): Attempt | TakeRefusal => {
        const row = this.db
          .prepare<[string, string], AttemptRow>(
            'SELECT * FROM federation_attempts WHERE state_hash = ? AND provider_id = ?',
          )
          .get(stateHash, providerId);
        if (!row) return 'unknown';
        if (row.returned_at !== null) return 'used';
        const now = this.clock();
        if (row.expires_at <= now) return 'expired';
        this.db
          .prepare<[number, string]>('UPDATE federation_attempts SET returned_at = ? WHERE state_hash = ?')
          .run(now, stateHash);
        return {
          stateHash,
          providerId: row.provider_id,
          interactionUid: row.interaction_uid,
          requestId: row.request_id ?? undefined,
          nonce: row.nonce ?? undefined,
          codeVerifier: row.code_verifier ?? undefined,
          createdAt: row.created_at,
        };
      })
      .immediate();
  }

  /** The interaction an answer's state belongs to, without taking it (for the way back after a refusal). */
  interactionOf(providerId: string, state: string): string | undefined {
    return this.db
      .prepare<[string, string], { interaction_uid: string }>(
        'SELECT interaction_uid FROM federation_attempts WHERE state_hash = ? AND provider_id = ?',
      )
      .get(sha256Hex(state), providerId)?.interaction_uid;
  }

  /** Keeps the verified identity for its interaction; returns the one-time ticket that redeems it. */
  succeed(attempt: Attempt, identity: UpstreamIdentity): string {
    const ticket = randomToken();
    this.db
      .prepare<[string, string, string]>(
        'UPDATE federation_attempts SET identity = ?, ticket_hash = ? WHERE state_hash = ?',
      )
      .run(JSON.stringify(identity), sha256Hex(ticket), attempt.stateHash);
    return ticket;
  }

  /** Whether a brokered sign-in finished in this interaction (so its first factor was not a password). */
  finishedIn(interactionUid: string): boolean {
    const row = this.db
      .prepare<[string], { found: number }>(
        `SELECT EXISTS (SELECT 1 FROM federation_attempts WHERE interaction_uid = ? AND finished_at IS NOT NULL)
           AS found`,
      )
      .get(interactionUid);
    return row?.found === 1;
  }

  /** Redeems a ticket in its own interaction, once, before it expires. */
  finish(interactionUid: string, ticket: string): { providerId: string; identity: UpstreamIdentity } | undefined {
    const ticketHash = sha256Hex(ticket);
    return this.db
      .transaction(() => {
        const row = this.db
          .prepare<[string, string, number], { provider_id: string; identity: string }>(
            `SELECT provider_id, identity FROM federation_attempts
             WHERE ticket_hash = ? AND interaction_uid = ? AND finished_at IS NULL AND expires_at > ?
               AND identity IS NOT NULL`,
          )
          .get(ticketHash, interactionUid, this.clock());
        if (!row) return undefined;
        this.db
          .prepare<[number, string]>('UPDATE federation_attempts SET finished_at = ? WHERE ticket_hash = ?')
          .run(this.clock(), ticketHash);
        return { providerId: row.provider_id, identity: UpstreamIdentity.parse(JSON.parse(row.identity)) };
      })
      .immediate();
  }
}
