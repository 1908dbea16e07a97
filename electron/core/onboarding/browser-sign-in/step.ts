import type { KeywayErrorShape } from '../../../../protocol/errors';
import { afterSignIn, signedIn, type SignInSucceeded } from '../home/step';
import type { DeviceCode, OnboardingState, PendingProfile, ProfileSummary, Screen, SignedIn, Step } from '../states';
import { go, hostOf, never, type EffectResults, type StepDefinition } from '../step';
import { TRY_AGAIN } from '../try-again';

/**
 * Unified login: the user signs in at the identity provider in the system browser (loopback or
 * private-use-scheme redirect), or with a code on another device (RFC 8628). Core waits here.
 */

interface Provider {
  readonly issuer: string;
  readonly clientId: string;
  /** A fresh deployment's enrolment ticket (protocol/api.ts SignInMethod), sent once; never stored. */
  readonly enrolmentTicket?: string | undefined;
}

export interface BrowserSignInScreen {
  readonly kind: 'browserSignIn';
  readonly target: ProfileSummary;
  readonly pending: PendingProfile | null;
  readonly provider: Provider;
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

/**
 * Exported only so that the declaration of machine.ts's EFFECT_RESULTS (whose type is inferred from
 * this folder's effects) can name it; nothing imports it.
 * @public
 */
export interface BrowserFlow {
  readonly target: ProfileSummary;
  readonly pending: PendingProfile | null;
  readonly provider: Provider;
  /** Sent to the identity provider as `login_hint`. */
  readonly loginHint: string | null;
}

export type BrowserSignInEffect =
  | ({ readonly type: 'oidcSignIn' } & BrowserFlow)
  | ({ readonly type: 'oidcDevice' } & BrowserFlow)
  /** Opens the authorization URL of the flow under way again; reports nothing. */
  | { readonly type: 'oidcReopen' }
  /** Aborts the flow under way; reports nothing (its own failure is then stale). */
  | { readonly type: 'oidcCancel' };

/** The flow this screen runs, as its effects carry it. */
const flowOf = ({ target, pending, provider, loginHint }: BrowserSignInScreen): BrowserFlow => ({
  target,
  pending,
  provider,
  loginHint,
});

export function enterBrowserSignIn(
  state: OnboardingState,
  target: ProfileSummary,
  pending: PendingProfile,
  signIn: Provider,
  returnTo: Screen,
): Step {
  const screen: BrowserSignInScreen = {
    kind: 'browserSignIn',
    target,
    pending,
    provider: { issuer: signIn.issuer, clientId: signIn.clientId, enrolmentTicket: signIn.enrolmentTicket },
    loginHint: pending.loginHint,
    opened: false,
    mode: 'redirect',
    device: null,
    error: null,
    returnTo,
  };
  return go(state, screen, { type: 'oidcSignIn', ...flowOf(screen) });
}

export const browserSignInStep: StepDefinition<BrowserSignInScreen> = {
  on: (state, screen, event) => {
    if (event.type === 'oidc.opened') return go(state, { ...screen, opened: true });
    if (event.type === 'oidc.deviceCodeIssued') return go(state, { ...screen, device: event.code });
    if (event.type === 'deviceCode.chosen' && screen.mode === 'redirect' && screen.error === null) {
      // The redirect-based attempt is abandoned: the screen now waits for the device code only, so
      // its "cancelled" result is stale and dropped (journey.ts).
      return go(
        state,
        { ...screen, mode: 'device', opened: false },
        { type: 'oidcCancel' },
        { type: 'oidcDevice', ...flowOf(screen) },
      );
    }
    if (event.type === 'browser.reopenRequested' && screen.opened && screen.error === null)
      return { state, effects: [{ type: 'oidcReopen' }] };
    if (event.type === 'signIn.succeeded') return afterSignIn(state, event);
    if (event.type === 'signIn.failed') return go(state, { ...screen, opened: false, error: event.error });
    if (event.type === 'retry.pressed' && screen.error !== null && TRY_AGAIN.browserSignIn(screen.error)) {
      return go(
        state,
        { ...screen, opened: false, mode: 'redirect', device: null, error: null },
        { type: 'oidcSignIn', ...flowOf(screen) },
      );
    }
    if (event.type === 'cancel.pressed') {
      // Cancel while waiting aborts the listener; the flow's failure is then stale (journey.ts).
      return screen.error === null ? go(state, screen.returnTo, { type: 'oidcCancel' }) : go(state, screen.returnTo);
    }
    return null;
  },
  view: (screen) => ({
    screen: 'browserSignIn',
    serverHost: hostOf(screen.target.origin),
    identityProviderHost: hostOf(screen.provider.issuer),
    loginId: screen.target.loginId,
    opened: screen.opened,
    device: screen.mode === 'device' ? screen.device : null,
    error: screen.error,
  }),
  acceptsLinks: never,
};

const signInResult = {
  done: (outcome: SignedIn) => signedIn(outcome),
  failed: (error: KeywayErrorShape) => ({ type: 'signIn.failed', error }) as const,
};

/** What a browser sign-in reports while it waits: the browser opened, or the device code to show. */
export type BrowserProgress =
  { readonly kind: 'browserOpened' } | { readonly kind: 'deviceCode'; readonly code: DeviceCode };

/** What a browser sign-in becomes, and what it reports while the user is in the browser. */
export type BrowserSignInResultEvent =
  | SignInSucceeded
  | { readonly type: 'signIn.failed'; readonly error: KeywayErrorShape }
  | { readonly type: 'oidc.opened' }
  | { readonly type: 'oidc.deviceCodeIssued'; readonly code: DeviceCode };

const signInProgress = (report: BrowserProgress): BrowserSignInResultEvent =>
  report.kind === 'browserOpened' ? { type: 'oidc.opened' } : { type: 'oidc.deviceCodeIssued', code: report.code };

export const browserSignInResults: EffectResults<
  BrowserSignInEffect,
  {
    readonly oidcSignIn: SignedIn;
    readonly oidcDevice: SignedIn;
    readonly oidcReopen: null;
    readonly oidcCancel: null;
  },
  BrowserSignInResultEvent,
  { readonly oidcSignIn: BrowserProgress; readonly oidcDevice: BrowserProgress }
> = {
  oidcSignIn: { ...signInResult, progress: signInProgress },
  oidcDevice: { ...signInResult, progress: signInProgress },
  oidcReopen: { done: () => null, failed: () => null },
  oidcCancel: { done: () => null, failed: () => null },
};
