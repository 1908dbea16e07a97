import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { base32crockford } from '@scure/base';

/**
 * argon2id at OWASP's minimum (m=19 MiB, t=2, p=1): about 9 ms per verify on this project's machines.
 * @node-rs/argon2 uses argon2id unless told otherwise; tests check the PHC prefix of stored hashes.
 */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** NIST SP 800-63B asks for Unicode normalization, so "é" typed either way is the same password. */
function normalize(password: string): string {
  return password.normalize('NFKC');
}

export function hashPassword(password: string): Promise<string> {
  return hash(normalize(password), ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, normalize(password));
  } catch {
    // A malformed stored hash is a failed sign-in, never a crash.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same argon2 work as a real verify and fails, so an unknown login ID takes as long to
 * refuse as a wrong password and response times do not reveal which accounts exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummyHash, password);
  return false;
}

/**
 * A strong initial password: 120 random bits as 24 Crockford base32 characters (no I, L, O or U, so
 * it reads back without confusion), grouped by four: "k3m9-q2x7-…".
 */
export function generateInitialPassword(): string {
  const text = base32crockford.encode(randomBytes(15)).toLowerCase();
  return text.match(/.{4}/g)?.join('-') ?? text;
}
