import { parseDeploymentInput } from '../../../protocol/deployment-link';
import { KeywayError, type KeywayErrorShape } from '../../../protocol/errors';
import { assertServerAllowed } from '../policy';
import type {
  Context,
  OnboardingEffect,
  OnboardingEvent,
  OnboardingState,
  ProfileSummary,
  Screen,
  Step,
} from './states';

/**
 * The onboarding flow as one explicit machine: a pure `transition(state, event)` over discriminated
 * unions, checked for exhaustiveness by the compiler. Transitions do no I/O; work for the outside
 * world is returned as effects, and their results come back as events. Reading this file tells you
 * every path a user can take; an event a state does not expect leaves it unchanged.
 */

export type { OnboardingEvent, OnboardingState } from './states';

export function initialState(context: Context): OnboardingState {
  return { context, screen: { kind: 'starting' } };
}

export function transition(state: OnboardingState, event: OnboardingEvent): Step {
  const { screen, context } = state;
  const go = (next: Screen, ...effects: OnboardingEffect[]): Step => ({ state: { context, screen: next }, effects });
  const stay: Step = { state, effects: [] };

  // A deep link is welcome whenever the user is not waiting on the network.
  if (event.type === 'deepLink.opened') {
    return isIdle(screen) ? startDeployment(state, event.url, screen) : stay;
  }

  if (event.type === 'profiles.changed')
    return { state: { context: { ...context, profiles: event.profiles }, screen }, effects: [] };

  switch (screen.kind) {
    case 'starting':
      if (event.type === 'started') {
        const next: OnboardingState = { context: { ...context, profiles: event.profiles }, screen: welcome() };
        if (event.resume === null) return { state: next, effects: [] };
        return {
          state: { ...next, screen: { kind: 'resuming', target: event.resume } },
          effects: [{ type: 'resume', target: event.resume }],
        };
      }
      if (event.type === 'startFailed') return go(welcome('', event.error));
      return stay;

    case 'welcome':
      if (event.type === 'welcome.inputChanged') return go(welcome(event.text));
      if (event.type === 'welcome.applied') return startDeployment(state, screen.input, screen);
      return stay;

    case 'confirmServer':
      if (event.type === 'server.confirmed') {
        return go(
          { kind: 'redeeming', deployment: screen.deployment, returnTo: screen.returnTo },
          { type: 'redeem', deployment: screen.deployment },
        );
      }
      if (event.type === 'server.cancelled') return go(screen.returnTo);
      return stay;

    case 'redeeming':
      if (event.type === 'redeem.succeeded') {
        const pending = { config: event.config, importFrom: null };
        const offerImport = context.profiles.length > 0 && context.policy.disableImport !== true;
        return go(offerImport ? { kind: 'importProfile', pending } : { kind: 'license', pending });
      }
      if (event.type === 'redeem.failed') {
        // A dead code cannot be retried: back to the paste field. A network failure can: stay on Confirm.
        if (event.error.code.startsWith('deployment_') || event.error.code.startsWith('code_')) {
          return go(welcome(screen.deployment.codeText, event.error));
        }
        return go({
          kind: 'confirmServer',
          deployment: screen.deployment,
          error: event.error,
          returnTo: screen.returnTo,
        });
      }
      return stay;

    case 'importProfile':
      if (event.type === 'import.chosen') {
        const known = event.from === null || context.profiles.some((p) => p.origin === event.from);
        return known ? go({ kind: 'license', pending: { ...screen.pending, importFrom: event.from } }) : stay;
      }
      return stay;

    case 'license':
      if (event.type === 'license.accepted') {
        return go({ kind: 'password', target: targetOf(screen.pending.config), pending: screen.pending, error: null });
      }
      // Nothing was saved yet, so declining leaves nothing behind.
      if (event.type === 'license.declined') return go(welcome());
      return stay;

    case 'licenseUpdate':
      if (event.type === 'license.accepted') {
        return go(
          { kind: 'home', home: screen.home, notice: null },
          { type: 'acceptLicense', origin: screen.home.origin, version: screen.license.version },
        );
      }
      if (event.type === 'license.declined') {
        return go(
          { kind: 'signingOut', home: screen.home, forget: false },
          { type: 'signOut', origin: screen.home.origin, forget: false },
        );
      }
      return stay;

    case 'password':
      if (event.type === 'password.submitted') {
        if (event.password.length === 0)
          return go({ ...screen, error: { code: 'invalid_input', message: 'Enter your password.' } });
        return go(
          { kind: 'signingIn', target: screen.target, pending: screen.pending },
          { type: 'signIn', target: screen.target, password: event.password, pending: screen.pending },
        );
      }
      if (event.type === 'password.back')
        return go(screen.pending ? { kind: 'license', pending: screen.pending } : welcome());
      return stay;

    case 'signingIn':
      if (event.type === 'signIn.succeeded') return afterSignIn(state, event);
      if (event.type === 'signIn.failed')
        return go({ kind: 'password', target: screen.target, pending: screen.pending, error: event.error });
      return stay;

    case 'resuming':
      if (event.type === 'signIn.succeeded') return afterSignIn(state, event);
      if (event.type === 'resume.failed') {
        // An ended session needs the password again, with the login ID kept; anything else may pass.
        return go(
          event.sessionEnded || event.error === null
            ? { kind: 'password', target: screen.target, pending: null, error: event.error }
            : { kind: 'resumeFailed', target: screen.target, error: event.error },
        );
      }
      return stay;

    case 'resumeFailed':
      if (event.type === 'resume.retry')
        return go({ kind: 'resuming', target: screen.target }, { type: 'resume', target: screen.target });
      if (event.type === 'password.back')
        return go({ kind: 'password', target: screen.target, pending: null, error: null });
      return stay;

    case 'home':
      if (event.type === 'home.signOut' || event.type === 'home.forget') {
        const forget = event.type === 'home.forget';
        return go(
          { kind: 'signingOut', home: screen.home, forget },
          { type: 'signOut', origin: screen.home.origin, forget },
        );
      }
      return stay;

    case 'signingOut':
      if (event.type === 'signedOut') {
        const next: Context = { ...context, profiles: event.profiles };
        const target = event.forgot ? undefined : event.profiles.find((p) => p.origin === screen.home.origin);
        return {
          state: {
            context: next,
            screen: target ? { kind: 'password', target, pending: null, error: null } : welcome(),
          },
          effects: [],
        };
      }
      return stay;

    default:
      return assertNever(screen);
  }
}

function afterSignIn(state: OnboardingState, event: Extract<OnboardingEvent, { type: 'signIn.succeeded' }>): Step {
  const context = { ...state.context, profiles: event.profiles };
  const screen: Screen = event.licenseUpdate
    ? { kind: 'licenseUpdate', home: event.home, license: event.licenseUpdate }
    : { kind: 'home', home: event.home, notice: event.notice };
  return { state: { context, screen }, effects: [] };
}

/** Parses pasted text or a deep link, applies policy, and moves to Confirm server (or straight on). */
function startDeployment(state: OnboardingState, input: string, from: Screen): Step {
  const returnTo = from.kind === 'welcome' ? welcome() : from;
  try {
    const code = parseDeploymentInput(input);
    assertServerAllowed(code.origin, state.context.policy);
    const deployment = { origin: code.origin, codeText: code.text };
    // Only a server this machine has never trusted needs the user's explicit yes.
    if (state.context.profiles.some((p) => p.origin === code.origin)) {
      return {
        state: { ...state, screen: { kind: 'redeeming', deployment, returnTo } },
        effects: [{ type: 'redeem', deployment }],
      };
    }
    return { state: { ...state, screen: { kind: 'confirmServer', deployment, error: null, returnTo } }, effects: [] };
  } catch (error) {
    return { state: { ...state, screen: welcome(input, toShape(error)) }, effects: [] };
  }
}

function targetOf(config: {
  server: { origin: string; name: string };
  user: { loginId: string; displayName: string };
}): ProfileSummary {
  return {
    origin: config.server.origin,
    serverName: config.server.name,
    loginId: config.user.loginId,
    displayName: config.user.displayName,
  };
}

const welcome = (input = '', error: KeywayErrorShape | null = null): Screen => ({ kind: 'welcome', input, error });

export function isIdle(screen: Screen): boolean {
  return !['starting', 'redeeming', 'signingIn', 'resuming', 'signingOut'].includes(screen.kind);
}

export function toShape(error: unknown): KeywayErrorShape {
  if (error instanceof KeywayError) return error.toShape();
  return { code: 'internal', message: 'Something went wrong inside Keyway. Please try again.' };
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
