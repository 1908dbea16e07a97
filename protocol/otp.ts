import { z } from 'zod';
import { LoginId, Password, UserSummary } from './api';
import { OtpCode } from './mfa';

/**
 * One-time passwords for other services (a VPN, a RADIUS front end), on the HTTP API (/api/v1).
 *
 * A signed-in user (Bearer access token) asks for an OTP after proving it is them again: the password,
 * or a code from their authenticator app. The server keeps only a keyed hash of it; it works once,
 * for `expiresIn` seconds, and a newer one replaces it. A front end checks what the user typed with
 * POST /otp/verify, authenticated by an API key the admin created (docs/otp-verify.md).
 */

/** Eight digits: what people type into a VPN client's password field. */
export const SERVICE_OTP_DIGITS = 8;
const ServiceOtp = z.string().regex(/^\d{8}$/, 'A one-time password is eight digits.');

// GET /api/v1/me/otp (Bearer) → OtpOptions
export const OtpOptions = z.strictObject({
  /** True when the user has an authenticator app, so its code may stand in for the password. */
  authenticator: z.boolean(),
  /** How long an OTP works, in seconds. */
  ttlSeconds: z.number().int().positive(),
});
export type OtpOptions = z.infer<typeof OtpOptions>;

// POST /api/v1/me/otp (Bearer) {password} | {authenticatorCode} → IssuedOtp
export const OtpIssueRequest = z.union([
  z.strictObject({ password: Password }),
  z.strictObject({ authenticatorCode: OtpCode }),
]);
export type OtpIssueRequest = z.infer<typeof OtpIssueRequest>;

export const IssuedOtp = z.strictObject({
  otp: ServiceOtp,
  /** Seconds from now until it stops working. */
  expiresIn: z.number().int().positive(),
});
export type IssuedOtp = z.infer<typeof IssuedOtp>;

// POST /api/v1/otp/verify (Authorization: Bearer <front-end API key>) {loginId, otp} → OtpVerdict
export const OtpVerifyRequest = z.strictObject({
  loginId: LoginId,
  /** As the user typed it; anything that is not a live OTP of this user is a reject. */
  otp: z.string().max(64),
});
export type OtpVerifyRequest = z.infer<typeof OtpVerifyRequest>;

/**
 * The verdict. A reject never says why (unknown user, wrong, expired or used OTP all look the same);
 * an accept names the user the OTP belonged to.
 */
export const OtpVerdict = z.discriminatedUnion('result', [
  z.strictObject({ result: z.literal('accept'), user: UserSummary }),
  z.strictObject({ result: z.literal('reject') }),
]);
export type OtpVerdict = z.infer<typeof OtpVerdict>;
