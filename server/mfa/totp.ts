import { generateSecret, generateURI, verifySync } from 'otplib';

/**
 * RFC 6238 TOTP as every authenticator app speaks it: HMAC-SHA-1, 6 digits, 30-second steps. otplib
 * does the cryptography; this module only fixes the parameters and adds the replay rule.
 */
const TOTP_PERIOD_SECONDS = 30;
const TOTP_PARAMETERS = { algorithm: 'sha1', digits: 6, period: TOTP_PERIOD_SECONDS } as const;
/** ±1 step (RFC 6238 §5.2): the codes just before and after the current one, for clock drift. */
const DRIFT_SECONDS = TOTP_PERIOD_SECONDS;
/** 160 bits, the HMAC-SHA-1 key size RFC 4226 recommends; 32 base32 characters. */
const SECRET_BYTES = 20;

export type TotpCheck = { outcome: 'accepted'; step: number } | { outcome: 'used' } | { outcome: 'invalid' };

/** A fresh secret in base32 (A–Z, 2–7, no padding), as authenticator apps take it. */
export function newTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

/** otpauth://totp/<issuer>:<label>?secret=…&issuer=… for the QR code. */
export function totpUri(secret: string, issuer: string, label: string): string {
  return generateURI({ ...TOTP_PARAMETERS, issuer, label, secret });
}

/** "ABCD EFGH …": the secret grouped by four, for typing it in. */
export function groupSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(' ') ?? secret;
}

/**
 * Checks a code at `nowMs` (the server's clock, so tests can move time). `lastStep` is the time step of
 * the last code this authenticator accepted: a code from that step or an earlier one is `used`, even
 * when it is otherwise right, so an observed code cannot be replayed within its window.
 */
export function checkTotp(secret: string, code: string, nowMs: number, lastStep: number | undefined): TotpCheck {
  const epoch = Math.floor(nowMs / 1000);
  const options = { ...TOTP_PARAMETERS, secret, token: code, epoch, epochTolerance: DRIFT_SECONDS };
  // otplib refuses an afterTimeStep beyond its window; every step in the window is then used anyway.
  const newestStep = Math.floor((epoch + DRIFT_SECONDS) / TOTP_PERIOD_SECONDS);
  if (lastStep === undefined || lastStep < newestStep) {
    const fresh = verifySync(lastStep === undefined ? options : { ...options, afterTimeStep: lastStep });
    // otplib's result type also covers HOTP, which has no time step; a TOTP result always has one.
    if (fresh.valid && 'timeStep' in fresh) return { outcome: 'accepted', step: fresh.timeStep };
    if (lastStep === undefined) return { outcome: 'invalid' };
  }
  return verifySync(options).valid ? { outcome: 'used' } : { outcome: 'invalid' };
}
