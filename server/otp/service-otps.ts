import { randomInt, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { SERVICE_OTP_DIGITS } from '../../protocol/otp';
import type { SecretBox } from '../mfa/secret-box';
import type { Storage } from '../storage/storage';

/** How long an OTP for other services works unless the server is told otherwise. */
export const DEFAULT_OTP_TTL_SECONDS = 90;
/** Wrong guesses against one live OTP before it is voided (eight digits: 5 in 10^8 at best). */
const MAX_OTP_FAILURES = 5;

/**
 * One-time passwords for other services (a VPN, RADIUS). Eight digits from the CSPRNG; only an HMAC
 * under the MFA key file's code key is stored, bound to the user, so a copy of the database alone
 * does not reveal them. One live OTP per user: a new one voids the older. Each works once.
 */
export class ServiceOtpStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    private readonly box: SecretBox,
  ) {}

  /** A new OTP for the user; voiding the older ones and storing the new one are one transaction. */
  async issue(userId: number, ttlSeconds: number): Promise<{ otp: string; expiresAt: number }> {
    const otp = String(randomInt(0, 10 ** SERVICE_OTP_DIGITS)).padStart(SERVICE_OTP_DIGITS, '0');
    const mac = this.box.codeMac(otp, context(userId));
    const now = this.clock();
    const expiresAt = now + ttlSeconds * 1000;
    await this.storage.transaction(async () => {
      const q = this.storage.q();
      // Used and expired OTPs are worth nothing; a day of them is kept for troubleshooting.
      await q
        .deleteFrom('service_otps')
        .where('expires_at', '<', now - 24 * 60 * 60 * 1000)
        .execute();
      await q
        .updateTable('service_otps')
        .set({ used_at: now })
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .execute();
      await q
        .insertInto('service_otps')
        .values({ user_id: userId, otp_mac: mac, created_at: now, expires_at: expiresAt, used_at: null })
        .execute();
    });
    return { otp, expiresAt };
  }

  /**
   * True when `otp` is the user's live OTP; it is spent in the same transaction, so of two checks racing
   * with the same OTP (on one instance or several) exactly one is accepted: the spending is a conditional
   * UPDATE (… WHERE used_at IS NULL) whose affected-row count decides, and the transaction (SQLite:
   * IMMEDIATE; PostgreSQL: SERIALIZABLE with retry, storage.ts) keeps the read of the live OTP consistent
   * with it, so a wrong guess is counted against the OTP that is live when it is counted. An unknown
   * user (undefined) costs the same HMAC and comparison and is refused. A wrong guess counts against the
   * live OTP, which dies after a few.
   */
  verify(userId: number | undefined, otp: string): Promise<boolean> {
    const candidate = this.box.codeMac(otp, context(userId ?? 0));
    return this.storage.transaction(async () => {
      const q = this.storage.q();
      const now = this.clock();
      const live =
        userId === undefined
          ? undefined
          : await q
              .selectFrom('service_otps')
              .select(['id', 'otp_mac', 'failed_attempts'])
              .where('user_id', '=', userId)
              .where('used_at', 'is', null)
              .where('expires_at', '>', now)
              .orderBy('id', 'desc')
              .executeTakeFirst();
      const matches = equal(candidate, live?.otp_mac ?? DUMMY_MAC);
      if (!live) return false;
      if (!matches) {
        await q
          .updateTable('service_otps')
          .set((eb) => ({
            failed_attempts: eb('failed_attempts', '+', 1),
            // The guess that reaches the limit voids the OTP in the same statement.
            used_at: sql<
              number | null
            >`CASE WHEN failed_attempts + 1 >= ${MAX_OTP_FAILURES} THEN ${now} ELSE used_at END`,
          }))
          .where('id', '=', live.id)
          .execute();
        return false;
      }
      const spent = await q
        .updateTable('service_otps')
        .set({ used_at: now })
        .where('id', '=', live.id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return spent.numUpdatedRows === 1n;
    });
  }
}

/** Compared against when there is no live OTP, so the comparison always happens. */
const DUMMY_MAC = 'A'.repeat(43);

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function context(userId: number): string {
  return `keyway:service-otp:${userId}`;
}
