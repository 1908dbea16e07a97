import type { Selectable } from 'kysely';
import { randomToken, sha256Hex } from '../security/digest';
import type { PasskeysTable, PasskeyStepsTable } from '../storage/schema';
import type { Storage } from '../storage/storage';

/** A user's WebAuthn credential as stored (the public half only; the private key never leaves the authenticator). */
export interface Passkey {
  id: string;
  userId: number;
  /** base64url, as the browser names it. */
  credentialId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  /** The authenticator's last signature count; 0 when it keeps none (most synced passkeys). */
  counter: number;
  transports: string[];
  backupEligible: boolean;
  backedUp: boolean;
  aaguid: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | undefined;
}

export type NewPasskey = Omit<Passkey, 'id' | 'createdAt' | 'lastUsedAt'>;

export type CeremonyPurpose = 'second-factor' | 'register' | 'passwordless';

/** A WebAuthn challenge the server issued and now waits for. */
interface Ceremony {
  purpose: CeremonyPurpose;
  /** The user it is for; undefined for passwordless sign-in (the credential names the user). */
  userId: number | undefined;
  /** What else it is bound to: an MFA challenge, a step page, an interaction (the caller's string). */
  binding: string;
  userVerification: 'required' | 'preferred';
  expiresAt: number;
}

/** How long the browser has to answer a WebAuthn challenge (the options' timeout is the same). */
export const CEREMONY_TTL_MS = 5 * 60 * 1000;

type Row = Selectable<PasskeysTable>;

/** Passkeys and the challenges of their ceremonies, on Storage (both engines, shared by every instance). */
export class PasskeyStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  async add(passkey: NewPasskey): Promise<Passkey> {
    const id = randomToken().slice(0, 22);
    const now = this.clock();
    await this.storage
      .q()
      .insertInto('passkeys')
      .values({
        id,
        user_id: passkey.userId,
        credential_id: passkey.credentialId,
        public_key: passkey.publicKey,
        counter: passkey.counter,
        transports: passkey.transports.join(','),
        backup_eligible: passkey.backupEligible ? 1 : 0,
        backed_up: passkey.backedUp ? 1 : 0,
        aaguid: passkey.aaguid,
        name: passkey.name,
        created_at: now,
        last_used_at: null,
      })
      .execute();
    return { ...passkey, id, createdAt: now, lastUsedAt: undefined };
  }

  async ofUser(userId: number): Promise<Passkey[]> {
    const rows = await this.storage
      .q()
      .selectFrom('passkeys')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(fromRow);
  }

  async hasAny(userId: number): Promise<boolean> {
    const row = await this.storage
      .q()
      .selectFrom('passkeys')
      .select('id')
      .where('user_id', '=', userId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** By the credential id the browser returned, whoever it belongs to (callers check the owner). */
  async byCredentialId(credentialId: string): Promise<Passkey | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('passkeys')
      .selectAll()
      .where('credential_id', '=', credentialId)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /**
   * Records a use: the new signature count and backup state. Conditional on the count the caller
   * verified against, so two answers racing with the same count cannot both move it (the row count
   * decides on both engines); false when another use got there first.
   */
  async recordUse(id: string, verifiedAgainst: number, counter: number, backedUp: boolean): Promise<boolean> {
    const result = await this.storage
      .q()
      .updateTable('passkeys')
      .set({ counter, backed_up: backedUp ? 1 : 0, last_used_at: this.clock() })
      .where('id', '=', id)
      .where('counter', '=', verifiedAgainst)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async rename(id: string, userId: number, name: string): Promise<boolean> {
    const result = await this.storage
      .q()
      .updateTable('passkeys')
      .set({ name })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async remove(id: string, userId: number): Promise<boolean> {
    const result = await this.storage
      .q()
      .deleteFrom('passkeys')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  /** Stores a new challenge (its SHA-256 only); expired ones are dropped on the way. */
  async openCeremony(challenge: string, ceremony: Omit<Ceremony, 'expiresAt'>): Promise<Ceremony> {
    const now = this.clock();
    const expiresAt = now + CEREMONY_TTL_MS;
    const q = this.storage.q();
    await q.deleteFrom('passkey_ceremonies').where('expires_at', '<=', now).execute();
    await q
      .insertInto('passkey_ceremonies')
      .values({
        challenge_hash: sha256Hex(challenge),
        purpose: ceremony.purpose,
        user_id: ceremony.userId ?? null,
        binding: ceremony.binding,
        user_verification: ceremony.userVerification,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    return { ...ceremony, expiresAt };
  }

  /**
   * Takes the challenge for good: one DELETE … RETURNING, so of two answers carrying the same challenge
   * (a replay, or two instances at once) exactly one gets the row, on both engines. Undefined when it
   * was never issued, was used already or has expired.
   */
  async takeCeremony(challenge: string): Promise<Ceremony | undefined> {
    const row = await this.storage
      .q()
      .deleteFrom('passkey_ceremonies')
      .where('challenge_hash', '=', sha256Hex(challenge))
      .returningAll()
      .executeTakeFirst();
    if (!row || row.expires_at <= this.clock()) return undefined;
    return {
      purpose: row.purpose as CeremonyPurpose,
      userId: row.user_id ?? undefined,
      binding: row.binding,
      userVerification: row.user_verification === 'required' ? 'required' : 'preferred',
      expiresAt: row.expires_at,
    };
  }
}

function fromRow(row: Row): Passkey {
  return {
    id: row.id,
    userId: row.user_id,
    credentialId: row.credential_id,
    publicKey: row.public_key,
    counter: row.counter,
    transports: row.transports === '' ? [] : row.transports.split(','),
    backupEligible: row.backup_eligible === 1,
    backedUp: row.backed_up === 1,
    aaguid: row.aaguid,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at ?? undefined,
  };
}

/** A browser step page handed to Keyway. */
export interface PasskeyStepRecord {
  idHash: string;
  kind: 'mfa' | 'register';
  userId: number;
  /** The MFA challenge (its id hash) an 'mfa' step finishes. */
  challengeHash: string | undefined;
  returnTo: string;
  state: string;
  expiresAt: number;
  resultHash: string | undefined;
  finishedAt: number | undefined;
  completedAt: number | undefined;
}

/** The single-use step pages and their result codes (SHA-256 of each; the values are never stored). */
export class PasskeyStepStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  async create(step: {
    kind: 'mfa' | 'register';
    userId: number;
    challengeHash?: string | undefined;
    returnTo: string;
    state: string;
    expiresAt: number;
  }): Promise<string> {
    const token = randomToken();
    const now = this.clock();
    const q = this.storage.q();
    await q
      .deleteFrom('passkey_steps')
      .where('expires_at', '<=', now - 24 * 60 * 60 * 1000)
      .execute();
    await q
      .insertInto('passkey_steps')
      .values({
        id_hash: sha256Hex(token),
        kind: step.kind,
        user_id: step.userId,
        challenge_hash: step.challengeHash ?? null,
        return_to: step.returnTo,
        state: step.state,
        created_at: now,
        expires_at: step.expiresAt,
        result_hash: null,
        finished_at: null,
        completed_at: null,
      })
      .execute();
    return token;
  }

  async find(token: string): Promise<PasskeyStepRecord | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('passkey_steps')
      .selectAll()
      .where('id_hash', '=', sha256Hex(token))
      .executeTakeFirst();
    return row && stepFromRow(row);
  }

  /**
   * Marks the step page done (it cannot be used again) and, for an MFA step, stores the result code's
   * hash. Conditional on it not being done: false when another request finished it first.
   */
  async finish(idHash: string, resultCode: string | undefined): Promise<boolean> {
    const result = await this.storage
      .q()
      .updateTable('passkey_steps')
      .set({ finished_at: this.clock(), result_hash: resultCode === undefined ? null : sha256Hex(resultCode) })
      .where('id_hash', '=', idHash)
      .where('finished_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * Spends a result code for this MFA challenge: true once, for the right code, before it expires.
   * One conditional UPDATE; the row count decides on both engines.
   */
  async spendResult(challengeHash: string, code: string): Promise<boolean> {
    const result = await this.storage
      .q()
      .updateTable('passkey_steps')
      .set({ completed_at: this.clock() })
      .where('challenge_hash', '=', challengeHash)
      .where('kind', '=', 'mfa')
      .where('result_hash', '=', sha256Hex(code))
      .where('completed_at', 'is', null)
      .where('expires_at', '>', this.clock())
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }
}

function stepFromRow(row: Selectable<PasskeyStepsTable>): PasskeyStepRecord {
  return {
    idHash: row.id_hash,
    kind: row.kind === 'register' ? 'register' : 'mfa',
    userId: row.user_id,
    challengeHash: row.challenge_hash ?? undefined,
    returnTo: row.return_to,
    state: row.state,
    expiresAt: row.expires_at,
    resultHash: row.result_hash ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    completedAt: row.completed_at ?? undefined,
  };
}
