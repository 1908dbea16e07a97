import type { Selectable } from 'kysely';
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { KeywayError } from '../../protocol/errors';
import { deviceProofMessage, type DeviceProof, type DevicePublicKey } from '../../protocol/mfa';
import { randomToken, sha256Hex } from '../security/digest';
import type { MfaDevicesTable } from '../storage/schema';
import type { Storage } from '../storage/storage';

const DEVICE_NONCE_TTL_SECONDS = 2 * 60;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface TrustedDevice {
  id: string;
  userId: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | undefined;
  /** When the trust ends: as registered, or sooner if the admin has since shortened the trust days. */
  trustedUntil: number;
}

type Row = Selectable<MfaDevicesTable>;

/**
 * "Remember this device": the device's ECDSA P-256 public key, and proofs that it holds the private
 * half (a signature over a fresh single-use nonce). Nonces are stored as SHA-256 only.
 */
export class DeviceStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  async issueNonce(): Promise<{ nonce: string; expiresIn: number }> {
    const nonce = randomToken();
    const now = this.clock();
    await this.storage.transaction(async () => {
      const q = this.storage.q();
      await q.deleteFrom('mfa_device_nonces').where('expires_at', '<=', now).execute();
      await q
        .insertInto('mfa_device_nonces')
        .values({ nonce_hash: sha256Hex(nonce), expires_at: now + DEVICE_NONCE_TTL_SECONDS * 1000 })
        .execute();
    });
    return { nonce, expiresIn: DEVICE_NONCE_TTL_SECONDS };
  }

  async register(userId: number, publicKey: DevicePublicKey, name: string, trustDays: number): Promise<TrustedDevice> {
    devicePublicKey(publicKey);
    const id = randomBytes(16).toString('base64url');
    const now = this.clock();
    await this.storage
      .q()
      .insertInto('mfa_devices')
      .values({
        id,
        user_id: userId,
        name,
        public_key: JSON.stringify(publicKey),
        created_at: now,
        last_used_at: null,
        trusted_until: now + trustDays * DAY_MS,
        revoked_at: null,
      })
      .execute();
    const device = (await this.trusted(userId, trustDays)).find((each) => each.id === id);
    if (!device) throw new Error('The new trusted device vanished.');
    return device;
  }

  /** The user's devices that are trusted now, newest first. */
  async trusted(userId: number, trustDays: number): Promise<TrustedDevice[]> {
    const now = this.clock();
    const rows = await this.storage
      .q()
      .selectFrom('mfa_devices')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map((row) => fromRow(row, trustDays)).filter((device) => device.trustedUntil > now);
  }

  /**
   * True when the proof comes from a device of this user that is trusted now and its signature over
   * the nonce verifies; then the device's last use is recorded. The nonce is spent either way: its
   * DELETE's row count decides, so of concurrent proofs with one nonce exactly one finds it, on both
   * engines (the second DELETE waits for the first's row lock and then finds the row gone). Any failure
   * is just false: the caller asks for MFA, and learns nothing about which part failed.
   */
  async checkProof(userId: number, proof: DeviceProof, trustDays: number): Promise<boolean> {
    const now = this.clock();
    const q = this.storage.q();
    const spent = await q
      .deleteFrom('mfa_device_nonces')
      .where('nonce_hash', '=', sha256Hex(proof.nonce))
      .where('expires_at', '>', now)
      .executeTakeFirst();
    const nonceLive = spent.numDeletedRows === 1n;
    const row = await q.selectFrom('mfa_devices').selectAll().where('id', '=', proof.deviceId).executeTakeFirst();
    if (!nonceLive || row?.user_id !== userId || row.revoked_at !== null) return false;
    if (fromRow(row, trustDays).trustedUntil <= now) return false;
    if (!signatureVerifies(row.public_key, proof)) return false;
    await q.updateTable('mfa_devices').set({ last_used_at: now }).where('id', '=', row.id).execute();
    return true;
  }

  /** Ends the trust in every device of the user; returns how many were trusted now. */
  revokeAllOf(userId: number, trustDays: number): Promise<number> {
    return this.storage.transaction(async () => {
      const trusted = (await this.trusted(userId, trustDays)).length;
      await this.storage
        .q()
        .updateTable('mfa_devices')
        .set({ revoked_at: this.clock() })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute();
      return trusted;
    });
  }

  /** Ends the trust in one of the user's devices; false when the user has no such device. */
  async revoke(id: string, userId: number): Promise<boolean> {
    const q = this.storage.q();
    const row = await q
      .selectFrom('mfa_devices')
      .select('revoked_at')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row) return false;
    await q
      .updateTable('mfa_devices')
      .set({ revoked_at: this.clock() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
    return true;
  }
}

/** The key as node:crypto sees it; refuses anything that is not a point on P-256. */
export function devicePublicKey(jwk: DevicePublicKey): KeyObject {
  let key: KeyObject;
  try {
    // createPublicKey checks that (x, y) lies on the curve.
    key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
  } catch (error) {
    throw new KeywayError('invalid_input', 'The device key is not an ECDSA P-256 public key.', { cause: error });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new KeywayError('invalid_input', 'The device key is not an ECDSA P-256 public key.');
  }
  return key;
}

function signatureVerifies(storedKey: string, proof: DeviceProof): boolean {
  try {
    const key = devicePublicKey(JSON.parse(storedKey) as DevicePublicKey);
    return verify(
      'sha256',
      Buffer.from(deviceProofMessage(proof.nonce), 'utf8'),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(proof.signature, 'base64url'),
    );
  } catch {
    return false;
  }
}

function fromRow(row: Row, trustDays: number): TrustedDevice {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at ?? undefined,
    trustedUntil: Math.min(row.trusted_until, row.created_at + trustDays * DAY_MS),
  };
}
