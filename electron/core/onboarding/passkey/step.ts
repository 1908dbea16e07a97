import { afterSignIn, signedIn, type SignInSucceeded } from '../home/step';
import { mfaStep, type MfaResultEvent, type MfaScreen } from '../mfa/step';
import { securityStep, type SecurityOutcome, type SecurityResultEvent, type SecurityScreen } from '../security/step';
import type { OnboardingState, PendingProfile, ProfileSummary, SignedIn, Step } from '../states';
import { go, hostOf, never, type EffectResults, type StepDefinition } from '../step';
import type { BrowserProgress } from '../browser-sign-in/step';

/**
 * The passkey browser step (issue 17): Keyway never runs WebAuthn in its own window (why:
 * core/oidc/passkey-return.ts). It opens the server's single-use step page in the system browser and
 * waits here, exactly as unified login waits (browser-sign-in/): Cancel, and "Open the browser again".
 * The result comes back over a loopback listener (or the private-use scheme) with this step's `state`.
 *
 * Two purposes: the second factor during a password sign-in (from the MFA screen; success is the same
 * path as a verified code, remembering the device when asked) and adding a passkey from Sign-in
 * security (success reloads the list). A failure goes back to the screen the step came from, which
 * words it as its own failure (a dead challenge sends the MFA screen back to the password).
 */

export interface PasskeyStepScreen {
  readonly kind: 'passkeyStep';
  /** The screen this step came from: Cancel and failures go back there. */
  readonly from: MfaScreen | SecurityScreen;
  readonly loginId: string;
  readonly origin: string;
  /** False until the step page is known; then "Open the browser again" works. */
  readonly opened: boolean;
}

export type PasskeyEffect =
  | {
      readonly type: 'passkeySignIn';
      readonly target: ProfileSummary;
      readonly pending: PendingProfile | null;
      readonly challengeId: string;
      readonly remember: boolean;
    }
  | { readonly type: 'passkeyAdd'; readonly origin: string; readonly password: string };

/** From the MFA screen: the user chose "Use a passkey". */
export function enterPasskeySignIn(state: OnboardingState, from: MfaScreen, remember: boolean): Step {
  const screen: PasskeyStepScreen = {
    kind: 'passkeyStep',
    from: { ...from, busy: false, error: null },
    loginId: from.target.loginId,
    origin: from.target.origin,
    opened: false,
  };
  return go(state, screen, {
    type: 'passkeySignIn',
    target: from.target,
    pending: from.pending,
    challengeId: from.challenge.challengeId,
    remember,
  });
}

/** From Sign-in security: "Add a passkey" with the password (re-authentication, checked by the server). */
export function enterPasskeyAdd(state: OnboardingState, from: SecurityScreen, password: string): Step {
  const screen: PasskeyStepScreen = {
    kind: 'passkeyStep',
    from: { ...from, busy: false, error: null },
    loginId: from.home.loginId,
    origin: from.home.origin,
    opened: false,
  };
  return go(state, screen, { type: 'passkeyAdd', origin: from.home.origin, password });
}

export const passkeyStep: StepDefinition<PasskeyStepScreen> = {
  on: (state, screen, event) => {
    const { from } = screen;
    switch (event.type) {
      case 'oidc.opened':
        return go(state, { ...screen, opened: true });
      case 'browser.reopenRequested':
        return screen.opened ? { state, effects: [{ type: 'oidcReopen' }] } : null;
      case 'cancel.pressed':
        // Aborts the listener; the step's own "cancelled" failure is then stale (journey.ts) and dropped.
        return go(state, from, { type: 'oidcCancel' });
      case 'signIn.succeeded':
        return from.kind === 'mfa' ? afterSignIn(state, event) : null;
      // The step ended: the screen it came from takes the answer as its own.
      case 'mfa.failed':
        return from.kind === 'mfa' ? mfaStep.on(state, from, event) : null;
      case 'security.loaded':
      case 'security.failed':
        return from.kind === 'security' ? securityStep.on(state, from, event) : null;
      default:
        return null;
    }
  },
  view: (screen) => ({
    screen: 'passkeyStep',
    purpose: screen.from.kind === 'mfa' ? 'signIn' : 'add',
    serverHost: hostOf(screen.origin),
    loginId: screen.loginId,
    opened: screen.opened,
  }),
  // Half-way through a sign-in or a registration: a link waits until the user is back.
  acceptsLinks: never,
};

const opened = (report: BrowserProgress) =>
  report.kind === 'browserOpened' ? ({ type: 'oidc.opened' } as const) : null;

/**
 * What the passkey browser steps become: signed in or a failed second step (sign-in), the reloaded
 * Sign-in security page or its failure (adding one), and the browser having opened.
 */
export type PasskeyResultEvent =
  | SignInSucceeded
  | Extract<MfaResultEvent, { readonly type: 'mfa.failed' }>
  | Extract<SecurityResultEvent, { readonly type: 'security.loaded' | 'security.failed' }>
  | { readonly type: 'oidc.opened' };

export const passkeyResults: EffectResults<
  PasskeyEffect,
  { readonly passkeySignIn: SignedIn; readonly passkeyAdd: SecurityOutcome },
  PasskeyResultEvent,
  { readonly passkeySignIn: BrowserProgress; readonly passkeyAdd: BrowserProgress }
> = {
  passkeySignIn: {
    done: (outcome: SignedIn) => signedIn(outcome),
    failed: (error) => ({ type: 'mfa.failed', error }),
    progress: opened,
  },
  passkeyAdd: {
    done: (outcome: SecurityOutcome) =>
      outcome.kind === 'loaded'
        ? { type: 'security.loaded', overview: outcome.overview, thisDevice: outcome.thisDevice }
        : null,
    failed: (error) => ({ type: 'security.failed', error }),
    progress: opened,
  },
};
