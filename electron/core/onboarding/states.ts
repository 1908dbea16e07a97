import type { License, ServerFeatures, SignInMethod } from '../../../protocol/api';
import type { KeywayErrorShape } from '../../../protocol/errors';
import type { RecoveryCodeList } from '../../../protocol/mfa';
import type { UiLanguage } from '../../ipc/view';
import type { Policy } from '../ports';
import type { CommandEvent, EventCommandName } from '../../ipc/contract';
import type { LinkEvent } from './links';
import type { EffectOutcomes, EffectResultEvent, OnboardingEffect, Screen } from './machine';
import type { StartedEvent } from './start/step';

// Derived in machine.ts from its tables of steps and effect results (so a new screen adds no line here).
export type { EffectOutcomes, OnboardingEffect, Screen };

/**
 * The types the steps share: the context, the profile data that travels between steps, and the events.
 * Each screen, effect, effect outcome and result event is declared in its step's folder; their unions
 * (`Screen`, `OnboardingEffect`, `EffectOutcomes`, `EffectResultEvent`) are derived from machine.ts's tables.
 */

export interface ProfileSummary {
  readonly origin: string;
  readonly serverName: string;
  readonly loginId: string;
  readonly displayName: string;
  readonly method: SignInMethod['method'];
  readonly acceptedLicenseVersion: string | null;
  /** The server offered "Forgot your password?" when this profile was made (ServerFeatures). */
  readonly forgotPassword?: boolean;
}

/** What the machine knows beyond the current screen. */
export interface Context {
  readonly policy: Policy;
  readonly profiles: readonly ProfileSummary[];
  /**
   * Something found at start that the user must hear about once (the settings file was damaged and
   * restored): shown on the first screen they see, dropped when they leave it.
   */
  readonly notice?: KeywayErrorShape | null;
}

/** A code that parsed and passed policy: where it points and its text. */
export interface ParsedDeployment {
  readonly origin: string;
  readonly codeText: string;
}

/**
 * A profile about to be created (from a redeemed deployment or from discovery), held in memory until
 * sign-in succeeds, so that Decline or Cancel leaves nothing behind.
 */
export interface PendingProfile {
  readonly server: { readonly name: string; readonly origin: string };
  readonly loginId: string;
  readonly displayName: string;
  /** Sent to the identity provider as `login_hint` (the e-mail when known). */
  readonly loginHint: string;
  readonly signIn: SignInMethod;
  readonly license: License;
  readonly features: ServerFeatures;
  readonly importFrom: string | null;
  /** Where Back on the password page goes: this profile's license (deployment) or the login-ID page. */
  readonly entry: Screen | 'license';
}

export interface DeviceCode {
  readonly userCode: string;
  readonly verificationUri: string;
}

/** A code sent by e-mail or SMS: where to, and when it expires and Resend opens (epoch ms). */
export interface SentCode {
  readonly hint: string;
  readonly expiresAt: number;
  readonly resendAt: number;
}

/** An authenticator being enrolled: the QR code (rendered by core as an SVG data URL) and the secret. */
export interface Enrollment {
  readonly qrDataUrl: string;
  readonly secret: string;
}

export interface HomeInfo {
  readonly origin: string;
  readonly serverName: string;
  readonly loginId: string;
  readonly displayName: string;
  readonly email: string;
  /** What the organisation's deployment profile pushed (core/managed-config.ts), as of this sign-in. */
  readonly organisation?: OrganisationSettings;
}

/** The pushed settings Home shows and applies (the machine policy still wins: managed-config.ts). */
interface OrganisationSettings {
  /** This sign-in brought settings this client had not applied before: Home says so. */
  readonly updated: boolean;
  /** The language the profile pushed, if any, before the machine policy is considered. */
  readonly language: UiLanguage | null;
}

/** What a successful sign-in hands over, whichever way it happened (the effect runner's answer). */
export interface SignedIn {
  readonly home: HomeInfo;
  readonly profiles: readonly ProfileSummary[];
  /** Something to say on Home, e.g. that the keychain refused the session. */
  readonly notice: KeywayErrorShape | null;
  /** The server's current license (password sessions); null when the sign-in path does not tell. */
  readonly license: License | null;
  readonly acceptedLicenseVersion: string | null;
  /** New recovery codes, once, when this sign-in enrolled the user's first second factor (never stored). */
  readonly recoveryCodes?: RecoveryCodeList;
  /** After signing in with a recovery code: how many unused ones are left. */
  readonly recoveryCodesLeft?: number;
}

/** The event of each command that `becomes` one (electron/ipc/contract.ts). */
type UserEvent = { [C in EventCommandName]: CommandEvent<C> }[EventCommandName];

export interface OnboardingState {
  readonly context: Context;
  readonly screen: Screen;
}

export type OnboardingEvent =
  // From the effect runner (service.ts): what reading the settings at start became (start/step.ts), and
  // what every effect's result became, declared beside the step that starts it (machine.ts derives it).
  | StartedEvent
  | EffectResultEvent
  // From the OS
  /** A `keyway://` link of a kind Keyway acts on (links.ts). */
  | LinkEvent
  /** An entry point refused a link before core saw it (protocol/deep-link.ts `admitDeepLink`). */
  | { readonly type: 'deepLink.refused'; readonly error: KeywayErrorShape }
  /**
   * From the user: every command of the contract that `becomes` an event, as that event (its type and the
   * command's validated input). Declared with the command, in the step folder's wire.ts.
   */
  | UserEvent;

export type EffectOf<T extends OnboardingEffect['type']> = Extract<OnboardingEffect, { type: T }>;

export interface Step {
  readonly state: OnboardingState;
  readonly effects: readonly OnboardingEffect[];
}
