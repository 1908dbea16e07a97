import { z } from 'zod';
import { ErrorOrNull, MAX_PASSWORD_LENGTH, NoInput, NoOutput, Text, type StepWire } from '../../../ipc/screen-kit';

/**
 * A one-time password for another service (VPN, RADIUS) on the wire: ask for the password (or an
 * authenticator code), then show the OTP until it expires. The OTP is in the view only while it is shown.
 */

const OneTimePasswordView = z.strictObject({
  screen: z.literal('oneTimePassword'),
  serverHost: Text,
  loginId: Text,
  phase: z.enum(['loading', 'ask', 'issuing', 'showing', 'expired']),
  /** The user has an authenticator app: its code may stand in for the password. */
  canUseAuthenticator: z.boolean(),
  otp: z
    .strictObject({
      value: z.string().regex(/^\d{8}$/),
      issuedAt: z.number().int(),
      /** Epoch ms; the countdown runs to it. */
      expiresAt: z.number().int(),
    })
    .nullable(),
  error: ErrorOrNull,
});

export const otpWire = {
  views: [OneTimePasswordView],
  commands: {
    /** Re-authentication for an OTP: the password or a six-digit authenticator code, sent once, never in a view. */
    issueOneTimePassword: {
      input: z.union([
        z.strictObject({ password: z.string().max(MAX_PASSWORD_LENGTH) }),
        z.strictObject({ authenticatorCode: z.string().max(12) }),
      ]),
      output: NoOutput,
      becomes: 'oneTimePassword.proofSubmitted',
    },
    /** "Make a new one" once the OTP expired: asks for the password again. */
    newOneTimePassword: { input: NoInput, output: NoOutput, becomes: 'oneTimePassword.renewRequested' },
  },
} as const satisfies StepWire;
