import { randomInt } from 'node:crypto';

/** Six digits from the CSPRNG, leading zeros kept: an e-mail or SMS code. */
export function newOneTimeCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** What e-mail and SMS codes are bound by. Defaults are the production values; tests may change them. */
export interface CodeTimings {
  /** A sent code works this long (10 minutes). */
  codeTtlSeconds: number;
  /** Resend is allowed this long after the last send (30 seconds). */
  resendCooldownSeconds: number;
  /** Wrong codes per challenge before it dies (5); a resend does not reset the count. */
  maxFailedAttempts: number;
  /** Codes sent per challenge at most (10), so one sign-in cannot be used to flood a phone. */
  maxSendsPerChallenge: number;
}

export const DEFAULT_CODE_TIMINGS: CodeTimings = {
  codeTtlSeconds: 10 * 60,
  resendCooldownSeconds: 30,
  maxFailedAttempts: 5,
  maxSendsPerChallenge: 10,
};

/** A challenge lives this long after the password (10 minutes)… */
export const CHALLENGE_TTL_MS = 10 * 60 * 1000;
/**
 * …and, once a code is sent, until a little after that code expires, so an expired code can be
 * replaced with Resend (and is reported as expired, not as a dead sign-in) without typing the password
 * again; never longer than this after the password.
 */
export const CHALLENGE_GRACE_AFTER_CODE_MS = 5 * 60 * 1000;
export const CHALLENGE_MAX_LIFETIME_MS = 30 * 60 * 1000;
