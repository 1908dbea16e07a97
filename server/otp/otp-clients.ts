import { sql } from 'kysely';
import { KeywayError } from '../../protocol/errors';
import { randomToken, sha256Hex } from '../security/digest';
import type { Row } from '../storage/schema';
import type { Storage } from '../storage/storage';

/** A front end (VPN concentrator, RADIUS server) allowed to verify one-time passwords. */
export interface OtpClient {
  id: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | undefined;
  revokedAt: number | undefined;
}

/** API keys start with this, so a leaked one is recognisable in logs and secret scanners. */
const OTP_CLIENT_KEY_PREFIX = 'kwotp_';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Front-end API keys: 256 random bits, shown once at creation; only SHA-256 is stored (a fast hash is
 * enough for a value nobody can guess). Revoked keys stay listed so the admin sees what existed.
 */
export class OtpClientStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /**
   * A new front end and its key. The check for a live key of that name and the insert are one
   * transaction (SQLite: IMMEDIATE; PostgreSQL: SERIALIZABLE with retry, storage.ts), so two admins
   * creating the same name at once get one key and one clear refusal.
   */
  async create(name: string): Promise<{ client: OtpClient; apiKey: string }> {
    if (!NAME.test(name)) {
      throw new KeywayError(
        'invalid_input',
        'A front-end name is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit (e.g. vpn-gateway).',
        { detail: { field: 'otp-client-name', reason: 'bad-format' } },
      );
    }
    const apiKey = `${OTP_CLIENT_KEY_PREFIX}${randomToken()}`;
    const id = await this.storage.transaction(async () => {
      const q = this.storage.q();
      const taken = await q
        .selectFrom('otp_clients')
        .select('id')
        .where('name', '=', name)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (taken) {
        throw new KeywayError(
          'invalid_input',
          `A front end named "${name}" already has a key. Revoke it first (revoke-otp-client) to make a new one.`,
          { detail: { field: 'otp-client-name', reason: 'taken' } },
        );
      }
      // A revoked key keeps its row under a changed name, so the name can be given again. (|| concatenates
      // text, and text with a number, on both engines.)
      await q
        .updateTable('otp_clients')
        .set({ name: sql<string>`name || '~revoked-' || id` })
        .where('name', '=', name)
        .where('revoked_at', 'is not', null)
        .execute();
      const inserted = await q
        .insertInto('otp_clients')
        .values({ name, key_hash: sha256Hex(apiKey), created_at: this.clock(), last_used_at: null, revoked_at: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      return inserted.id;
    });
    const client = (await this.list()).find((each) => each.id === id);
    if (!client) throw new Error('The new front end vanished.');
    return { client, apiKey };
  }

  async list(): Promise<OtpClient[]> {
    const rows = await this.storage.q().selectFrom('otp_clients').selectAll().orderBy('name').execute();
    return rows.map(fromRow);
  }

  /** Revokes the named front end's key; false when there is no live one by that name. */
  async revoke(name: string): Promise<boolean> {
    const revoked = await this.storage
      .q()
      .updateTable('otp_clients')
      .set({ revoked_at: this.clock() })
      .where('name', '=', name)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return revoked.numUpdatedRows === 1n;
  }

  /** The live front end behind an `Authorization: Bearer <key>` header, or undefined. */
  async authenticate(authorization: string | undefined): Promise<OtpClient | undefined> {
    const key = /^Bearer (kwotp_[A-Za-z0-9_-]{43})$/.exec(authorization ?? '')?.[1];
    if (key === undefined) return undefined;
    const q = this.storage.q();
    const row = await q
      .selectFrom('otp_clients')
      .selectAll()
      .where('key_hash', '=', sha256Hex(key))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    await q.updateTable('otp_clients').set({ last_used_at: this.clock() }).where('id', '=', row.id).execute();
    return fromRow(row);
  }
}

function fromRow(row: Row<'otp_clients'>): OtpClient {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
  };
}
