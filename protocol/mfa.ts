import { z } from 'zod';
import { InstallationId, LoginId, Password, SessionTokens } from './api';

/**
 * Multi-factor authentication on the HTTP API (/api/v1). Shared by the reference server and Keyway.
 *
 * Password sign-in (POST /sessions) answers either SessionTokens or MfaRequired. The client then
 * sends an e-mail/SMS code (POST /mfa/send) or uses its authenticator app, and verifies
 * (POST /mfa/verify) — or enrols an authenticator first when policy enforces MFA and the user has
 * none (POST /mfa/enroll, then /mfa/verify with channel "totp"). A remembered device skips all this by
 * proving possession of its key: POST /sessions/device-nonce, then a `deviceProof` in the sign-in.
 */

export const MfaChannel = z.enum(['totp', 'email', 'sms', 'passkey']);
export type MfaChannel = z.infer<typeof MfaChannel>;

/** Six digits, as typed (the client strips spaces). */
export const OtpCode = z.string().regex(/^\d{6}$/, 'A code is six digits.');

/** A device key's public half: ECDSA P-256 as a JWK. The private half never leaves the keychain. */
export const DevicePublicKey = z.strictObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().min(40).max(64),
  y: z.string().min(40).max(64),
});
export type DevicePublicKey = z.infer<typeof DevicePublicKey>;

/**
 * Proof that this device holds its key: an ECDSA P-256 / SHA-256 signature, IEEE P1363 (r‖s) encoded,
 * base64url, over the UTF-8 bytes of `keyway-device-proof:${nonce}`. The nonce is single-use.
 */
export const DeviceProof = z.strictObject({
  deviceId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  nonce: z.string().min(16).max(128),
  signature: z.string().min(40).max(200),
});
export type DeviceProof = z.infer<typeof DeviceProof>;
export const deviceProofMessage = (nonce: string): string => `keyway-device-proof:${nonce}`;

// POST /api/v1/sessions/device-nonce → DeviceNonce
export const DeviceNonce = z.strictObject({
  nonce: z.string().min(16).max(128),
  expiresIn: z.number().int().positive(),
});
export type DeviceNonce = z.infer<typeof DeviceNonce>;

// POST /api/v1/sessions (password sign-in; the device proof only when MFA is in play)
export const MfaPasswordSignInRequest = z.strictObject({
  loginId: LoginId,
  password: Password,
  installationId: InstallationId.optional(),
  deviceProof: DeviceProof.optional(),
});
export type MfaPasswordSignInRequest = z.infer<typeof MfaPasswordSignInRequest>;

export const MfaChannelOption = z.strictObject({
  channel: MfaChannel,
  /** Where the code goes, masked: "a•••@example.com", "+44 •••• ••42"; empty for the authenticator. */
  hint: z.string().max(100),
  /** The admin allows the channel but the user cannot use it yet (no authenticator, no phone). */
  available: z.boolean(),
});
export type MfaChannelOption = z.infer<typeof MfaChannelOption>;

export const MfaRequired = z.strictObject({
  status: z.literal('mfa_required'),
  /** Opaque, single-purpose, expires with `expiresIn`; the password is never sent again. */
  challengeId: z.string().min(16).max(128),
  expiresIn: z.number().int().positive(),
  channels: z.array(MfaChannelOption).min(1).max(4),
  /** Policy enforces MFA and the user has no authenticator yet: enrol one now. */
  enrollmentRequired: z.boolean(),
  /** How long "remember this device" would keep this device trusted, in days. */
  trustDays: z.number().int().positive(),
});
export type MfaRequired = z.infer<typeof MfaRequired>;

export const PasswordSignInResponse = z.union([SessionTokens, MfaRequired]);
export type PasswordSignInResponse = z.infer<typeof PasswordSignInResponse>;

// POST /api/v1/mfa/send → CodeSent (e-mail or SMS; a resend invalidates the older code)
export const SendCodeRequest = z.strictObject({
  challengeId: z.string().min(16).max(128),
  channel: z.enum(['email', 'sms']),
});
export type SendCodeRequest = z.infer<typeof SendCodeRequest>;
export const CodeSent = z.strictObject({
  channel: z.enum(['email', 'sms']),
  hint: z.string().max(100),
  /** Seconds until the code expires (600). */
  expiresIn: z.number().int().positive(),
  /** Seconds until Resend is allowed (30). */
  resendAfter: z.number().int().nonnegative(),
});
export type CodeSent = z.infer<typeof CodeSent>;

// POST /api/v1/mfa/enroll → TotpEnrollment (during sign-in, when enrollmentRequired)
export const EnrollRequest = z.strictObject({ challengeId: z.string().min(16).max(128) });
export const TotpEnrollment = z.strictObject({
  /** otpauth://totp/…?secret=…&issuer=… for the QR code (rendered by the client). */
  otpauthUri: z.string().startsWith('otpauth://totp/').max(1000),
  /** The same secret in base32, for typing it in. */
  secret: z.string().regex(/^[A-Z2-7]{16,64}$/),
});
export type TotpEnrollment = z.infer<typeof TotpEnrollment>;

// POST /api/v1/mfa/verify → SessionTokens (+ the trusted device when one was registered)
export const VerifyRequest = z.strictObject({
  challengeId: z.string().min(16).max(128),
  channel: MfaChannel,
  code: OtpCode,
  rememberDevice: z.strictObject({ publicKey: DevicePublicKey, name: z.string().min(1).max(100) }).optional(),
});
export type VerifyRequest = z.infer<typeof VerifyRequest>;
export const VerifiedSession = SessionTokens.extend({
  trustedDevice: z.strictObject({ deviceId: z.string(), trustedUntil: z.number().int() }).optional(),
});
export type VerifiedSession = z.infer<typeof VerifiedSession>;

// Profile: GET /api/v1/me/mfa (Bearer) → MfaOverview
export const MfaOverview = z.strictObject({
  authenticators: z.array(z.strictObject({ id: z.string(), name: z.string(), createdAt: z.number().int() })),
  /** The user's passkeys (issue 17); `authenticator` is a name from the AAGUID when known. */
  passkeys: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      createdAt: z.number().int(),
      lastUsedAt: z.number().int().nullable(),
      authenticator: z.string().nullable(),
    }),
  ),
  trustedDevices: z.array(
    z.strictObject({
      deviceId: z.string(),
      name: z.string(),
      lastUsedAt: z.number().int().nullable(),
      trustedUntil: z.number().int(),
    }),
  ),
  policy: z.strictObject({
    channels: z.array(MfaChannel),
    mode: z.enum(['optional', 'enforced']),
    trustDays: z.number().int().positive(),
  }),
});
export type MfaOverview = z.infer<typeof MfaOverview>;

// POST /api/v1/me/mfa/authenticators {password} → { enrollmentId } & TotpEnrollment (re-authentication required)
export const Reauthentication = z.strictObject({ password: Password });
export const AuthenticatorEnrollment = TotpEnrollment.extend({ enrollmentId: z.string().min(16).max(128) });
export type AuthenticatorEnrollment = z.infer<typeof AuthenticatorEnrollment>;
// POST /api/v1/me/mfa/authenticators/confirm {enrollmentId, code, name} → 204
export const ConfirmAuthenticator = z.strictObject({
  enrollmentId: z.string().min(16).max(128),
  code: OtpCode,
  name: z.string().min(1).max(100),
});
// POST /api/v1/me/mfa/authenticators/:id/remove {password} → 204 (re-authentication required)
// POST /api/v1/me/mfa/devices/:deviceId/remove → 204 (a device forgets itself or the user revokes it)

// ---- Passkeys (WebAuthn) — a browser step, like unified login (server/mfa/passkeys*.ts) ----

/**
 * Where the browser step sends the user back: Keyway's loopback listener on any port (RFC 8252 §7.3) or
 * its private-use scheme (§7.1). Exactly these two shapes; anything else is refused (`return_uri_invalid`).
 */
export const PasskeyReturnUri = z
  .string()
  .max(200)
  .regex(
    /^(?:http:\/\/127\.0\.0\.1:(?:[1-9]\d{0,4})\/passkey-callback|dev\.keyway\.app:\/passkey\/callback)$/,
    'The return address must be http://127.0.0.1:<port>/passkey-callback or dev.keyway.app:/passkey/callback.',
  )
  // The regex caps the port at five digits; 65536–99999 are refused here (new URL() would throw on them).
  .refine((uri) => Number(/^http:\/\/127\.0\.0\.1:(\d+)\//.exec(uri)?.[1] ?? 0) <= 65535, 'The port is out of range.');
/** Echoed back untouched, so Keyway can tell its own step's return from any other. */
export const PasskeyState = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'The state is 16–128 URL-safe characters.');

// POST /api/v1/mfa/passkey/start → PasskeyStep
export const PasskeyStartRequest = z.strictObject({
  challengeId: z.string().min(16).max(128),
  returnTo: z.string().max(200),
  state: z.string().max(200),
});
export type PasskeyStartRequest = z.infer<typeof PasskeyStartRequest>;
export const PasskeyStep = z.strictObject({
  /** `<public origin>/mfa/passkey/step/<single-use token>` (or /account/passkeys/step/… to add one). */
  stepUrl: z.url().max(500),
  expiresIn: z.number().int().positive(),
});
export type PasskeyStep = z.infer<typeof PasskeyStep>;

// POST /api/v1/mfa/passkey/complete → VerifiedSession (exactly as /mfa/verify answers)
export const PasskeyCompleteRequest = z.strictObject({
  challengeId: z.string().min(16).max(128),
  code: z.string().min(16).max(128),
  rememberDevice: z.strictObject({ publicKey: DevicePublicKey, name: z.string().min(1).max(100) }).optional(),
});
export type PasskeyCompleteRequest = z.infer<typeof PasskeyCompleteRequest>;

/** One passkey of the signed-in user, as MfaOverview lists it. */
export const PasskeySummary = MfaOverview.shape.passkeys.element;
export type PasskeySummary = z.infer<typeof PasskeySummary>;

// POST /api/v1/me/mfa/passkeys/start {password, returnTo, state} → PasskeyStep (re-authentication required)
export const PasskeyManageStartRequest = z.strictObject({
  password: Password,
  returnTo: z.string().max(200),
  state: z.string().max(200),
});
export type PasskeyManageStartRequest = z.infer<typeof PasskeyManageStartRequest>;
// POST /api/v1/me/mfa/passkeys/:id/remove {password} → 204 (re-authentication required; the user is e-mailed)
