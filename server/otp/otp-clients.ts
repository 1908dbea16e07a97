import { KeywayError } from '../../protocol/errors';
import { randomToken, sha256Hex } from '../security/digest';
import type { Db } from '../storage/database';

/** A front end (VPN concentrator, RADIUS server) allowed to verify one-time passwords. */
export interface OtpClient {
  id: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | undefined;
  revokedAt: number | undefined;
}

interface Row {
  id: number;
  name: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
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
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  create(name: string): { client: OtpClient; apiKey: string } {
    if (!NAME.test(name)) {
      throw new KeywayError(
        'invalid_input',
        'A front-end name is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit (e.g. vpn-gateway).',
      );
    }
    const apiKey = `${OTP_CLIENT_KEY_PREFIX}${randomToken()}`;
    const id = this.db
      .transaction(() => {
        const taken = this.db
          .prepare<[string], { id: number }>('SELECT id FROM otp_clients WHERE name = ? AND revoked_at IS NULL')
          .get(name);
        if (taken) {
          throw new KeywayError(
            'invalid_input',
            `A front end named "${name}" already has a key. Revoke it first (revoke-otp-client) to make a new one.`,
          );
        }
        // A revoked key keeps its row under a changed name, so the name can be given again.
        this.db
          .prepare<[string]>(
            "UPDATE otp_clients SET name = name || '~revoked-' || id WHERE name = ? AND revoked_at IS NOT NULL",
          )
          .run(name);
        return Number(
          this.db
            .prepare<[string, string, number]>('INSERT INTO otp_clients (name, key_hash, created_at) VALUES (?, ?, ?)')
            .run(name, sha256Hex(apiKey), this.clock()).lastInsertRowid,
        );
      })
      .immediate();
    const client = this.list().find((each) => each.id === id);
    if (!client) throw new Error('The new front end vanished.');
    return { client, apiKey };
  }

  list(): OtpClient[] {
    return this.db.prepare<[], Row>('SELECT * FROM otp_clients ORDER BY name').all().map(fromRow);
  }

  /** Revokes the named front end's key; false when there is no live one by that name. */
  revoke(name: string): boolean {
    return (
      this.db
        .prepare<[number, string]>('UPDATE otp_clients SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL')
        .run(this.clock(), name).changes === 1
    );
  }

  /** The live front end behind an `Authorization: Bearer <key>` header, or undefined. */
  authenticate(authorization: string | undefined): OtpClient | undefined {
    const key = /^Bearer (kwotp_[A-Za-z0-9_-]{43})$/.exec(authorization ?? '')?.[1];
    if (key === undefined) return undefined;
    const row = this.db
      .prepare<[string], Row>('SELECT * FROM otp_clients WHERE key_hash = ? AND revoked_at IS NULL')
      .get(sha256Hex(key));
    if (!row) return undefined;
    this.db.prepare<[number, number]>('UPDATE otp_clients SET last_used_at = ? WHERE id = ?').run(this.clock(), row.id);
    return fromRow(row);
  }
}

function fromRow(row: Row): OtpClient {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
  };
}
