import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The data dir's MFA key file: 32 random bytes, base64url, owner-only. */
export const MFA_KEY_FILE = 'mfa-secrets.key';

const SEAL_VERSION = 'v1';

/**
 * Seals TOTP secrets (AES-256-GCM) and keys the HMAC of e-mail/SMS codes, under one master key.
 *
 * The key lives in its own owner-only file in the data dir, not in the database's settings table: a
 * copy of keyway.sqlite (a backup, a support bundle, a stolen file) must not carry the key that opens
 * it, or sealing would protect nothing. Back the key file up apart from the database; without it,
 * every authenticator has to be enrolled again. It is read on first use, so admin commands that never
 * touch a secret never create it.
 */
export class SecretBox {
  private keys: { seal: Buffer; codes: Buffer } | undefined;

  /** `keySource`: the key file's path (read or made on first use), or the 32-byte master key itself. */
  constructor(private readonly keySource: string | Buffer) {}

  static inDataDir(dataDir: string): SecretBox {
    return new SecretBox(path.join(dataDir, MFA_KEY_FILE));
  }

  /**
   * A box under a key from elsewhere than the data dir (secret-key.ts: KEYWAY_SECRET_KEY, or the
   * database's server_secrets on PostgreSQL), so instances with different data dirs share it.
   */
  static withKey(key: Buffer): SecretBox {
    if (key.length !== 32) throw new Error('The MFA master key must be 32 bytes.');
    return new SecretBox(Buffer.from(key));
  }

  /** Encrypts `plaintext`; `context` (e.g. the authenticator id) must be given again to open it. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.derived().seal, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [SEAL_VERSION, iv, cipher.getAuthTag(), body].map(encode).join('.');
  }

  /** Decrypts what seal() made with the same context; throws when it was altered or moved. */
  open(sealed: string, context: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== SEAL_VERSION || iv === undefined || tag === undefined || body === undefined) {
      throw new Error('A sealed MFA secret has an unknown format.');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.derived().seal, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /**
   * A keyed hash of a short code. Six digits are a million guesses: a plain hash of them in a stolen
   * database would fall in a second, a keyed one does not without the key file.
   */
  codeMac(code: string, context: string): string {
    return createHmac('sha256', this.derived().codes).update(`${context}\n${code}`).digest('base64url');
  }

  codeMatches(code: string, context: string, mac: string): boolean {
    const expected = Buffer.from(this.codeMac(code, context));
    const actual = Buffer.from(mac);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  private derived(): { seal: Buffer; codes: Buffer } {
    if (this.keys) return this.keys;
    const master = typeof this.keySource === 'string' ? loadOrCreateKey(this.keySource) : this.keySource;
    // Separate keys per purpose, so the code HMAC can never be confused with the cipher key.
    const derive = (info: string): Buffer => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
    this.keys = { seal: derive('keyway mfa: totp secrets v1'), codes: derive('keyway mfa: one-time codes v1') };
    return this.keys;
  }
}

function encode(part: string | Buffer): string {
  return typeof part === 'string' ? part : part.toString('base64url');
}

/**
 * Reads the key, or makes it. The new key is written to a temporary file and hard-linked into place,
 * which fails if the file exists: a server and an admin command starting together agree on one key,
 * and nobody ever reads a half-written file.
 */
function loadOrCreateKey(file: string): Buffer {
  const existing = readKey(file);
  if (existing) return existing;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temporary, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  } finally {
    unlinkSync(temporary);
  }
  const key = readKey(file);
  if (!key) throw new Error(`The MFA key file ${file} could not be created.`);
  return key;
}

function readKey(file: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length !== 32) {
    throw new Error(`The MFA key file ${file} is damaged (expected 32 bytes, base64url). Restore it from a backup.`);
  }
  return key;
}
