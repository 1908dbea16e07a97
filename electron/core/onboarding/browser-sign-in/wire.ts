import { z } from 'zod';
import { ErrorOrNull, NoInput, NoOutput, Text, type StepWire } from '../../../ipc/screen-kit';

/** Waiting for the identity provider in the system browser (unified login), on the wire (see screen-kit.ts). */

const BrowserSignInView = z.strictObject({
  screen: z.literal('browserSignIn'),
  serverHost: Text,
  identityProviderHost: Text,
  loginId: Text,
  /** True once the browser was opened, so "Open the browser again" can work. */
  opened: z.boolean(),
  /** RFC 8628: open this URL on any device and type the code. */
  device: z.strictObject({ userCode: Text, verificationUri: z.url() }).nullable(),
  error: ErrorOrNull,
});

export const browserSignInWire = {
  views: [BrowserSignInView],
  commands: {
    /** "Open the browser again" while waiting for the identity provider. */
    reopenBrowser: { input: NoInput, output: NoOutput, becomes: 'browser.reopenRequested' },
    /** Sign in with a code on another device (RFC 8628) instead of a browser redirect. */
    useDeviceCode: { input: NoInput, output: NoOutput, becomes: 'deviceCode.chosen' },
  },
} as const satisfies StepWire;
