import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 as lower-case hex: how codes' secrets and tokens are stored, never the values themselves. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** 256 bits from the CSPRNG, base64url: an opaque bearer token. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}
