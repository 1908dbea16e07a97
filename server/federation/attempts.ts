import { z } from 'zod';
import { randomToken, sha256Hex } from '../security/digest';
import type { Storage } from '../storage/storage';

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
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  async start(input: {
    providerId: string;
    interactionUid: string;
    requestId?: string | undefined;
    nonce?: string | undefined;
    codeVerifier?: string | undefined;
  }): Promise<{ state: string }> {
    const state = randomToken();
    const now = this.clock();
    await this.storage.transaction(async () => {
      const q = this.storage.q();
      // Finished or abandoned attempts are useless after their expiry; sweeping here needs no timer.
      await q.deleteFrom('federation_attempts').where('expires_at', '<=', now).execute();
      await q
        .insertInto('federation_attempts')
        .values({
          state_hash: sha256Hex(state),
          provider_id: input.providerId,
          interaction_uid: input.interactionUid,
          request_id: input.requestId ?? null,
          nonce: input.nonce ?? null,
          code_verifier: input.codeVerifier ?? null,
          created_at: now,
          expires_at: now + ATTEMPT_TTL_MS,
          returned_at: null,
          identity: null,
          ticket_hash: null,
          finished_at: null,
        })
        .execute();
    });
    return { state };
  }

  /**
   * The attempt an answer came back for, marked as answered: a second answer with the same state is
   * refused. One conditional UPDATE … RETURNING takes it (`returned_at IS NULL`, not expired): of two
   * answers racing at once, on one instance or several, exactly one gets the row back on both engines
   * (PostgreSQL: the second UPDATE waits for the first's row lock, then re-checks the condition on the
   * committed row, https://www.postgresql.org/docs/15/transaction-iso.html#XACT-READ-COMMITTED).
   * Only a refusal reads the row again, to say why.
   */
  async take(providerId: string, state: string): Promise<Attempt | TakeRefusal> {
    const stateHash = sha256Hex(state);
    const now = this.clock();
    const q = this.storage.q();
    const row = await q
      .updateTable('federation_attempts')
      .set({ returned_at: now })
      .where('state_hash', '=', stateHash)
      .where('provider_id', '=', providerId)
      .where('returned_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    if (row) {
      return {
        stateHash,
        providerId: row.provider_id,
        interactionUid: row.interaction_uid,
        requestId: row.request_id ?? undefined,
        nonce: row.nonce ?? undefined,
        codeVerifier: row.code_verifier ?? undefined,
        createdAt: row.created_at,
      };
    }
    const refused = await q
      .selectFrom('federation_attempts')
      .select('returned_at')
      .where('state_hash', '=', stateHash)
      .where('provider_id', '=', providerId)
      .executeTakeFirst();
    if (!refused) return 'unknown';
    return refused.returned_at === null ? 'expired' : 'used';
  }

  /** The interaction an answer's state belongs to, without taking it (for the way back after a refusal). */
  async interactionOf(providerId: string, state: string): Promise<string | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('federation_attempts')
      .select('interaction_uid')
      .where('state_hash', '=', sha256Hex(state))
      .where('provider_id', '=', providerId)
      .executeTakeFirst();
    return row?.interaction_uid;
  }

  /** Keeps the verified identity for its interaction; returns the one-time ticket that redeems it. */
  async succeed(attempt: Attempt, identity: UpstreamIdentity): Promise<string> {
    const ticket = randomToken();
    await this.storage
      .q()
      .updateTable('federation_attempts')
      .set({ identity: JSON.stringify(identity), ticket_hash: sha256Hex(ticket) })
      .where('state_hash', '=', attempt.stateHash)
      .execute();
    return ticket;
  }

  /** Whether a brokered sign-in finished in this interaction (so its first factor was not a password). */
  async finishedIn(interactionUid: string): Promise<boolean> {
    const row = await this.storage
      .q()
      .selectFrom('federation_attempts')
      .select('state_hash')
      .where('interaction_uid', '=', interactionUid)
      .where('finished_at', 'is not', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Redeems a ticket in its own interaction, once, before it expires. The redemption is a conditional
   * UPDATE … RETURNING (`finished_at IS NULL`): of two redemptions at once exactly one gets the row back,
   * on both engines, whatever the transaction around it.
   */
  async finish(
    interactionUid: string,
    ticket: string,
  ): Promise<{ providerId: string; identity: UpstreamIdentity } | undefined> {
    const now = this.clock();
    const row = await this.storage
      .q()
      .updateTable('federation_attempts')
      .set({ finished_at: now })
      .where('ticket_hash', '=', sha256Hex(ticket))
      .where('interaction_uid', '=', interactionUid)
      .where('finished_at', 'is', null)
      .where('expires_at', '>', now)
      .where('identity', 'is not', null)
      .returning(['provider_id', 'identity'])
      .executeTakeFirst();
    if (typeof row?.identity !== 'string') return undefined;
    return { providerId: row.provider_id, identity: UpstreamIdentity.parse(JSON.parse(row.identity)) };
  }
}
