import { z } from 'zod';
import { MfaChannel } from '../../../../protocol/mfa';
import { EnrollmentView, ErrorOrNull, NoInput, NoOutput, Text, type StepWire } from '../../../ipc/screen-kit';

/** The second factor on the wire: choose a channel, enrol an authenticator, or type a six-digit code. */

const MfaView = z.strictObject({
  screen: z.literal('mfa'),
  serverHost: Text,
  loginId: Text,
  /** The channels the user can choose now (core's rule, onboarding/mfa/step.ts `usableChannels`); a choice is shown when there are several. */
  channels: z.array(z.strictObject({ channel: MfaChannel, hint: Text })).max(4),
  channel: MfaChannel.nullable(),
  /** E-mail/SMS: where the code went, and when it expires and Resend opens (epoch ms). */
  sent: z.strictObject({ hint: Text, expiresAt: z.number().int(), resendAt: z.number().int() }).nullable(),
  /** Authenticator enrolment: a locally rendered QR code (SVG data URL) and the secret key. */
  enrollment: EnrollmentView.nullable(),
  /** The user has unused recovery codes: "Use a recovery code" is offered. */
  recoveryCodeOffered: z.boolean(),
  /** The recovery-code field is on screen (instead of the factors). */
  recovery: z.boolean(),
  trustDays: z.number().int().positive(),
  /** The code field is shown: a channel is chosen and, for the authenticator, one exists or is being enrolled. */
  asksForCode: z.boolean(),
  busy: z.boolean(),
  error: ErrorOrNull,
});

export const mfaWire = {
  views: [MfaView],
  commands: {
    /** Second factor: pick a channel, submit a code (with "remember this device"), or resend. */
    chooseMfaChannel: {
      input: z.strictObject({ channel: MfaChannel }),
      output: NoOutput,
      becomes: 'mfaChannel.chosen',
    },
    submitMfaCode: {
      input: z.strictObject({ code: z.string().max(12), remember: z.boolean() }),
      output: NoOutput,
      becomes: 'mfaCode.submitted',
    },
    resendMfaCode: { input: NoInput, output: NoOutput, becomes: 'mfaCode.resendRequested' },
    /** "Use a recovery code": the field for one (offered when the server says the user has some). */
    useRecoveryCode: { input: NoInput, output: NoOutput, becomes: 'recoveryCode.chosen' },
    /** A recovery code as typed (core normalises it with the server's rule, protocol/mfa.ts RecoveryCode). */
    submitRecoveryCode: {
      input: z.strictObject({ code: z.string().max(40), remember: z.boolean() }),
      output: NoOutput,
      becomes: 'recoveryCode.submitted',
    },
    /** "Use a passkey": the browser step (onboarding/passkey), remembering this device when asked. */
    usePasskey: {
      input: z.strictObject({ remember: z.boolean() }),
      output: NoOutput,
      becomes: 'passkey.requested',
    },
  },
} as const satisfies StepWire;
