import { z } from 'zod';
import { MAX_DEEP_LINK_LENGTH } from '../../protocol/deep-link';
import { KeywayErrorShape } from './client-errors';
import { MfaChannel } from '../../protocol/mfa';

export { KeywayErrorShape };

/**
 * What the renderer shows. Core publishes one `View` at a time; each screen is a tag (`screen`) on it.
 * The renderer renders it and keeps no flow logic of its own. Views never carry secrets.
 */

/** Longest text the paste field accepts: the one link limit (protocol/deep-link.ts). */
export const MAX_PASTE_LENGTH = MAX_DEEP_LINK_LENGTH;
export const MAX_PASSWORD_LENGTH = 256;
export const MAX_LOGIN_ID_LENGTH = 254;

const Text = z.string().max(500);
const ErrorOrNull = KeywayErrorShape.nullable();

/** The languages the client speaks; core picks one (policy, then the OS, then English). */
export const UI_LANGUAGES = ['en', 'fr', 'de'] as const;
export const UiLanguage = z.enum(UI_LANGUAGES);
export type UiLanguage = z.infer<typeof UiLanguage>;

/**
 * A setting IT manages through machine policy, so the UI can say so. Core names the setting and its
 * value (a host, a list); the renderer words it in the user's language.
 */
export const ManagedSetting = z.strictObject({
  setting: z.enum([
    'presetServer',
    'allowedServers',
    'disableManualLogin',
    'disableImport',
    'forceUnifiedLogin',
    'defaultLanguage',
  ]),
  value: Text.nullable(),
});
export type ManagedSetting = z.infer<typeof ManagedSetting>;
const Managed = z.array(ManagedSetting).max(20);

export const WelcomeView = z.strictObject({
  screen: z.literal('welcome'),
  managed: Managed,
  /** The text in the paste field, exactly as core holds it. */
  input: z.string().max(MAX_PASTE_LENGTH),
  canApply: z.boolean(),
  error: ErrorOrNull,
  /** Said once at start, e.g. that a damaged settings file was restored from its last good copy. */
  notice: ErrorOrNull.optional(),
});
export type WelcomeView = z.infer<typeof WelcomeView>;

export const ProgressView = z.strictObject({
  screen: z.literal('progress'),
  step: z.enum(['starting', 'redeeming', 'discovering', 'signingIn', 'resuming', 'signingOut', 'forgetting']),
  serverHost: Text.nullable(),
});
export type ProgressView = z.infer<typeof ProgressView>;

export const ConfirmServerView = z.strictObject({
  screen: z.literal('confirmServer'),
  serverHost: Text,
  origin: Text,
  /** False only for plain-http loopback servers (development). */
  secure: z.boolean(),
  error: ErrorOrNull,
});
export type ConfirmServerView = z.infer<typeof ConfirmServerView>;

export const ImportView = z.strictObject({
  screen: z.literal('import'),
  serverName: Text,
  candidates: z.array(z.strictObject({ origin: Text, serverName: Text, serverHost: Text, loginId: Text })).max(50),
});
export type ImportView = z.infer<typeof ImportView>;

export const LicenseView = z.strictObject({
  screen: z.literal('license'),
  serverName: Text,
  version: Text,
  text: z.string().max(200_000),
  /** True when an already signed-in user is shown a changed license. */
  isUpdate: z.boolean(),
});
export type LicenseView = z.infer<typeof LicenseView>;

export const PasswordView = z.strictObject({
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
export type PasswordView = z.infer<typeof PasswordView>;

/**
 * A one-time password for another service (VPN, RADIUS): ask for the password (or an authenticator
 * code), then show the OTP until it expires. The OTP is in the view only while it is shown.
 */
export const OneTimePasswordView = z.strictObject({
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
export type OneTimePasswordView = z.infer<typeof OneTimePasswordView>;

export const ResumeFailedView = z.strictObject({
  screen: z.literal('resumeFailed'),
  serverName: Text,
  serverHost: Text,
  loginId: Text,
  error: KeywayErrorShape,
});
export type ResumeFailedView = z.infer<typeof ResumeFailedView>;

export const HomeView = z.strictObject({
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
});
export type HomeView = z.infer<typeof HomeView>;

export const ManualLoginView = z.strictObject({
  screen: z.literal('manualLogin'),
  host: Text,
  loginId: Text,
  error: ErrorOrNull,
});
export type ManualLoginView = z.infer<typeof ManualLoginView>;

export const LoginIdView = z.strictObject({
  screen: z.literal('loginId'),
  serverName: Text.nullable(),
  serverHost: Text,
  loginId: Text,
  canGoBack: z.boolean(),
  error: ErrorOrNull,
});
export type LoginIdView = z.infer<typeof LoginIdView>;

/** Waiting for the identity provider in the system browser (unified login). */
export const BrowserSignInView = z.strictObject({
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
export type BrowserSignInView = z.infer<typeof BrowserSignInView>;

/** The second factor: choose a channel, enrol an authenticator, or type a six-digit code. */
export const MfaView = z.strictObject({
  screen: z.literal('mfa'),
  serverHost: Text,
  loginId: Text,
  /** The channels the user can choose now (core's rule, onboarding/mfa-step.ts); a choice is shown when there are several. */
  channels: z.array(z.strictObject({ channel: MfaChannel, hint: Text })).max(3),
  channel: MfaChannel.nullable(),
  /** E-mail/SMS: where the code went, and when it expires and Resend opens (epoch ms). */
  sent: z.strictObject({ hint: Text, expiresAt: z.number().int(), resendAt: z.number().int() }).nullable(),
  /** Authenticator enrolment: a locally rendered QR code (SVG data URL) and the secret key. */
  enrollment: z
    .strictObject({
      qrDataUrl: z.string().startsWith('data:image/svg+xml;base64,').max(100_000),
      secret: z
        .string()
        .regex(/^[A-Z2-7]+$/)
        .max(64),
    })
    .nullable(),
  trustDays: z.number().int().positive(),
  /** The code field is shown: a channel is chosen and, for the authenticator, one exists or is being enrolled. */
  asksForCode: z.boolean(),
  busy: z.boolean(),
  error: ErrorOrNull,
});
export type MfaView = z.infer<typeof MfaView>;

/** The profile's security page: authenticators and remembered devices. */
export const SecurityView = z.strictObject({
  screen: z.literal('security'),
  serverHost: Text,
  /** False until the server's answer arrived. */
  loaded: z.boolean(),
  authenticators: z.array(z.strictObject({ id: Text, name: Text, createdAt: z.number().int() })).max(50),
  devices: z
    .array(
      z.strictObject({
        deviceId: Text,
        name: Text,
        lastUsedAt: z.number().int().nullable(),
        trustedUntil: z.number().int(),
        thisDevice: z.boolean(),
      }),
    )
    .max(100),
  enrolling: z
    .strictObject({
      qrDataUrl: z.string().startsWith('data:image/svg+xml;base64,').max(100_000),
      secret: z
        .string()
        .regex(/^[A-Z2-7]+$/)
        .max(64),
    })
    .nullable(),
  busy: z.boolean(),
  error: ErrorOrNull,
});
export type SecurityView = z.infer<typeof SecurityView>;

/**
 * Shown instead of a screen core could not build within this contract (a bug, or input that slipped
 * past a limit): the reason, reported, and a way back ("Start again"), never a window stuck loading.
 */
export const FailureView = z.strictObject({
  screen: z.literal('failure'),
  error: KeywayErrorShape,
});
export type FailureView = z.infer<typeof FailureView>;

export const View = z.discriminatedUnion('screen', [
  FailureView,
  OneTimePasswordView,
  SecurityView,
  MfaView,
  ManualLoginView,
  LoginIdView,
  BrowserSignInView,
  WelcomeView,
  ProgressView,
  ConfirmServerView,
  ImportView,
  LicenseView,
  PasswordView,
  ResumeFailedView,
  HomeView,
]);
export type View = z.infer<typeof View>;
export type Screen = View['screen'];
