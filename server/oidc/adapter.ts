import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../storage/database';

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

/**
 * oidc-provider's storage in the server's SQLite, so sessions, grants and refresh tokens survive a
 * restart. Expiry uses the provider's own (real) clock, which decides `exp` in the payloads.
 * better-sqlite3 is synchronous; the async methods only satisfy the adapter interface.
 */
export class SqliteAdapter implements Adapter {
  constructor(
    private readonly db: Db,
    private readonly model: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The factory oidc-provider calls once per model name. */
  static factory(db: Db): (model: string) => Adapter {
    return (model) => new SqliteAdapter(db, model);
  }

  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const now = this.now();
    const expiresAt = typeof expiresIn === 'number' ? now + expiresIn * 1000 : null;
    const grantId = GRANTABLE.has(this.model) && typeof payload.grantId === 'string' ? payload.grantId : null;
    // The account a Session, Grant, code or token belongs to, so sign-out-everywhere finds it by account.
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
            number | null,
            number | null,
            string | null,
          ]
        >(
          `INSERT INTO oidc_payloads
             (model, id, payload, grant_id, user_code, uid, expires_at, consumed_at, account_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
             user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at,
             consumed_at = excluded.consumed_at, account_id = excluded.account_id`,
        )
        .run(
          this.model,
          id,
          JSON.stringify(payload),
          grantId,
          typeof payload.userCode === 'string' ? payload.userCode : null,
          typeof payload.uid === 'string' ? payload.uid : null,
          expiresAt,
          typeof payload.consumed === 'number' ? payload.consumed : null,
          accountId,
        );
    })();
    return Promise.resolve();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return Promise.resolve(this.one('id = ?', id));
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
      .run(Math.floor(this.now() / 1000), this.model, id);
    return Promise.resolve();
  }

  destroy(id: string): Promise<void> {
    this.db.prepare<[string, string]>('DELETE FROM oidc_payloads WHERE model = ? AND id = ?').run(this.model, id);
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
    const payload = JSON.parse(row.payload) as AdapterPayload;
    return row.consumed_at === null ? payload : { ...payload, consumed: row.consumed_at };
  }
}
