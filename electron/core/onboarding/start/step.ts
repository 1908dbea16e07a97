import type { KeywayErrorShape } from '../../../../protocol/errors';
import { welcome } from '../deployment/step';
import { loginIdPage } from '../discovery/step';
import { afterSignIn, signedIn, type SignInSucceeded } from '../home/step';
import { passwordPage } from '../password/step';
import type { Context, ProfileSummary, Screen, SignedIn } from '../states';
import { always, go, hostOf, never, type EffectResults, type StepDefinition } from '../step';
import { TRY_AGAIN } from '../try-again';

/**
 * Start-up: settings are read (the `started` event), then the active profile signs in silently with
 * its stored session (resuming). An ended session goes to its sign-in page; a failure that may pass
 * (network, a locked keychain) offers Try again.
 */

export interface StartingScreen {
  readonly kind: 'starting';
}
export interface ResumingScreen {
  readonly kind: 'resuming';
  readonly target: ProfileSummary;
}
export interface ResumeFailedScreen {
  readonly kind: 'resumeFailed';
  readonly target: ProfileSummary;
  readonly error: KeywayErrorShape;
}

export interface StartEffect {
  readonly type: 'resume';
  readonly target: ProfileSummary;
}

/** What the runner found when resuming: a session, none stored, or a keychain or settings it could not read. */
export type ResumeOutcome =
  | { readonly kind: 'signedIn'; readonly signedIn: SignedIn }
  | { readonly kind: 'noSession' }
  | { readonly kind: 'unreadable'; readonly error: KeywayErrorShape };

/** Welcome, or the login-ID page of the server IT preset by policy. */
export function firstScreen(context: Context): Screen {
  const preset = context.policy.presetServer;
  return preset ? loginIdPage(preset, null, '', null, false) : welcome();
}

/** Where a known profile signs in again: its password page, or (unified login) its login-ID page. */
export function signInAgain(target: ProfileSummary, error: KeywayErrorShape | null): Screen {
  if (target.method === 'oidc') return loginIdPage(target.origin, target.serverName, target.loginId, error, true);
  return passwordPage(target, null, error);
}

const targetView = (target: ProfileSummary) => ({
  serverName: target.serverName,
  serverHost: hostOf(target.origin),
  loginId: target.loginId,
});

export const startingStep: StepDefinition<StartingScreen> = {
  on: (state, _screen, event) => {
    if (event.type === 'started') {
      const context: Context = { ...state.context, profiles: event.profiles, notice: event.notice ?? null };
      if (event.resume === null) return go({ context, screen: state.screen }, firstScreen(context));
      return go(
        { context, screen: state.screen },
        { kind: 'resuming', target: event.resume },
        { type: 'resume', target: event.resume },
      );
    }
    if (event.type === 'start.failed') return go(state, welcome('', event.error));
    return null;
  },
  view: () => ({ screen: 'progress', step: 'starting', serverHost: null }),
  acceptsLinks: never,
};

export const resumingStep: StepDefinition<ResumingScreen> = {
  on: (state, screen, event) => {
    if (event.type === 'signIn.succeeded') return afterSignIn(state, event);
    if (event.type === 'resume.failed') {
      // An ended session needs signing in again, with the login ID kept; anything else may pass.
      if (!event.sessionEnded && event.error !== null)
        return go(state, { kind: 'resumeFailed', target: screen.target, error: event.error });
      return go(state, signInAgain(screen.target, event.error));
    }
    return null;
  },
  view: (screen) => ({ screen: 'progress', step: 'resuming', serverHost: hostOf(screen.target.origin) }),
  acceptsLinks: never,
};

export const resumeFailedStep: StepDefinition<ResumeFailedScreen> = {
  on: (state, screen, event) => {
    if (event.type === 'retry.pressed')
      return go(state, { kind: 'resuming', target: screen.target }, { type: 'resume', target: screen.target });
    if (event.type === 'back.pressed') return go(state, signInAgain(screen.target, null));
    return null;
  },
  view: (screen) => ({ screen: 'resumeFailed', ...targetView(screen.target), error: screen.error }),
  acceptsLinks: always,
};

/** What reading the settings at start (service.ts `start`) becomes. */
export type StartedEvent =
  | {
      readonly type: 'started';
      readonly profiles: readonly ProfileSummary[];
      readonly resume: ProfileSummary | null;
      readonly notice?: KeywayErrorShape | null;
      /** The language the active profile's organisation pushed last time (core picks the UI language with it). */
      readonly organisationLanguage?: string;
    }
  | { readonly type: 'start.failed'; readonly error: KeywayErrorShape };

/** What resuming the last session silently becomes. */
export type StartResultEvent =
  | SignInSucceeded
  | { readonly type: 'resume.failed'; readonly error: KeywayErrorShape | null; readonly sessionEnded: boolean };

export const startResults: EffectResults<StartEffect, { readonly resume: ResumeOutcome }, StartResultEvent> = {
  resume: {
    done: (outcome: ResumeOutcome) => {
      switch (outcome.kind) {
        case 'signedIn':
          return signedIn(outcome.signedIn);
        case 'noSession':
          return { type: 'resume.failed', error: null, sessionEnded: true };
        case 'unreadable':
          // The keychain is locked or away: the session may be fine, so offer Try again, not the password.
          return {
            type: 'resume.failed',
            error: outcome.error,
            sessionEnded: !TRY_AGAIN.readSession(outcome.error),
          };
      }
    },
    failed: (error) => ({ type: 'resume.failed', error, sessionEnded: !TRY_AGAIN.resume(error) }),
  },
};
