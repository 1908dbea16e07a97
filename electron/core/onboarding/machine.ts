import { browserSignInResults, browserSignInStep } from './browser-sign-in/step';
import { confirmServerStep, deploymentResults, redeemingStep, welcome, welcomeStep } from './deployment/step';
import { discoveringStep, discoveryResults, loginIdStep, manualLoginStep } from './discovery/step';
import { homeResults, homeStep, signingOutStep } from './home/step';
import { kindOfEvent, type LinkEvent } from './links';
import { importStep } from './import/step';
import { licenseResults, licenseStep, licenseUpdateStep } from './license/step';
import { mfaResults, mfaStep } from './mfa/step';
import { otpResults, otpStep } from './otp/step';
import { passkeyResults, passkeyStep } from './passkey/step';
import { passwordResetResults } from './password-reset/step';
import { recoveryCodesStep } from './recovery-codes/step';
import { passwordResults, passwordStep, signingInStep } from './password/step';
import { securityResults, securityStep } from './security/step';
import { resumeFailedStep, resumingStep, startingStep, startResults } from './start/step';
import type { Context, OnboardingEvent, OnboardingState, Step } from './states';
import type { View } from '../../ipc/view';
import { go, type ScreenOf, type StepDefinition } from './step';

/**
 * The onboarding flow as one explicit machine: a pure `transition(state, event)` over discriminated
 * unions, checked for exhaustiveness by the compiler. Transitions do no I/O; work for the outside world
 * is returned as effects, and their results come back as events (journey.ts ties each result to the
 * screen that started its effect). An event a screen does not expect leaves it unchanged.
 *
 * This file is the table of contents; each step lives in its own folder with its screen, transitions,
 * effects (and what their results become), deep-link admission and view:
 *
 *   start/            Starting → (stored session) Resuming → Home | its sign-in page | Resume failed
 *   deployment/       Welcome (paste or deep link) → Confirm server (new server only) → Redeeming
 *   discovery/        Manual Login | login-ID page → Discovering (home-realm discovery)
 *   ── then the new-profile path (path.ts), in order: ──
 *   import/           Import (other profiles exist, policy allows)
 *   license/          License (unless this profile accepted this version) — and License update after sign-in
 *   password/         Password → Signing in → (second factor) mfa/ → Home
 *   browser-sign-in/  the system browser or a device code (unified login) → Home
 *   ── from Home ──
 *   home/             Home; Sign out / Forget this server → Signing out → the profile's sign-in page or Welcome
 *   security/         authenticators and remembered devices
 *   otp/              a one-time password for another service
 *   password-reset/   "Forgot your password?" on the Password page
 *   passkey/          the passkey step in the system browser (from mfa/ or security/)
 *   recovery-codes/   "Save your recovery codes", once, after a first enrolment or "Get new codes"
 *
 * Three events are answered here for every screen: a deep link (by its kind, links.ts), a link refused
 * at the door, and the hidden Manual Login; and `profiles.changed` updates the context wherever the user is.
 */

export type { OnboardingEvent, OnboardingState } from './states';

/**
 * Every screen's step, by the screen's kind: the one line a new screen adds here. The `Screen` union is
 * derived from this table (below).
 */
const STEPS = {
  starting: startingStep,
  resuming: resumingStep,
  resumeFailed: resumeFailedStep,
  welcome: welcomeStep,
  confirmServer: confirmServerStep,
  redeeming: redeemingStep,
  manualLogin: manualLoginStep,
  loginId: loginIdStep,
  discovering: discoveringStep,
  importProfile: importStep,
  license: licenseStep,
  licenseUpdate: licenseUpdateStep,
  password: passwordStep,
  signingIn: signingInStep,
  mfa: mfaStep,
  browserSignIn: browserSignInStep,
  home: homeStep,
  signingOut: signingOutStep,
  security: securityStep,
  oneTimePassword: otpStep,
  passkeyStep: passkeyStep,
  recoveryCodes: recoveryCodesStep,
} as const;

/** Every screen: the union of the screens the steps of STEPS handle. */
export type Screen = ScreenOfStep<(typeof STEPS)[keyof typeof STEPS]>;
/** STEPS, checked: each key is the kind of its step's screen (a step filed under another kind fails here). */
const STEP_OF: { readonly [K in Screen['kind']]: StepDefinition<ScreenOf<K>> } = STEPS;
// Read off `acceptsLinks`'s parameter, not by matching all of StepDefinition, whose other members
// mention the state (and so Screen itself): inferring through them would be circular.
type ScreenOfStep<D> = D extends { readonly acceptsLinks: (screen: infer S) => boolean } ? S : never;

/** What every effect's result becomes, from the step that starts it; the compiler requires one per effect. */
export const EFFECT_RESULTS = {
  ...startResults,
  ...deploymentResults,
  ...discoveryResults,
  ...licenseResults,
  ...passwordResults,
  ...passwordResetResults,
  ...mfaResults,
  ...browserSignInResults,
  ...homeResults,
  ...securityResults,
  ...otpResults,
  ...passkeyResults,
} as const;

type Results = typeof EFFECT_RESULTS;
/** Every effect a step can start: the union of the effects of EFFECT_RESULTS. */
export type OnboardingEffect = { [T in keyof Results]: Parameters<Results[T]['failed']>[1] }[keyof Results];
/** What the effect runner (service.ts) answers for each effect when it succeeds (`null`: nothing to say). */
export type EffectOutcomes = { readonly [T in keyof Results]: Parameters<Results[T]['done']>[0] };
/** What the runner may report while each effect runs (`never`: nothing), turned into events by its step. */
export type EffectProgress = {
  readonly [T in keyof Results]: Results[T] extends { readonly progress: (report: infer R, effect: never) => unknown }
    ? R
    : never;
};

/**
 * Every event an effect's result can become (`done`, `failed`, `progress`), from the result events each
 * step declares beside its table: states.ts puts these in `OnboardingEvent`, so none is listed by hand.
 */
export type EffectResultEvent = {
  [T in keyof Results]: NonNullable<
    | ReturnType<Results[T]['done']>
    | ReturnType<Results[T]['failed']>
    | (Results[T] extends { readonly progress: (...args: never[]) => infer V } ? V : never)
  >;
}[keyof Results];

/** The step of the screen on display (the one place the screen's kind picks its definition). */
function stepOf<K extends Screen['kind']>(screen: ScreenOf<K>): StepDefinition<ScreenOf<K>> {
  return STEP_OF[screen.kind];
}

export function initialState(context: Context): OnboardingState {
  return { context, screen: { kind: 'starting' } };
}

/** The view of a state, by its screen's step (view.ts re-exports it as `toView`). */
export function viewOf(state: OnboardingState): View {
  return stepOf(state.screen).view(state.screen, state.context);
}

export function transition(state: OnboardingState, event: OnboardingEvent): Step {
  return dropNoticeOnLeave(state, route(state, event));
}

/** Whether a deep link may start a new journey from this screen now (each step says; see StepDefinition). */
export function acceptsLinks(screen: Screen): boolean {
  return stepOf(screen).acceptsLinks(screen);
}

/** Whether this link may start on this screen now: a kind Keyway acts on (links.ts), on a screen whose step accepts links. */
export function acceptsLink(screen: Screen, event: LinkEvent): boolean {
  return kindOfEvent(event) !== null && acceptsLinks(screen);
}

/** The screens that show the start-up notice (see Context.notice). */
const SHOWS_NOTICE: ReadonlySet<Screen['kind']> = new Set(['welcome', 'home', 'password', 'loginId']);

/** The start-up notice is said once: on the first screen the user sees, until they leave it. */
function dropNoticeOnLeave(before: OnboardingState, step: Step): Step {
  const after = step.state;
  if (!after.context.notice || !SHOWS_NOTICE.has(before.screen.kind) || after.screen.kind === before.screen.kind)
    return step;
  return { ...step, state: { ...after, context: { ...after.context, notice: null } } };
}

function route(state: OnboardingState, event: OnboardingEvent): Step {
  const { screen, context } = state;
  const stay: Step = { state, effects: [] };

  // A deep link is welcome on the screens that accept it (KeywayCore holds it until then); its kind
  // (links.ts) says what it starts.
  const link = kindOfEvent(event);
  if (link) return acceptsLink(screen, event as LinkEvent) ? link.enter(state, event as LinkEvent, screen) : stay;
  // Like a link that fails to parse, but its text is not kept: it could not even be shown.
  if (event.type === 'deepLink.refused') return acceptsLinks(screen) ? go(state, welcome('', event.error)) : stay;
  if (event.type === 'profiles.changed')
    return { state: { context: { ...context, profiles: event.profiles }, screen }, effects: [] };
  // The hidden Manual Login (three taps on the logo, or the shortcut) opens from Welcome only.
  if (event.type === 'manualLogin.opened') {
    if (screen.kind !== 'welcome') return stay;
    if (context.policy.disableManualLogin === true) {
      return go(state, {
        ...screen,
        error: { code: 'manual_login_disabled', message: 'Manual login is turned off by your organization’s policy.' },
      });
    }
    return go(state, { kind: 'manualLogin', host: '', loginId: '', error: null });
  }
  return stepOf(screen).on(state, screen, event) ?? stay;
}

export { firstScreen } from './start/step';
