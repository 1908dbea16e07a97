import { createHash } from 'node:crypto';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../storage/database';

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

interface PayloadRow {
  payload: string;
  consumed_at: number | null;
}

interface LegacyRow {
  model: string;
  id: string;
  payload: string;
}

/**
 * oidc-provider's storage in the server's SQLite, so sessions, grants and refresh tokens survive a
 * restart. Expiry uses the provider's own (real) clock, which decides `exp` in the payloads.
 * better-sqlite3 is synchronous; the async methods only satisfy the adapter interface.
 */
export class SqliteAdapter implements Adapter {
  constructor(
    private readonly db: Db,
    private readonly model: string,
    private readonly sealer: PayloadSealer,
    private readonly now: () => number = Date.now,
  ) {}

  /** The factory oidc-provider calls once per model name; first moves rows stored before ids were hashed. */
  static factory(db: Db, sealer: PayloadSealer): (model: string) => Adapter {
    SqliteAdapter.migrateLegacyRows(db, sealer);
    return (model) => new SqliteAdapter(db, model, sealer);
  }

  /**
   * Rows written before ids were hashed (schema 6): their id becomes its hash and the payload's jti is
   * sealed, in one transaction, so an upgraded data dir keeps its sessions and refresh tokens working
   * and stops holding them in plaintext. Idempotent: hashed rows are left alone.
   */
  static migrateLegacyRows(db: Db, sealer: PayloadSealer): void {
    db.transaction(() => {
      const legacy = db
        .prepare<[string], LegacyRow>(`SELECT model, id, payload FROM oidc_payloads WHERE substr(id, 1, 3) <> ?`)
        .all(HASHED);
      const update = db.prepare<[string, string, string, string]>(
        'UPDATE oidc_payloads SET id = ?, payload = ? WHERE model = ? AND id = ?',
      );
      for (const row of legacy) {
        const payload = JSON.parse(row.payload) as AdapterPayload;
        update.run(rowIdOf(row.id), JSON.stringify(sealJti(sealer, row.model, payload)), row.model, row.id);
      }
    }).immediate();
  }

  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const now = this.now();
    const expiresAt = typeof expiresIn === 'number' ? now + expiresIn * 1000 : null;
    const grantId = GRANTABLE.has(this.model) && typeof payload.grantId === 'string' ? payload.grantId : null;
    // Whose session, grant or token this is: what "sign the user out everywhere" deletes by.
    const accountId = typeof payload.accountId === 'string' ? payload.accountId : null;
    this.db.transaction(() => {
      // Expired rows are useless to everyone; sweeping them here keeps the table small without a timer.
      this.db.prepare<[number]>('DELETE FROM oidc_payloads WHERE expires_at <= ?').run(now);
      this.db
        .prepare<
          [
            string,
            string,
            string,
            string | null,
            string | null,
            string | null,
            string | null,
            number | null,
            number | null,
          ]
        >(
          `INSERT INTO oidc_payloads (model, id, payload, grant_id, account_id, user_code, uid, expires_at, consumed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
             account_id = excluded.account_id, user_code = excluded.user_code, uid = excluded.uid,
             expires_at = excluded.expires_at, consumed_at = excluded.consumed_at`,
        )
        .run(
          this.model,
          rowIdOf(id),
          JSON.stringify(sealJti(this.sealer, this.model, payload)),
          grantId,
          accountId,
          typeof payload.userCode === 'string' ? payload.userCode : null,
          typeof payload.uid === 'string' ? payload.uid : null,
          expiresAt,
          typeof payload.consumed === 'number' ? payload.consumed : null,
        );
    })();
    return Promise.resolve();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return Promise.resolve(this.one('id = ?', rowIdOf(id)));
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return Promise.resolve(this.one('user_code = ?', userCode));
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return Promise.resolve(this.one('uid = ?', uid));
  }

  /** Marks a code or token used; oidc-provider refuses it from then on and revokes its grant on replay. */
  consume(id: string): Promise<void> {
    this.db
      .prepare<[number, string, string]>('UPDATE oidc_payloads SET consumed_at = ? WHERE model = ? AND id = ?')
      .run(Math.floor(this.now() / 1000), this.model, rowIdOf(id));
    return Promise.resolve();
  }

  destroy(id: string): Promise<void> {
    this.db
      .prepare<[string, string]>('DELETE FROM oidc_payloads WHERE model = ? AND id = ?')
      .run(this.model, rowIdOf(id));
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string): Promise<void> {
    this.db.prepare<[string]>('DELETE FROM oidc_payloads WHERE grant_id = ?').run(grantId);
    return Promise.resolve();
  }

  private one(where: 'id = ?' | 'user_code = ?' | 'uid = ?', value: string): AdapterPayload | undefined {
    const row = this.db
      .prepare<[string, string, number], PayloadRow>(
        `SELECT payload, consumed_at FROM oidc_payloads
         WHERE model = ? AND ${where} AND (expires_at IS NULL OR expires_at > ?)`,
      )
      .get(this.model, value, this.now());
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
