import { z } from 'zod';
import { MfaChannel } from '../../protocol/mfa';
import { MAX_LOGIN_ID_LENGTH, MAX_PASSWORD_LENGTH, MAX_PASTE_LENGTH, UiLanguage, View } from './view';

/**
 * The IPC contract: every command (renderer → core) and event (core → renderer), each with a zod schema.
 * All three transports (Electron IPC, the harness WebSocket, in-process) serve exactly this object, and
 * both ends validate against it.
 *
 * A command that only tells core what the user did names the onboarding event it `becomes`: core's
 * handler table is derived from this (keyway-core.ts `createCoreHandlers`), the event being the
 * command's validated input with that type. The compiler checks there that each such event exists
 * in the machine with exactly those fields. Commands without `becomes` answer something (a view,
 * the language, the update state) and are served by hand.
 */
const NoInput = z.strictObject({});
const NoOutput = z.null();

/** Automatic updates: nothing to show, or a downloaded version that installs on "Restart to update". */
export const UpdateState = z.strictObject({ ready: z.boolean(), version: z.string().max(64).nullable() });
export type UpdateState = z.infer<typeof UpdateState>;

export const commands = {
  /** The view to render now; the renderer asks once at start, then follows `view` events. */
  getView: { input: NoInput, output: View },
  /** The language to speak, as core chose it (policy, then the OS, then English); asked once at start. */
  getLanguage: {
    input: NoInput,
    output: z.strictObject({ language: UiLanguage, source: z.enum(['policy', 'system', 'default']) }),
  },
  /** A keystroke or paste in the Welcome field. */
  setWelcomeInput: {
    input: z.strictObject({ text: z.string().max(MAX_PASTE_LENGTH) }),
    output: NoOutput,
    becomes: 'welcome.inputChanged',
  },
  /** Apply on the Welcome screen. */
  applyWelcome: { input: NoInput, output: NoOutput, becomes: 'welcome.applied' },
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
  /** Cancel on Confirm server, Manual Login, the login-ID page and the browser sign-in. */
  cancel: { input: NoInput, output: NoOutput, becomes: 'cancel.pressed' },
  /** Continue on Confirm server. */
  confirmServer: { input: NoInput, output: NoOutput, becomes: 'server.confirmed' },
  /** Import: carry settings over from an earlier profile (its origin), or start fresh (null). */
  chooseImport: {
    input: z.strictObject({ from: z.string().max(500).nullable() }),
    output: NoOutput,
    becomes: 'import.chosen',
  },
  acceptLicense: { input: NoInput, output: NoOutput, becomes: 'license.accepted' },
  declineLicense: { input: NoInput, output: NoOutput, becomes: 'license.declined' },
  /** The password goes to core once, on Apply; it is never part of a view. */
  submitPassword: {
    input: z.strictObject({ password: z.string().max(MAX_PASSWORD_LENGTH) }),
    output: NoOutput,
    becomes: 'password.submitted',
  },
  /** Back on Password (and "Sign in again" when a silent sign-in could not reach the server). */
  goBack: { input: NoInput, output: NoOutput, becomes: 'back.pressed' },
  /** Retry a silent sign-in, or a browser sign-in, that failed. */
  retry: { input: NoInput, output: NoOutput, becomes: 'retry.pressed' },
  /** "Open the browser again" while waiting for the identity provider. */
  reopenBrowser: { input: NoInput, output: NoOutput, becomes: 'browser.reopenRequested' },
  /** Sign in with a code on another device (RFC 8628) instead of a browser redirect. */
  useDeviceCode: { input: NoInput, output: NoOutput, becomes: 'deviceCode.chosen' },
  /** Second factor: pick a channel, submit a code (with "remember this device"), or resend. */
  chooseMfaChannel: { input: z.strictObject({ channel: MfaChannel }), output: NoOutput, becomes: 'mfaChannel.chosen' },
  submitMfaCode: {
    input: z.strictObject({ code: z.string().max(12), remember: z.boolean() }),
    output: NoOutput,
    becomes: 'mfaCode.submitted',
  },
  resendMfaCode: { input: NoInput, output: NoOutput, becomes: 'mfaCode.resendRequested' },
  /** Home → the security page (authenticators, remembered devices). */
  openSecurity: { input: NoInput, output: NoOutput, becomes: 'security.opened' },
  removeTrustedDevice: {
    input: z.strictObject({ deviceId: z.string().max(100) }),
    output: NoOutput,
    becomes: 'trustedDevice.removeRequested',
  },
  /** Re-authentication: the password travels once with the request and is never part of a view. */
  removeAuthenticator: {
    input: z.strictObject({ id: z.string().max(100), password: z.string().max(MAX_PASSWORD_LENGTH) }),
    output: NoOutput,
    becomes: 'authenticator.removeRequested',
  },
  addAuthenticator: {
    input: z.strictObject({ password: z.string().max(MAX_PASSWORD_LENGTH) }),
    output: NoOutput,
    becomes: 'authenticator.addRequested',
  },
  confirmAuthenticator: {
    input: z.strictObject({ code: z.string().max(12) }),
    output: NoOutput,
    becomes: 'authenticator.codeSubmitted',
  },
  signOut: { input: NoInput, output: NoOutput, becomes: 'signOut.requested' },
  forgetServer: { input: NoInput, output: NoOutput, becomes: 'forgetServer.requested' },
  /** "Forgot your password?" on the Password page: the server e-mails a reset link for the login ID shown. */
  requestPasswordReset: { input: NoInput, output: NoOutput, becomes: 'passwordReset.requested' },
  /** Home → a one-time password for another service (VPN, RADIUS). */
  openOneTimePassword: { input: NoInput, output: NoOutput, becomes: 'oneTimePassword.opened' },
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
  /** Whether an update is downloaded (asked once at start; then the `update` event). */
  getUpdate: { input: NoInput, output: UpdateState },
  /** "Restart to update": quits and installs the downloaded update; refused while none is ready. */
  restartToUpdate: { input: NoInput, output: NoOutput },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType; becomes?: string }>;

export const events = {
  /** Core published a new view. */
  view: View,
  /**
   * Harness only: open this URL in a new browser tab (the harness's stand-in for the system browser).
   * In Electron, main opens the system browser itself and never sends this.
   */
  openExternal: z.strictObject({ url: z.url({ protocol: /^https?$/ }).max(8192) }),
  /** An update was downloaded (Electron only: main's updater publishes it). */
  update: UpdateState,
} as const satisfies Record<string, z.ZodType>;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandInput<C extends CommandName> = z.input<Commands[C]['input']>;
export type CommandOutput<C extends CommandName> = z.output<Commands[C]['output']>;
type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

/** The commands that become an onboarding event, and the event each becomes. */
export type EventCommandName = {
  [C in CommandName]: Commands[C] extends { readonly becomes: string } ? C : never;
}[CommandName];
export type EventOfCommand<C extends EventCommandName> = Commands[C] extends { readonly becomes: infer E } ? E : never;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}
