import { NoInput, NoOutput, type StepWire } from '../../../ipc/screen-kit';

/** "Forgot your password?" on the wire: a command only; its state shows on the Password view. */

export const passwordResetWire = {
  views: [],
  commands: {
    /** "Forgot your password?" on the Password page: the server e-mails a reset link for the login ID shown. */
    requestPasswordReset: { input: NoInput, output: NoOutput, becomes: 'passwordReset.requested' },
  },
} as const satisfies StepWire;
