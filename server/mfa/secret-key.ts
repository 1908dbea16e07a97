import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Storage } from '../storage/storage';
import { SecretBox } from './secret-box';

/** The environment variable that gives every instance on one PostgreSQL database the MFA master key. */
const SECRET_KEY_VARIABLE = 'KEYWAY_SECRET_KEY';

export type SecretKeyErrorCode = 'secret_key_invalid' | 'secret_key_mismatch' | 'secret_key_damaged';

/** Why the server cannot use the MFA master key it was given or found; the CLI prints the message. */
export class SecretKeyError extends Error {
  constructor(
    readonly code: SecretKeyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

/** server_secrets rows: the key itself (only without KEYWAY_SECRET_KEY) and a check value of it (always). */
const MASTER_KEY_ROW = 'mfa_master_key';
const KEY_CHECK_ROW = 'mfa_key_check';

/** 32 bytes in base64 (standard or URL alphabet, padded or not), as `openssl rand -base64 32` prints. */
const base64Key = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9+/_-]+={0,2}$/)
  .transform((text) => Buffer.from(text, 'base64'))
  .refine((key) => key.length === 32);

/** The key KEYWAY_SECRET_KEY holds; the error names the variable and never repeats its value. */
function parseSecretKey(value: string): Buffer {
  const parsed = base64Key.safeParse(value);
  if (!parsed.success) {
    throw new SecretKeyError(
      'secret_key_invalid',
      `${SECRET_KEY_VARIABLE} must be 32 random bytes in base64 (make one with "openssl rand -base64 32"); ` +
        'the value given is not.',
    );
  }
  return parsed.data;
}

export interface SecretBoxOptions {
  /** The data dir: where SQLite keeps the key file. */
  dataDir: string;
  /** KEYWAY_SECRET_KEY's value, when set (the library reads no environment; the CLI passes it). */
  secretKey?: string | undefined;
  clock?: (() => number) | undefined;
}

/**
 * The SecretBox for this server's database.
 * - SQLite: today's key file in the data dir (secret-box.ts explains why not in the database file); the
 *   data dir belongs to one server. KEYWAY_SECRET_KEY is not used: existing secrets are sealed under the file.
 * - PostgreSQL: instances have different data dirs and must open each other's secrets, so the key is
 *   KEYWAY_SECRET_KEY when set, else one key stored once in the database (server_secrets). The stored key
 *   protects less: a copy of the database then carries the key that opens its secrets (docs/scale-out.md).
 *   On PostgreSQL a check value of the key (an HMAC under it, which reveals nothing of it) is stored on
 *   first use, so an instance started with another key refuses to start instead of sealing what the
 *   others cannot open, or failing every second factor.
 */
export async function openSecretBox(storage: Storage, options: SecretBoxOptions): Promise<SecretBox> {
  if (storage.engine === 'sqlite') return SecretBox.inDataDir(options.dataDir);
  const clock = options.clock ?? Date.now;
  const given =
    options.secretKey === undefined || options.secretKey.trim() === '' ? undefined : parseSecretKey(options.secretKey);
  const key = given ?? (await databaseKey(storage, clock));
  await checkKey(storage, key, given !== undefined, clock);
  return SecretBox.withKey(key);
}

/**
 * The key stored in the database, made by whichever instance gets there first: INSERT … ON CONFLICT DO
 * NOTHING, then read back, so instances starting at once all read the one row that won.
 */
async function databaseKey(storage: Storage, clock: () => number): Promise<Buffer> {
  if ((await readSecret(storage, MASTER_KEY_ROW)) === undefined && (await readSecret(storage, KEY_CHECK_ROW))) {
    throw new SecretKeyError(
      'secret_key_mismatch',
      `This database's second-factor secrets are sealed under ${SECRET_KEY_VARIABLE}: set the same ` +
        `${SECRET_KEY_VARIABLE} on this instance as on the others.`,
    );
  }
  await insertOnce(storage, MASTER_KEY_ROW, randomBytes(32).toString('base64'), clock);
  const stored = await readSecret(storage, MASTER_KEY_ROW);
  const key = stored === undefined ? undefined : base64Key.safeParse(stored);
  if (!key?.success) {
    throw new SecretKeyError(
      'secret_key_damaged',
      `The MFA master key stored in this database (server_secrets, ${MASTER_KEY_ROW}) is damaged. ` +
        'Restore it from a backup.',
    );
  }
  return key.data;
}

async function checkKey(storage: Storage, key: Buffer, fromEnvironment: boolean, clock: () => number): Promise<void> {
  const expected = keyCheck(key);
  await insertOnce(storage, KEY_CHECK_ROW, expected, clock);
  const stored = (await readSecret(storage, KEY_CHECK_ROW)) ?? '';
  const matches = stored.length === expected.length && timingSafeEqual(Buffer.from(stored), Buffer.from(expected));
  if (matches) return;
  throw new SecretKeyError(
    'secret_key_mismatch',
    fromEnvironment
      ? `${SECRET_KEY_VARIABLE} is not the key this database's second-factor secrets were sealed with. ` +
          `Give every instance the same ${SECRET_KEY_VARIABLE} (or, if they had none, the key stored in server_secrets).`
      : `The key stored in this database is not the one its second-factor secrets were sealed with: ` +
          `another instance used ${SECRET_KEY_VARIABLE}. Set the same ${SECRET_KEY_VARIABLE} on this instance.`,
  );
}

function keyCheck(key: Buffer): string {
  return createHmac('sha256', key).update('keyway server secret key check v1').digest('base64url');
}

async function insertOnce(storage: Storage, name: string, value: string, clock: () => number): Promise<void> {
  await storage
    .q()
    .insertInto('server_secrets')
    .values({ name, value, created_at: clock() })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
}

async function readSecret(storage: Storage, name: string): Promise<string | undefined> {
  const row = await storage
    .q()
    .selectFrom('server_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.value;
}
