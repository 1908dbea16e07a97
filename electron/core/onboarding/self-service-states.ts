import type { KeywayErrorShape } from '../../../protocol/errors';
import type { HomeInfo } from './states';

/**
 * The machine's types for two self-service steps: "Forgot your password?" on the Password page, and
 * one-time passwords for other services (Home → One-time password). states.ts adds them to its unions.
 */

/** Forgot password on the Password page: the request under way, then the e-mail sent. */
export type PasswordResetRequest =
  { readonly status: 'sending' } | { readonly status: 'sent'; readonly minutes: number };

/** How the user proves it is them again before an OTP is issued. */
export type OtpProof = { readonly password: string } | { readonly authenticatorCode: string };

/**
 * The one-time password screen. `loading`: asking the server how the user may prove it is them;
 * `ask`: waiting for the password (or an authenticator code); `issuing`; `showing` the OTP until it
 * expires; `expired`: the OTP is gone and "Make a new one" asks again.
 */
export interface OtpScreen {
  readonly kind: 'oneTimePassword';
  readonly home: HomeInfo;
  readonly phase: 'loading' | 'ask' | 'issuing' | 'showing' | 'expired';
  /** The user has an authenticator app, whose code may stand in for the password. */
  readonly authenticator: boolean;
  readonly otp: { readonly value: string; readonly issuedAt: number; readonly expiresAt: number } | null;
  readonly error: KeywayErrorShape | null;
}

export type SelfServiceEvent =
  // From the user
  | { readonly type: 'password.forgot' }
  | { readonly type: 'home.otp' }
  | { readonly type: 'otp.submit'; readonly proof: OtpProof }
  | { readonly type: 'otp.again' }
  // From the service
  | { readonly type: 'passwordReset.requested'; readonly minutes: number }
  | { readonly type: 'passwordReset.failed'; readonly error: KeywayErrorShape }
  | { readonly type: 'otp.loaded'; readonly authenticator: boolean }
  | { readonly type: 'otp.issued'; readonly otp: string; readonly issuedAt: number; readonly expiresAt: number }
  | { readonly type: 'otp.failed'; readonly error: KeywayErrorShape }
  /** The timer of the OTP on screen ran out. */
  | { readonly type: 'otp.expired' };

export type SelfServiceEffect =
  | { readonly type: 'requestPasswordReset'; readonly origin: string; readonly loginId: string }
  | {
      readonly type: 'otp';
      readonly origin: string;
      readonly action: { readonly kind: 'load' } | { readonly kind: 'issue'; readonly proof: OtpProof };
    }
  /** Reports `otp.expired` when the clock reaches `expiresAt`; it holds nothing else up. */
  | { readonly type: 'otpTimer'; readonly expiresAt: number };
