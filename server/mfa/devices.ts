import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { KeywayError } from '../../protocol/errors';
import { deviceProofMessage, type DeviceProof, type DevicePublicKey } from '../../protocol/mfa';
import { randomToken, sha256Hex } from '../security/digest';
import type { Db } from '../storage/database';

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

interface Row {
  id: string;
  user_id: number;
  name: string;
  public_key: string;
  created_at: number;
  last_used_at: number | null;
  trusted_until: number;
  revoked_at: number | null;
}

/**
 * "Remember this device": the device's ECDSA P-256 public key, and proofs that it holds the private
 * half (a signature over a fresh single-use nonce). Nonces are stored as SHA-256 only.
 */
export class DeviceStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  issueNonce(): { nonce: string; expiresIn: number } {
    const nonce = randomToken();
    const now = this.clock();
    this.db.transaction(() => {
      this.db.prepare<[number]>('DELETE FROM mfa_device_nonces WHERE expires_at <= ?').run(now);
      this.db
        .prepare<[string, number]>('INSERT INTO mfa_device_nonces (nonce_hash, expires_at) VALUES (?, ?)')
        .run(sha256Hex(nonce), now + DEVICE_NONCE_TTL_SECONDS * 1000);
    })();
    return { nonce, expiresIn: DEVICE_NONCE_TTL_SECONDS };
  }

  register(userId: number, publicKey: DevicePublicKey, name: string, trustDays: number): TrustedDevice {
    devicePublicKey(publicKey);
    const id = randomBytes(16).toString('base64url');
    const now = this.clock();
    this.db
      .prepare<[string, number, string, string, number, number]>(
        `INSERT INTO mfa_devices (id, user_id, name, public_key, created_at, trusted_until)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(id, userId, name, JSON.stringify(publicKey), now, now + trustDays * DAY_MS);
    const device = this.trusted(userId, trustDays).find((each) => each.id === id);
    if (!device) throw new Error('The new trusted device vanished.');
    return device;
  }

  /** The user's devices that are trusted now, newest first. */
  trusted(userId: number, trustDays: number): TrustedDevice[] {
    const now = this.clock();
    return this.db
      .prepare<[number], Row>(
        'SELECT * FROM mfa_devices WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id',
      )
      .all(userId)
      .map((row) => fromRow(row, trustDays))
      .filter((device) => device.trustedUntil > now);
  }

  /**
   * True when the proof comes from a device of this user that is trusted now and its signature over
   * the nonce verifies; then the device's last use is recorded. The nonce is spent either way. Any
   * failure is just false: the caller asks for MFA, and learns nothing about which part failed.
   */
  checkProof(userId: number, proof: DeviceProof, trustDays: number): boolean {
    const now = this.clock();
    const nonceLive =
      this.db
        .prepare<[string, number]>('DELETE FROM mfa_device_nonces WHERE nonce_hash = ? AND expires_at > ?')
        .run(sha256Hex(proof.nonce), now).changes === 1;
    const row = this.db.prepare<[string], Row>('SELECT * FROM mfa_devices WHERE id = ?').get(proof.deviceId);
    if (!nonceLive || row?.user_id !== userId || row.revoked_at !== null) return false;
    if (fromRow(row, trustDays).trustedUntil <= now) return false;
    if (!signatureVerifies(row.public_key, proof)) return false;
    this.db.prepare<[number, string]>('UPDATE mfa_devices SET last_used_at = ? WHERE id = ?').run(now, row.id);
    return true;
  }

  /** Ends the trust in every device of the user; returns how many were trusted now. */
  revokeAllOf(userId: number, trustDays: number): number {
    const trusted = this.trusted(userId, trustDays).length;
    this.db
      .prepare<[number, number]>('UPDATE mfa_devices SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
      .run(this.clock(), userId);
    return trusted;
  }

  /** Ends the trust in one of the user's devices; false when the user has no such device. */
  revoke(id: string, userId: number): boolean {
    const row = this.db
      .prepare<[string, number], { revoked_at: number | null }>(
        'SELECT revoked_at FROM mfa_devices WHERE id = ? AND user_id = ?',
      )
      .get(id, userId);
    if (!row) return false;
    this.db
      .prepare<[number, string]>('UPDATE mfa_devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(this.clock(), id);
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
