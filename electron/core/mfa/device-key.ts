import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { z } from 'zod';
import { deviceProofMessage, type DevicePublicKey, type DeviceProof } from '../../../protocol/mfa';
import type { SecretStore } from '../ports';

/**
 * "Remember this device", stronger than a bearer cookie: an ECDSA P-256 key pair made on this device.
 * The private half lives only in the OS keychain; the server keeps the public half and asks for a
 * signature over a fresh nonce at each sign-in.
 */
const StoredDeviceKey = z.strictObject({
  deviceId: z.string().min(16),
  privateKeyPem: z.string().startsWith('-----BEGIN PRIVATE KEY-----'),
});
type StoredDeviceKey = z.infer<typeof StoredDeviceKey>;

export function deviceKeyAccount(installationId: string, origin: string): string {
  return `${installationId}:${origin}:device-key`;
}

export interface NewDeviceKey {
  readonly stored: StoredDeviceKey;
  readonly publicKey: DevicePublicKey;
}

export function createDeviceKey(): NewDeviceKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    stored: {
      deviceId: randomBytes(16).toString('base64url'),
      privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    },
    publicKey: { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y) },
  };
}

export async function saveDeviceKey(secrets: SecretStore, account: string, key: StoredDeviceKey): Promise<void> {
  await secrets.set(account, JSON.stringify(key));
}

/** The stored key, or null when there is none (or it is unreadable: then MFA is simply asked again). */
export async function loadDeviceKey(secrets: SecretStore, account: string): Promise<StoredDeviceKey | null> {
  const raw = await secrets.get(account).catch(() => null);
  if (raw === null) return null;
  try {
    const parsed = StoredDeviceKey.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function proveDevice(key: StoredDeviceKey, nonce: string): DeviceProof {
  const signature = sign('sha256', Buffer.from(deviceProofMessage(nonce), 'utf8'), {
    key: key.privateKeyPem,
    dsaEncoding: 'ieee-p1363',
  });
  return { deviceId: key.deviceId, nonce, signature: signature.toString('base64url') };
}
