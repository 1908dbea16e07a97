import { z } from 'zod';
import { ErrorOrNull, Managed, NoInput, NoOutput, Text, type StepWire } from '../../../ipc/screen-kit';
import { PUSHED_LANGUAGES } from '../../../../protocol/client-config';

/** Home on the wire (see screen-kit.ts); Signing out shows the shared progress view. */

const HomeView = z.strictObject({
  screen: z.literal('home'),
  displayName: Text,
  loginId: Text,
  email: Text,
  serverName: Text,
  serverHost: Text,
  /** Something the user should know, e.g. that the keychain is unavailable. */
  notice: ErrorOrNull,
  /** The notice is the keychain refusing the session: "Try again" (`retry`) stores it once it is back. */
  canRetry: z.boolean().optional(),
  managed: Managed,
  /** Password profiles manage their authenticators and devices here; unified login does it at the IdP. */
  canManageSecurity: z.boolean(),
  /** "You have N recovery codes left": present only when N is low (home/step.ts FEW_RECOVERY_CODES). */
  recoveryCodesLeft: z.number().int().nonnegative().optional(),
  /** "Your organisation updated Keyway's settings": this sign-in applied a new push of the deployment profile. */
  settingsUpdated: z.literal(true).optional(),
  /** The language the organisation pushed, when the machine policy does not fix one: the UI switches to it. */
  language: z.enum(PUSHED_LANGUAGES).optional(),
});

export const homeWire = {
  views: [HomeView],
  commands: {
    /** Home → the security page (authenticators, remembered devices). */
    openSecurity: { input: NoInput, output: NoOutput, becomes: 'security.opened' },
    signOut: { input: NoInput, output: NoOutput, becomes: 'signOut.requested' },
    forgetServer: { input: NoInput, output: NoOutput, becomes: 'forgetServer.requested' },
    /** Home → a one-time password for another service (VPN, RADIUS). */
    openOneTimePassword: { input: NoInput, output: NoOutput, becomes: 'oneTimePassword.opened' },
  },
} as const satisfies StepWire;
