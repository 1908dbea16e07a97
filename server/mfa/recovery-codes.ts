import { randomInt } from 'node:crypto';
import type { Storage } from '../storage/storage';
import type { SecretBox } from './secret-box';

/** How many codes a set holds. */
const RECOVERY_CODE_COUNT = 10;

/**
 * The characters of a code: digits and lower-case letters without the ones read or typed for each
 * other (0/o, 1/i/l). 31 characters, 12 per code: 12 × log2(31) ≈ 59.4 bits, above the 50 the issue
 * asks for, and far above what the account-wide failure limit (failure-lock.ts) lets anyone guess.
 */
export const RECOVERY_CODE_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
const GROUPS = 3;
const GROUP_LENGTH = 4;

/** A new code, `xxxx-xxxx-xxxx`, each character from crypto.randomInt (uniform, no modulo bias). */
function newRecoveryCode(): string {
  const groups: string[] = [];
  for (let group = 0; group < GROUPS; group += 1) {
    let text = '';
    for (let index = 0; index < GROUP_LENGTH; index += 1) {
      text += RECOVERY_CODE_ALPHABET.charAt(randomInt(RECOVERY_CODE_ALPHABET.length));
    }
    groups.push(text);
  }
  return groups.join('-');
}

/**
 * A code as typed → its canonical form (12 characters of the alphabet, no separators), or undefined
 * when it cannot be one. Case, spaces and dashes are ignored, so "ABCD EFGH-JKMN" is "abcdefghjkmn".
 */
export function normaliseRecoveryCode(typed: string): string | undefined {
  const text = typed.toLowerCase().replace(/[\s-]+/g, '');
  if (text.length !== GROUPS * GROUP_LENGTH) return undefined;
  for (const char of text) if (!RECOVERY_CODE_ALPHABET.includes(char)) return undefined;
  return text;
}

/** What using a code did. */
export type RecoveryUse = { used: true; remaining: number } | { used: false };

/**
 * Each user's recovery codes, stored only as a keyed hash: HMAC-SHA-256 under the server's MFA key
 * (SecretBox.codeMac, the key e-mail/SMS codes use), with the user's id in the MAC's context so a code
 * never matches for another account. Not argon2 on purpose: a code has ~59 random bits, so no
 * dictionary or brute force applies to it; what a slow hash would add is already given by the key,
 * which a copy of the database does not carry (secret-box.ts). A deterministic MAC also lets a use be
 * one indexed conditional UPDATE (user, mac), which is what makes it single-use on both engines.
 */
export class RecoveryCodeStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    private readonly box: SecretBox,
  ) {}

  /**
   * A new set of RECOVERY_CODE_COUNT codes for the user, replacing every code they had (used or not),
   * in one transaction. The codes are returned once, grouped for reading; only their MACs are stored.
   */
  async replace(userId: number): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const now = this.clock();
    await this.storage.transaction(async () => {
      const q = this.storage.q();
      await q.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
      await q
        .insertInto('mfa_recovery_codes')
        .values(
          codes.map((code) => ({
            user_id: userId,
            code_mac: this.mac(userId, normaliseRecoveryCode(code) ?? code),
            created_at: now,
            used_at: null,
          })),
        )
        .execute();
    });
    return codes;
  }

  /**
   * A first set when the user has none (a first second factor enrolled, or after reset-mfa); undefined
   * when they already have a set, used up or not, which only "Get new codes" replaces. Call it inside
   * the transaction that enrols, so two enrolments at once do not both make a set.
   */
  async firstSet(userId: number): Promise<string[] | undefined> {
    const existing = await this.storage
      .q()
      .selectFrom('mfa_recovery_codes')
      .select('user_id')
      .where('user_id', '=', userId)
      .limit(1)
      .executeTakeFirst();
    return existing ? undefined : this.replace(userId);
  }

  /** How many unused codes the user has; null when they have no set at all. */
  async remaining(userId: number): Promise<number | null> {
    const rows = await this.storage
      .q()
      .selectFrom('mfa_recovery_codes')
      .select('used_at')
      .where('user_id', '=', userId)
      .execute();
    return rows.length === 0 ? null : rows.filter((row) => row.used_at === null).length;
  }

  /**
   * Spends one of the user's codes. A conditional UPDATE (`used_at IS NULL`) whose row count decides:
   * of two uses of one code at once, on one instance or several, exactly one updates the row
   * (PostgreSQL: the second waits for the first's row lock, then re-reads `used_at` and matches nothing;
   * SQLite: one writer at a time). Anything else — a wrong code, another user's, a used one — is
   * `{ used: false }`, all alike, so the answer says nothing about which.
   */
  async use(userId: number, typed: string): Promise<RecoveryUse> {
    const code = normaliseRecoveryCode(typed);
    if (code === undefined) return { used: false };
    const result = await this.storage
      .q()
      .updateTable('mfa_recovery_codes')
      .set({ used_at: this.clock() })
      .where('user_id', '=', userId)
      .where('code_mac', '=', this.mac(userId, code))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) return { used: false };
    return { used: true, remaining: (await this.remaining(userId)) ?? 0 };
  }

  /** Forgets every code of the user (reset-mfa); returns how many unused ones there were. */
  async clear(userId: number): Promise<number> {
    const unused = (await this.remaining(userId)) ?? 0;
    await this.storage.q().deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
    return unused;
  }

  private mac(userId: number, normalised: string): string {
    return this.box.codeMac(normalised, `keyway:recovery-code:${userId}`);
  }
}
