import type { DeploymentConfig, DiscoveryResponse, License, ServerFeatures, SignInMethod } from '../../../protocol/api';
import type { KeywayErrorShape } from '../../../protocol/errors';
import type { MfaChannel, MfaOverview, MfaRequired } from '../../../protocol/mfa';
import type { Policy } from '../ports';
import type { OtpScreen, PasswordResetRequest, SelfServiceEffect, SelfServiceEvent } from './self-service-states';

/** The types of the onboarding machine: its states, the events it reacts to, the effects it asks for. */

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
}

export type Screen =
  | { readonly kind: 'starting' }
  | { readonly kind: 'welcome'; readonly input: string; readonly error: KeywayErrorShape | null }
  | {
      readonly kind: 'manualLogin';
      readonly host: string;
      readonly loginId: string;
      readonly error: KeywayErrorShape | null;
    }
  | {
      readonly kind: 'loginId';
      readonly origin: string;
      readonly serverName: string | null;
      readonly loginId: string;
      readonly error: KeywayErrorShape | null;
      /** False when there is nowhere to go back to (a server preset by policy). */
      readonly canGoBack: boolean;
    }
  | { readonly kind: 'discovering'; readonly origin: string; readonly loginId: string; readonly returnTo: Screen }
  | {
      readonly kind: 'confirmServer';
      readonly deployment: ParsedDeployment;
      readonly error: KeywayErrorShape | null;
      readonly returnTo: Screen;
    }
  | { readonly kind: 'redeeming'; readonly deployment: ParsedDeployment; readonly returnTo: Screen }
  | { readonly kind: 'importProfile'; readonly pending: PendingProfile }
  | { readonly kind: 'license'; readonly pending: PendingProfile }
  | { readonly kind: 'licenseUpdate'; readonly home: HomeInfo; readonly license: License }
  | {
      readonly kind: 'password';
      readonly target: ProfileSummary;
      readonly pending: PendingProfile | null;
      readonly error: KeywayErrorShape | null;
      /** "Forgot your password?" was pressed: the request, then the e-mail sent (password-reset-step.ts). */
      readonly reset?: PasswordResetRequest | null;
    }
  | { readonly kind: 'signingIn'; readonly target: ProfileSummary; readonly pending: PendingProfile | null }
  | {
      readonly kind: 'mfa';
      readonly target: ProfileSummary;
      readonly pending: PendingProfile | null;
      readonly challenge: MfaRequired;
      readonly channel: MfaChannel | null;
      readonly sent: SentCode | null;
      readonly enrollment: Enrollment | null;
      readonly busy: boolean;
      readonly error: KeywayErrorShape | null;
    }
  | {
      readonly kind: 'browserSignIn';
      readonly target: ProfileSummary;
      readonly pending: PendingProfile | null;
      readonly provider: { readonly issuer: string; readonly clientId: string };
      readonly loginHint: string | null;
      /** False until the authorization URL is known; then "Open the browser again" works. */
      readonly opened: boolean;
      /** 'device' once the user chose the device authorization grant (RFC 8628). */
      readonly mode: 'redirect' | 'device';
      /** The code to show in device mode, once the provider issued it. */
      readonly device: DeviceCode | null;
      readonly error: KeywayErrorShape | null;
      readonly returnTo: Screen;
    }
  | { readonly kind: 'resuming'; readonly target: ProfileSummary }
  | { readonly kind: 'resumeFailed'; readonly target: ProfileSummary; readonly error: KeywayErrorShape }
  | { readonly kind: 'home'; readonly home: HomeInfo; readonly notice: KeywayErrorShape | null }
  | { readonly kind: 'signingOut'; readonly home: HomeInfo; readonly forget: boolean }
  | {
      readonly kind: 'security';
      readonly home: HomeInfo;
      readonly overview: MfaOverview | null;
      /** This device's own trusted-device id, so the list can say "this device". */
      readonly thisDevice: string | null;
      readonly enrolling: (Enrollment & { readonly enrollmentId: string }) | null;
      readonly busy: boolean;
      readonly error: KeywayErrorShape | null;
    }
  | OtpScreen;

export interface OnboardingState {
  readonly context: Context;
  readonly screen: Screen;
}

export type OnboardingEvent =
  // From the service
  | {
      readonly type: 'started';
      readonly profiles: readonly ProfileSummary[];
      readonly resume: ProfileSummary | null;
      readonly notice?: KeywayErrorShape | null;
    }
  | { readonly type: 'startFailed'; readonly error: KeywayErrorShape }
  | { readonly type: 'redeem.succeeded'; readonly config: DeploymentConfig }
  | { readonly type: 'redeem.failed'; readonly error: KeywayErrorShape }
  | { readonly type: 'discovery.succeeded'; readonly response: DiscoveryResponse }
  | { readonly type: 'discovery.failed'; readonly error: KeywayErrorShape }
  | {
      readonly type: 'signIn.succeeded';
      readonly home: HomeInfo;
      readonly profiles: readonly ProfileSummary[];
      readonly notice: KeywayErrorShape | null;
      /** Set when the server's license is newer than the one this user accepted. */
      readonly licenseUpdate: License | null;
    }
  | { readonly type: 'signIn.failed'; readonly error: KeywayErrorShape }
  | { readonly type: 'mfa.required'; readonly challenge: MfaRequired }
  | { readonly type: 'mfa.codeSent'; readonly sent: SentCode }
  | { readonly type: 'mfa.enrollment'; readonly enrollment: Enrollment }
  | { readonly type: 'mfa.failed'; readonly error: KeywayErrorShape }
  | { readonly type: 'oidc.opened' }
  | { readonly type: 'oidc.device'; readonly code: DeviceCode }
  | { readonly type: 'resume.failed'; readonly error: KeywayErrorShape | null; readonly sessionEnded: boolean }
  | { readonly type: 'signedOut'; readonly profiles: readonly ProfileSummary[]; readonly forgot: boolean }
  | { readonly type: 'profiles.changed'; readonly profiles: readonly ProfileSummary[] }
  | { readonly type: 'security.loaded'; readonly overview: MfaOverview; readonly thisDevice: string | null }
  | { readonly type: 'security.enrolling'; readonly enrolling: Enrollment & { readonly enrollmentId: string } }
  | { readonly type: 'security.failed'; readonly error: KeywayErrorShape }
  | { readonly type: 'session.saved' }
  | { readonly type: 'session.saveFailed'; readonly error: KeywayErrorShape }
  // From the OS
  | { readonly type: 'deepLink.opened'; readonly url: string }
  /** An entry point refused a link before core saw it (protocol/deep-link.ts `admitDeepLink`). */
  | { readonly type: 'deepLink.refused'; readonly error: KeywayErrorShape }
  // From the user
  | { readonly type: 'welcome.inputChanged'; readonly text: string }
  | { readonly type: 'welcome.applied' }
  | { readonly type: 'manualLogin.opened' }
  | { readonly type: 'manualLogin.changed'; readonly host: string; readonly loginId: string }
  | { readonly type: 'loginId.changed'; readonly loginId: string }
  | { readonly type: 'next' }
  | { readonly type: 'cancel' }
  | { readonly type: 'server.confirmed' }
  | { readonly type: 'import.chosen'; readonly from: string | null }
  | { readonly type: 'license.accepted' }
  | { readonly type: 'license.declined' }
  | { readonly type: 'password.submitted'; readonly password: string }
  | { readonly type: 'back' }
  | { readonly type: 'retry' }
  | { readonly type: 'oidc.reopen' }
  | { readonly type: 'oidc.useDevice' }
  | { readonly type: 'mfa.choose'; readonly channel: MfaChannel }
  | { readonly type: 'mfa.submit'; readonly code: string; readonly remember: boolean }
  | { readonly type: 'mfa.resend' }
  | { readonly type: 'home.security' }
  | { readonly type: 'security.removeDevice'; readonly deviceId: string }
  | { readonly type: 'security.removeAuthenticator'; readonly id: string; readonly password: string }
  | { readonly type: 'security.addAuthenticator'; readonly password: string }
  | { readonly type: 'security.confirmAuthenticator'; readonly code: string }
  | { readonly type: 'home.signOut' }
  | { readonly type: 'home.forget' }
  | SelfServiceEvent;

/** I/O the service performs after a transition; results come back as events. */
export type OnboardingEffect =
  | { readonly type: 'redeem'; readonly deployment: ParsedDeployment }
  | { readonly type: 'discover'; readonly origin: string; readonly loginId: string }
  | {
      readonly type: 'signIn';
      readonly target: ProfileSummary;
      readonly password: string;
      readonly pending: PendingProfile | null;
    }
  | {
      readonly type: 'oidcSignIn';
      readonly target: ProfileSummary;
      readonly pending: PendingProfile | null;
      readonly provider: { readonly issuer: string; readonly clientId: string };
      readonly loginHint: string | null;
    }
  | {
      readonly type: 'oidcDevice';
      readonly target: ProfileSummary;
      readonly pending: PendingProfile | null;
      readonly provider: { readonly issuer: string; readonly clientId: string };
      readonly loginHint: string | null;
    }
  | {
      readonly type: 'mfaSend';
      readonly origin: string;
      readonly challengeId: string;
      readonly channel: 'email' | 'sms';
    }
  | { readonly type: 'mfaEnroll'; readonly origin: string; readonly challengeId: string }
  | {
      readonly type: 'mfaVerify';
      readonly target: ProfileSummary;
      readonly pending: PendingProfile | null;
      readonly challengeId: string;
      readonly channel: MfaChannel;
      readonly code: string;
      readonly remember: boolean;
    }
  | {
      readonly type: 'security';
      readonly origin: string;
      readonly action:
        | { readonly kind: 'load' }
        | { readonly kind: 'removeDevice'; readonly deviceId: string }
        | { readonly kind: 'removeAuthenticator'; readonly id: string; readonly password: string }
        | { readonly kind: 'add'; readonly password: string }
        | { readonly kind: 'confirm'; readonly enrollmentId: string; readonly code: string };
    }
  | { readonly type: 'oidcReopen' }
  | { readonly type: 'oidcCancel' }
  | { readonly type: 'resume'; readonly target: ProfileSummary }
  | { readonly type: 'acceptLicense'; readonly origin: string; readonly version: string }
  | { readonly type: 'signOut'; readonly origin: string; readonly forget: boolean }
  /** Stores a session the keychain refused earlier (it was locked or unreachable), on "Try again". */
  | { readonly type: 'saveSession'; readonly origin: string }
  | SelfServiceEffect;

export interface Step {
  readonly state: OnboardingState;
  readonly effects: readonly OnboardingEffect[];
}
