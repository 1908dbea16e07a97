import type { KeywayErrorShape } from '../../../../protocol/errors';
import type { MfaRequired } from '../../../../protocol/mfa';
import { welcome } from '../deployment/step';
import { afterSignIn, signedIn, type SignInSucceeded } from '../home/step';
import { enterMfa } from '../mfa/step';
import {
  canRequestReset,
  forgotPasswordView,
  onPasswordReset,
  type PasswordResetRequest,
} from '../password-reset/step';
import { backFrom } from '../path';
import type { OnboardingState, PendingProfile, ProfileSummary, SignedIn, Step } from '../states';
import { go, hostOf, never, type EffectResults, type StepDefinition } from '../step';

/**
 * The password page (a new profile at the end of its path, or a known password profile signing in
 * again) and the sign-in under way. The server may answer with a second-factor challenge (mfa/).
 */

export interface PasswordScreen {
  readonly kind: 'password';
  readonly target: ProfileSummary;
  readonly pending: PendingProfile | null;
  readonly error: KeywayErrorShape | null;
  /** "Forgot your password?" was pressed: the request, then the e-mail sent (password-reset/). */
  readonly reset?: PasswordResetRequest | null;
}
export interface SigningInScreen {
  readonly kind: 'signingIn';
  readonly target: ProfileSummary;
  readonly pending: PendingProfile | null;
}

export interface PasswordEffect {
  readonly type: 'signIn';
  readonly target: ProfileSummary;
  readonly password: string;
  readonly pending: PendingProfile | null;
}

/** What the server answered a password: a session, or a second factor to ask for. */
export type PasswordOutcome = SignedIn | { readonly mfa: MfaRequired };

export const passwordPage = (
  target: ProfileSummary,
  pending: PendingProfile | null,
  error: KeywayErrorShape | null,
): PasswordScreen => ({ kind: 'password', target, pending, error });

export function enterPassword(state: OnboardingState, target: ProfileSummary, pending: PendingProfile): Step {
  return go(state, passwordPage(target, pending, null));
}

export const passwordStep: StepDefinition<PasswordScreen> = {
  on: (state, screen, event) => {
    if (event.type === 'password.submitted') {
      if (event.password.length === 0)
        return go(state, { ...screen, error: { code: 'invalid_input', message: 'Enter your password.' } });
      const { target, pending } = screen;
      return go(
        state,
        { kind: 'signingIn', target, pending },
        { type: 'signIn', target, password: event.password, pending },
      );
    }
    if (event.type === 'back.pressed') return go(state, screen.pending ? backFrom(screen.pending) : welcome());
    return onPasswordReset(state, screen, event);
  },
  view: (screen, context) => ({
    screen: 'password',
    serverName: screen.target.serverName,
    serverHost: hostOf(screen.target.origin),
    loginId: screen.target.loginId,
    displayName: screen.target.displayName,
    error: screen.error ?? context.notice ?? null,
    ...(canRequestReset(screen) ? { forgotPassword: forgotPasswordView(screen.reset ?? null) } : {}),
  }),
  // A known profile's password page is a resting place; a new profile's is the end of its journey.
  acceptsLinks: (screen) => screen.pending === null,
};

export const signingInStep: StepDefinition<SigningInScreen> = {
  on: (state, screen, event) => {
    if (event.type === 'signIn.succeeded') return afterSignIn(state, event);
    if (event.type === 'mfa.required') return enterMfa(state, screen.target, screen.pending, event.challenge);
    if (event.type === 'signIn.failed') return go(state, passwordPage(screen.target, screen.pending, event.error));
    return null;
  },
  view: (screen) => ({ screen: 'progress', step: 'signingIn', serverHost: hostOf(screen.target.origin) }),
  acceptsLinks: never,
};

/** What a password sign-in becomes: signed in, a second factor to ask for, or refused. */
export type PasswordResultEvent =
  | SignInSucceeded
  | { readonly type: 'mfa.required'; readonly challenge: MfaRequired }
  | { readonly type: 'signIn.failed'; readonly error: KeywayErrorShape };

export const passwordResults: EffectResults<PasswordEffect, { readonly signIn: PasswordOutcome }, PasswordResultEvent> =
  {
    signIn: {
      done: (outcome) => ('mfa' in outcome ? { type: 'mfa.required', challenge: outcome.mfa } : signedIn(outcome)),
      failed: (error) => ({ type: 'signIn.failed', error }),
    },
  };
