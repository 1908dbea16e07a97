import { randomInt, timingSafeEqual } from 'node:crypto';
import { SERVICE_OTP_DIGITS } from '../../protocol/otp';
import type { SecretBox } from '../mfa/secret-box';
import type { Db } from '../storage/database';

/** How long an OTP for other services works unless the server is told otherwise. */
export const DEFAULT_OTP_TTL_SECONDS = 90;
/** Wrong guesses against one live OTP before it is voided (eight digits: 5 in 10^8 at best). */
const MAX_OTP_FAILURES = 5;

interface Row {
  id: number;
  otp_mac: string;
  failed_attempts: number;
}

/**
 * One-time passwords for other services (a VPN, RADIUS). Eight digits from the CSPRNG; only an HMAC
 * under the MFA key file's code key is stored, bound to the user, so a copy of the database alone
 * does not reveal them. One live OTP per user: a new one voids the older. Each works once.
 */
export class ServiceOtpStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
    private readonly box: SecretBox,
  ) {}

  issue(userId: number, ttlSeconds: number): { otp: string; expiresAt: number } {
    const otp = String(randomInt(0, 10 ** SERVICE_OTP_DIGITS)).padStart(SERVICE_OTP_DIGITS, '0');
    const mac = this.box.codeMac(otp, context(userId));
    const now = this.clock();
    const expiresAt = now + ttlSeconds * 1000;
    this.db
      .transaction(() => {
        // Used and expired OTPs are worth nothing; a day of them is kept for troubleshooting.
        this.db.prepare<[number]>('DELETE FROM service_otps WHERE expires_at < ?').run(now - 24 * 60 * 60 * 1000);
        this.db
          .prepare<[number, number]>('UPDATE service_otps SET used_at = ? WHERE user_id = ? AND used_at IS NULL')
          .run(now, userId);
        this.db
          .prepare<[number, string, number, number]>(
            'INSERT INTO service_otps (user_id, otp_mac, created_at, expires_at) VALUES (?, ?, ?, ?)',
          )
          .run(userId, mac, now, expiresAt);
      })
      .immediate();
    return { otp, expiresAt };
  }

  /**
   * True when `otp` is the user's live OTP; it is spent in the same transaction, so of two checks racing
   * with the same OTP exactly one is accepted. An unknown user (undefined) costs the same HMAC and
   * comparison and is refused. A wrong guess counts against the live OTP, which dies after a few.
   */
  verify(userId: number | undefined, otp: string): boolean {
    const candidate = this.box.codeMac(otp, context(userId ?? 0));
    return this.db
      .transaction(() => {
        const now = this.clock();
        const live =
          userId === undefined
            ? undefined
            : this.db
                .prepare<[number, number], Row>(
                  `SELECT id, otp_mac, failed_attempts FROM service_otps
                   WHERE user_id = ? AND used_at IS NULL AND expires_at > ? ORDER BY id DESC`,
                )
                .get(userId, now);
        const matches = equal(candidate, live?.otp_mac ?? DUMMY_MAC);
        if (!live) return false;
        if (!matches) {
          this.db
            .prepare<[number, number, number]>(
              `UPDATE service_otps SET failed_attempts = failed_attempts + 1,
                 used_at = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE used_at END
               WHERE id = ?`,
            )
            .run(MAX_OTP_FAILURES, now, live.id);
          return false;
        }
        return (
          this.db
            .prepare<[number, number]>('UPDATE service_otps SET used_at = ? WHERE id = ? AND used_at IS NULL')
            .run(now, live.id).changes === 1
        );
      })
      .immediate();
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
