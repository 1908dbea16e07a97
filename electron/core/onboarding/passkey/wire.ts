import { z } from 'zod';
import { Text, type StepWire } from '../../../ipc/screen-kit';

/**
 * Waiting for the passkey step in the system browser, on the wire (see screen-kit.ts). Its commands are
 * the shared `cancel` and browser-sign-in's `reopenBrowser`: the same waiting screen as unified login.
 */

const PasskeyStepView = z.strictObject({
  screen: z.literal('passkeyStep'),
  /** The second factor of a sign-in, or adding a passkey from Sign-in security. */
  purpose: z.enum(['signIn', 'add']),
  serverHost: Text,
  loginId: Text,
  /** True once the browser was opened, so "Open the browser again" can work. */
  opened: z.boolean(),
});

export const passkeyWire = {
  views: [PasskeyStepView],
  commands: {},
} as const satisfies StepWire;
