import type { KeywayErrorShape } from '../../../../protocol/errors';
import type { License } from '../../../../protocol/api';
import type { UiLanguage } from '../../../ipc/view';
import { changedLicense } from '../license/step';
import { pushedLanguageInForce } from '../../managed-config';
import { managedSettings } from '../managed';
import { openOtp } from '../otp/step';
import { openSecurity } from '../security/step';
import { firstScreen, signInAgain } from '../start/step';
import type { RecoveryCodeList } from '../../../../protocol/mfa';
import { showRecoveryCodes } from '../recovery-codes/step';
import type { Context, HomeInfo, OnboardingState, ProfileSummary, Screen, SignedIn, Step } from '../states';
import { always, go, hostOf, never, type EffectResults, type StepDefinition } from '../step';
import { TRY_AGAIN } from '../try-again';

/**
 * Home, where every sign-in lands (or on the changed license first), and signing out or forgetting the
 * server from it. Home leads to the security page (security/) and one-time passwords (otp/).
 */

export interface HomeScreen {
  readonly kind: 'home';
  readonly home: HomeInfo;
  readonly notice: KeywayErrorShape | null;
  /** Unused recovery codes, when known (after signing in with one, or from Sign-in security). */
  readonly recoveryCodesLeft?: number;
}
export interface SigningOutScreen {
  readonly kind: 'signingOut';
  readonly home: HomeInfo;
  readonly forget: boolean;
}

export type HomeEffect =
  | { readonly type: 'signOut'; readonly origin: string; readonly forget: boolean }
  /** Stores a session the keychain refused earlier (it was locked or unreachable), on "Try again". */
  | { readonly type: 'saveSession'; readonly origin: string };

/** The event every successful sign-in becomes (password, MFA, browser, silent resume). */
export interface SignInSucceeded {
  readonly type: 'signIn.succeeded';
  readonly home: HomeInfo;
  readonly profiles: readonly ProfileSummary[];
  readonly notice: KeywayErrorShape | null;
  /** Set when the server's license is newer than the one this user accepted. */
  readonly licenseUpdate: License | null;
  /** New recovery codes to show once before anything else (a first second factor enrolled at sign-in). */
  readonly recoveryCodes?: RecoveryCodeList;
  readonly recoveryCodesLeft?: number;
}

/** Home warns about running out of recovery codes at this many or fewer. */
const FEW_RECOVERY_CODES = 3;

/** What signing out (or forgetting) and saving a refused session become. */
export type HomeResultEvent =
  | { readonly type: 'signedOut'; readonly profiles: readonly ProfileSummary[]; readonly forgot: boolean }
  /** Signing out or forgetting could not finish (the settings file could not be read or written). */
  | { readonly type: 'signOut.failed' }
  | { readonly type: 'session.saved' }
  | { readonly type: 'session.saveFailed'; readonly error: KeywayErrorShape };

export function signedIn(outcome: SignedIn): SignInSucceeded {
  return {
    type: 'signIn.succeeded',
    home: outcome.home,
    profiles: outcome.profiles,
    notice: outcome.notice,
    licenseUpdate: changedLicense(outcome.license, outcome.acceptedLicenseVersion),
    ...(outcome.recoveryCodes ? { recoveryCodes: outcome.recoveryCodes } : {}),
    ...(outcome.recoveryCodesLeft === undefined ? {} : { recoveryCodesLeft: outcome.recoveryCodesLeft }),
  };
}

/** Where a sign-in lands: Home, or first the server's changed license. */
export function afterSignIn(state: OnboardingState, event: SignInSucceeded): Step {
  const context: Context = { ...state.context, profiles: event.profiles };
  const home: HomeScreen = {
    kind: 'home',
    home: event.home,
    notice: event.notice,
    ...(event.recoveryCodesLeft === undefined ? {} : { recoveryCodesLeft: event.recoveryCodesLeft }),
  };
  // A changed license stands in front of that Home, which it keeps whole (notice, recovery codes left).
  const next: Screen = event.licenseUpdate
    ? { kind: 'licenseUpdate', license: event.licenseUpdate, landing: home }
    : home;
  // New recovery codes come first, once: Continue leads on to `next`.
  if (event.recoveryCodes)
    return showRecoveryCodes({ context, screen: state.screen }, event.home, event.recoveryCodes, next);
  return go({ context, screen: state.screen }, next);
}

/** True when Home's notice is the keychain refusing the session, which "Try again" can fix (try-again.ts). */
function canRetrySave(notice: KeywayErrorShape | null): boolean {
  return notice !== null && TRY_AGAIN.saveSession(notice);
}

const isPasswordProfile = (context: Context, origin: string): boolean =>
  context.profiles.find((p) => p.origin === origin)?.method === 'password';

export const homeStep: StepDefinition<HomeScreen> = {
  on: (state, screen, event) => {
    const { context } = state;
    if (event.type === 'security.opened') return openSecurity(state, screen.home);
    // One-time passwords come from the Keyway server's API: password profiles only, like the security page.
    if (event.type === 'oneTimePassword.opened' && isPasswordProfile(context, screen.home.origin))
      return openOtp(state, screen.home);
    // The keychain refused the session at sign-in; once it is unlocked (or back), store it.
    if (event.type === 'retry.pressed' && canRetrySave(screen.notice))
      return go(state, { ...screen }, { type: 'saveSession', origin: screen.home.origin });
    if (event.type === 'session.saved') return go(state, { ...screen, notice: null });
    if (event.type === 'session.saveFailed') return go(state, { ...screen, notice: event.error });
    if (event.type === 'signOut.requested' || event.type === 'forgetServer.requested') {
      const forget = event.type === 'forgetServer.requested';
      return go(
        state,
        { kind: 'signingOut', home: screen.home, forget },
        { type: 'signOut', origin: screen.home.origin, forget },
      );
    }
    return null;
  },
  view: (screen, context) => ({
    screen: 'home',
    displayName: screen.home.displayName,
    loginId: screen.home.loginId,
    email: screen.home.email,
    serverName: screen.home.serverName,
    serverHost: hostOf(screen.home.origin),
    notice: screen.notice ?? context.notice ?? null,
    ...(canRetrySave(screen.notice) ? { canRetry: true } : {}),
    managed: managedSettings(context.policy),
    canManageSecurity: isPasswordProfile(context, screen.home.origin),
    ...(screen.recoveryCodesLeft !== undefined && screen.recoveryCodesLeft <= FEW_RECOVERY_CODES
      ? { recoveryCodesLeft: screen.recoveryCodesLeft }
      : {}),
    ...organisationView(context, screen.home),
  }),
  acceptsLinks: always,
};

/** The pushed settings Home announces and applies; the machine policy's language wins over a pushed one. */
function organisationView(context: Context, home: HomeInfo): { settingsUpdated?: true; language?: UiLanguage } {
  const organisation = home.organisation;
  if (!organisation) return {};
  const language = pushedLanguageInForce(context.policy, organisation.language ?? undefined);
  return {
    ...(organisation.updated ? { settingsUpdated: true as const } : {}),
    ...(language === null ? {} : { language }),
  };
}

export const signingOutStep: StepDefinition<SigningOutScreen> = {
  on: (state, screen, event) => {
    // Signing out or forgetting failed (the settings file could not be read or written): the profiles
    // are as Keyway last knew them and this one is kept, so the user lands on its sign-in page.
    const outcome =
      event.type === 'signedOut'
        ? event
        : event.type === 'signOut.failed'
          ? { profiles: state.context.profiles, forgot: false }
          : null;
    if (outcome === null) return null;
    const context: Context = { ...state.context, profiles: outcome.profiles };
    const target = outcome.forgot ? undefined : outcome.profiles.find((p) => p.origin === screen.home.origin);
    return go({ context, screen }, target ? signInAgain(target, null) : firstScreen(context));
  },
  view: (screen) => ({
    screen: 'progress',
    step: screen.forget ? 'forgetting' : 'signingOut',
    serverHost: hostOf(screen.home.origin),
  }),
  acceptsLinks: never,
};

export const homeResults: EffectResults<
  HomeEffect,
  {
    readonly signOut: { readonly profiles: readonly ProfileSummary[]; readonly forgot: boolean };
    readonly saveSession: null;
  },
  HomeResultEvent
> = {
  signOut: {
    done: (outcome) => ({ type: 'signedOut', profiles: outcome.profiles, forgot: outcome.forgot }),
    failed: () => ({ type: 'signOut.failed' }),
  },
  saveSession: {
    done: () => ({ type: 'session.saved' }),
    failed: (error) => ({ type: 'session.saveFailed', error }),
  },
};
