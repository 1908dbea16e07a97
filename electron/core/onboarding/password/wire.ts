import { z } from 'zod';
import { ErrorOrNull, MAX_PASSWORD_LENGTH, NoOutput, Text, type StepWire } from '../../../ipc/screen-kit';

/** Password on the wire (see screen-kit.ts); "Forgot your password?" sends password-reset/'s command. */

const PasswordView = z.strictObject({
  screen: z.literal('password'),
  serverName: Text,
  serverHost: Text,
  loginId: Text,
  displayName: Text,
  error: ErrorOrNull,
  /**
   * "Forgot your password?", present only when the server offers it: `offered` (the link), `sending`,
   * then `sent` (a reset link went to the account's e-mail address, if the account exists).
   */
  forgotPassword: z
    .strictObject({
      status: z.enum(['offered', 'sending', 'sent']),
      /** How long the e-mailed link works, once sent. */
      minutes: z.number().int().positive().nullable(),
    })
    .nullable()
    .optional(),
});

export const passwordWire = {
  views: [PasswordView],
  commands: {
    /** The password goes to core once, on Apply; it is never part of a view. */
    submitPassword: {
      input: z.strictObject({ password: z.string().max(MAX_PASSWORD_LENGTH) }),
      output: NoOutput,
      becomes: 'password.submitted',
    },
  },
} as const satisfies StepWire;
