import type { DeploymentConfig, License } from '../../../protocol/api';
import type { KeywayErrorShape } from '../../../protocol/errors';
import type { Policy } from '../ports';

/** The types of the onboarding machine: its states, the events it reacts to, the effects it asks for. */

export interface ProfileSummary {
  readonly origin: string;
  readonly serverName: string;
  readonly loginId: string;
  readonly displayName: string;
}

/** What the machine knows beyond the current screen. */
export interface Context {
  readonly policy: Policy;
  readonly profiles: readonly ProfileSummary[];
}

/** A code that parsed and passed policy: where it points and its text. */
export interface ParsedDeployment {
  readonly origin: string;
  readonly codeText: string;
}

/** A redeemed deployment, held in memory until sign-in succeeds (so Decline leaves nothing behind). */
export interface PendingDeployment {
  readonly config: DeploymentConfig;
  readonly importFrom: string | null;
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
      readonly kind: 'confirmServer';
      readonly deployment: ParsedDeployment;
      readonly error: KeywayErrorShape | null;
      readonly returnTo: Screen;
    }
  | { readonly kind: 'redeeming'; readonly deployment: ParsedDeployment; readonly returnTo: Screen }
  | { readonly kind: 'importProfile'; readonly pending: PendingDeployment }
  | { readonly kind: 'license'; readonly pending: PendingDeployment }
  | { readonly kind: 'licenseUpdate'; readonly home: HomeInfo; readonly license: License }
  | {
      readonly kind: 'password';
      readonly target: ProfileSummary;
      readonly pending: PendingDeployment | null;
      readonly error: KeywayErrorShape | null;
    }
  | { readonly kind: 'signingIn'; readonly target: ProfileSummary; readonly pending: PendingDeployment | null }
  | { readonly kind: 'resuming'; readonly target: ProfileSummary }
  | { readonly kind: 'resumeFailed'; readonly target: ProfileSummary; readonly error: KeywayErrorShape }
  | { readonly kind: 'home'; readonly home: HomeInfo; readonly notice: KeywayErrorShape | null }
  | { readonly kind: 'signingOut'; readonly home: HomeInfo; readonly forget: boolean };

export interface OnboardingState {
  readonly context: Context;
  readonly screen: Screen;
}

export type OnboardingEvent =
  // From the service
  | { readonly type: 'started'; readonly profiles: readonly ProfileSummary[]; readonly resume: ProfileSummary | null }
  | { readonly type: 'startFailed'; readonly error: KeywayErrorShape }
  | { readonly type: 'redeem.succeeded'; readonly config: DeploymentConfig }
  | { readonly type: 'redeem.failed'; readonly error: KeywayErrorShape }
  | {
      readonly type: 'signIn.succeeded';
      readonly home: HomeInfo;
      readonly profiles: readonly ProfileSummary[];
      readonly notice: KeywayErrorShape | null;
      /** Set when the server's license is newer than the one this user accepted. */
      readonly licenseUpdate: License | null;
    }
  | { readonly type: 'signIn.failed'; readonly error: KeywayErrorShape }
  /** `error` is null when there simply was no stored session (the user had signed out). */
  | { readonly type: 'resume.failed'; readonly error: KeywayErrorShape | null; readonly sessionEnded: boolean }
  | { readonly type: 'signedOut'; readonly profiles: readonly ProfileSummary[]; readonly forgot: boolean }
  | { readonly type: 'profiles.changed'; readonly profiles: readonly ProfileSummary[] }
  // From the OS
  | { readonly type: 'deepLink.opened'; readonly url: string }
  // From the user
  | { readonly type: 'welcome.inputChanged'; readonly text: string }
  | { readonly type: 'welcome.applied' }
  | { readonly type: 'server.confirmed' }
  | { readonly type: 'server.cancelled' }
  | { readonly type: 'import.chosen'; readonly from: string | null }
  | { readonly type: 'license.accepted' }
  | { readonly type: 'license.declined' }
  | { readonly type: 'password.submitted'; readonly password: string }
  | { readonly type: 'password.back' }
  | { readonly type: 'resume.retry' }
  | { readonly type: 'home.signOut' }
  | { readonly type: 'home.forget' };

/** I/O the service performs after a transition; results come back as events. */
export type OnboardingEffect =
  | { readonly type: 'redeem'; readonly deployment: ParsedDeployment }
  | {
      readonly type: 'signIn';
      readonly target: ProfileSummary;
      readonly password: string;
      readonly pending: PendingDeployment | null;
    }
  | { readonly type: 'resume'; readonly target: ProfileSummary }
  | { readonly type: 'acceptLicense'; readonly origin: string; readonly version: string }
  | { readonly type: 'signOut'; readonly origin: string; readonly forget: boolean };

export interface Step {
  readonly state: OnboardingState;
  readonly effects: readonly OnboardingEffect[];
}
