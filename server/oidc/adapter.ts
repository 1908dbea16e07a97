import { createHash } from 'node:crypto';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Storage } from '../storage/storage';

/** Seals what must be read back (the payload's own id); SecretBox (server/mfa/secret-box.ts) is one. */
export interface PayloadSealer {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

/** Row ids stored by this adapter are hashes with this prefix; rows without it predate hashing. */
const HASHED = 'h1:';

/**
 * The row id of a model's id: SHA-256 of it. The ids are oidc-provider's random handles (refresh
 * tokens, authorization codes, session cookies: 128+ bits from its nanoid), so a plain hash cannot be
 * reversed, and a read of the database (a backup, a support bundle) yields no usable token or session
 * cookie. oidc-provider only ever looks rows up by the id it holds, so a hash serves every lookup.
 */
export function rowIdOf(id: string): string {
  return `${HASHED}${createHash('sha256').update(id, 'utf8').digest('base64url')}`;
}

/** Models whose payloads belong to a grant and go when it is revoked (as in oidc-provider's memory adapter). */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

/**
 * oidc-provider's storage in the server's database (SQLite or PostgreSQL, through storage.ts), so
 * sessions, grants and refresh tokens survive a restart and are shared by every instance on one
 * PostgreSQL. Expiry uses the provider's own (real) clock, which decides `exp` in the payloads.
 * Every method is one statement: oidc-provider's adapter contract asks for no more atomicity
 * (https://github.com/panva/node-oidc-provider/blob/main/example/my_adapter.js), and its own reuse
 * detection works on `consume` plus `revokeByGrantId`, each a single write.
 */
export class DatabaseAdapter implements Adapter {
  constructor(
    private readonly storage: Storage,
    private readonly model: string,
    private readonly sealer: PayloadSealer,
    private readonly now: () => number = Date.now,
  ) {}

  /** The factory oidc-provider calls once per model name; first moves rows stored before ids were hashed. */
  static async factory(storage: Storage, sealer: PayloadSealer): Promise<(model: string) => Adapter> {
    await DatabaseAdapter.migrateLegacyRows(storage, sealer);
    return (model) => new DatabaseAdapter(storage, model, sealer);
  }

  /**
   * Rows written before ids were hashed (schema 6): their id becomes its hash and the payload's jti is
   * sealed, in one transaction, so an upgraded data dir keeps its sessions and refresh tokens working
   * and stops holding them in plaintext. Idempotent: hashed rows are left alone.
   */
  static async migrateLegacyRows(storage: Storage, sealer: PayloadSealer): Promise<void> {
    await storage.transaction(async () => {
      const q = storage.q();
      // 'h1:' holds no LIKE wildcard, so this is "does not start with h1:" on both engines.
      const legacy = await q
        .selectFrom('oidc_payloads')
        .select(['model', 'id', 'payload'])
        .where('id', 'not like', `${HASHED}%`)
        .execute();
      for (const row of legacy) {
        const payload = JSON.parse(row.payload) as AdapterPayload;
        await q
          .updateTable('oidc_payloads')
          .set({ id: rowIdOf(row.id), payload: JSON.stringify(sealJti(sealer, row.model, payload)) })
          .where('model', '=', row.model)
          .where('id', '=', row.id)
          .execute();
      }
    });
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const now = this.now();
    const expiresAt = typeof expiresIn === 'number' ? now + expiresIn * 1000 : null;
    const grantId = GRANTABLE.has(this.model) && typeof payload.grantId === 'string' ? payload.grantId : null;
    const q = this.storage.q();
    // Expired rows are useless to everyone; sweeping them here keeps the table small without a timer.
    // Its own statement, not one transaction with the write: nothing depends on the two being atomic.
    await q.deleteFrom('oidc_payloads').where('expires_at', '<=', now).execute();
    const row = {
      payload: JSON.stringify(sealJti(this.sealer, this.model, payload)),
      grant_id: grantId,
      // Whose session, grant or token this is: what "sign the user out everywhere" deletes by.
      account_id: typeof payload.accountId === 'string' ? payload.accountId : null,
      user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
      uid: typeof payload.uid === 'string' ? payload.uid : null,
      expires_at: expiresAt,
      consumed_at: typeof payload.consumed === 'number' ? payload.consumed : null,
    };
    await q
      .insertInto('oidc_payloads')
      .values({ model: this.model, id: rowIdOf(id), ...row })
      .onConflict((conflict) => conflict.columns(['model', 'id']).doUpdateSet(row))
      .execute();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.one('id', rowIdOf(id));
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.one('user_code', userCode);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.one('uid', uid);
  }

  /** Marks a code or token used; oidc-provider refuses it from then on and revokes its grant on replay. */
  async consume(id: string): Promise<void> {
    await this.storage
      .q()
      .updateTable('oidc_payloads')
      .set({ consumed_at: Math.floor(this.now() / 1000) })
      .where('model', '=', this.model)
      .where('id', '=', rowIdOf(id))
      .execute();
  }

  async destroy(id: string): Promise<void> {
    await this.storage
      .q()
      .deleteFrom('oidc_payloads')
      .where('model', '=', this.model)
      .where('id', '=', rowIdOf(id))
      .execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.storage.q().deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
  }

  private async one(column: 'id' | 'user_code' | 'uid', value: string): Promise<AdapterPayload | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('oidc_payloads')
      .select(['payload', 'consumed_at'])
      .where('model', '=', this.model)
      .where(column, '=', value)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', this.now())]))
      .executeTakeFirst();
    if (!row) return undefined;
    const payload = openJti(this.sealer, this.model, JSON.parse(row.payload) as AdapterPayload);
    return row.consumed_at === null ? payload : { ...payload, consumed: row.consumed_at };
  }
}

/**
 * oidc-provider keeps each model's own id in its payload (jti): for a refresh token or a session, the
 * token or cookie itself. It is sealed (AES-256-GCM under the data dir's key file, bound to the model),
 * since findByUid and findByUserCode hand the payload back without the caller knowing the id.
 */
function sealJti(sealer: PayloadSealer, model: string, payload: AdapterPayload): AdapterPayload {
  return typeof payload.jti === 'string' ? { ...payload, jti: sealer.seal(payload.jti, `oidc ${model} jti`) } : payload;
}

function openJti(sealer: PayloadSealer, model: string, payload: AdapterPayload): AdapterPayload {
  return typeof payload.jti === 'string' ? { ...payload, jti: sealer.open(payload.jti, `oidc ${model} jti`) } : payload;
}
