import { z } from 'zod';
import { ErrorOrNull, MAX_LOGIN_ID_LENGTH, NoInput, NoOutput, Text, type StepWire } from '../../../ipc/screen-kit';

/** Manual Login and the login-ID page on the wire (see screen-kit.ts). */

const ManualLoginView = z.strictObject({
  screen: z.literal('manualLogin'),
  host: Text,
  loginId: Text,
  error: ErrorOrNull,
});

const LoginIdView = z.strictObject({
  screen: z.literal('loginId'),
  serverName: Text.nullable(),
  serverHost: Text,
  loginId: Text,
  /** False when there is nowhere to go back to (a server preset by policy): the page has no Cancel. */
  canGoBack: z.boolean(),
  error: ErrorOrNull,
});

export const discoveryWire = {
  views: [ManualLoginView, LoginIdView],
  commands: {
    /** The hidden Manual Login: three taps on the logo, or Ctrl/Cmd+Shift+M. */
    openManualLogin: { input: NoInput, output: NoOutput, becomes: 'manualLogin.opened' },
    setManualLogin: {
      input: z.strictObject({ host: z.string().max(300), loginId: z.string().max(MAX_LOGIN_ID_LENGTH) }),
      output: NoOutput,
      becomes: 'manualLogin.changed',
    },
    setLoginId: {
      input: z.strictObject({ loginId: z.string().max(MAX_LOGIN_ID_LENGTH) }),
      output: NoOutput,
      becomes: 'loginId.changed',
    },
    /** Next on Manual Login and on the login-ID page (runs home-realm discovery). */
    next: { input: NoInput, output: NoOutput, becomes: 'next.pressed' },
  },
} as const satisfies StepWire;
