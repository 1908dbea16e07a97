import { z } from 'zod';
import {
  ErrorOrNull,
  Managed,
  MAX_PASTE_LENGTH,
  NoInput,
  NoOutput,
  Text,
  type StepWire,
} from '../../../ipc/screen-kit';

/** Welcome and Confirm server on the wire: their views and the commands they send (see screen-kit.ts). */

const WelcomeView = z.strictObject({
  screen: z.literal('welcome'),
  managed: Managed,
  /** The text in the paste field, exactly as core holds it. */
  input: z.string().max(MAX_PASTE_LENGTH),
  canApply: z.boolean(),
  error: ErrorOrNull,
  /** Said once at start, e.g. that a damaged settings file was restored from its last good copy. */
  notice: ErrorOrNull.optional(),
});

const ConfirmServerView = z.strictObject({
  screen: z.literal('confirmServer'),
  serverHost: Text,
  origin: Text,
  /** False only for plain-http loopback servers (development). */
  secure: z.boolean(),
  error: ErrorOrNull,
});

export const deploymentWire = {
  views: [WelcomeView, ConfirmServerView],
  commands: {
    /** A keystroke or paste in the Welcome field. */
    setWelcomeInput: {
      input: z.strictObject({ text: z.string().max(MAX_PASTE_LENGTH) }),
      output: NoOutput,
      becomes: 'welcome.inputChanged',
    },
    /** Apply on the Welcome screen. */
    applyWelcome: { input: NoInput, output: NoOutput, becomes: 'welcome.applied' },
    /** Continue on Confirm server. */
    confirmServer: { input: NoInput, output: NoOutput, becomes: 'server.confirmed' },
  },
} as const satisfies StepWire;
