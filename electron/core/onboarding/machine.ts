import { parseDeploymentInput } from '../../../protocol/deployment-link';
import { KeywayError, type KeywayErrorShape } from '../../../protocol/errors';
import { assertServerAllowed } from '../policy';
import { enterMfa, onMfa } from './mfa-step';
import { onOtp, openOtp } from './otp-step';
import { onPasswordReset } from './password-reset-step';
import { onSecurity, openSecurity } from './security-step';
import { afterDiscovery, backFrom, fromDeployment, parseManualServer, proceedToSignIn, withError } from './routes';
import type { Context, OnboardingEffect, OnboardingEvent, OnboardingState, Screen, Step } from './states';

/**
 * The onboarding flow as one explicit machine: a pure `transition(state, event)` over discriminated
 * unions, checked for exhaustiveness by the compiler. Transitions do no I/O; work for the outside
 * world is returned as effects, and their results come back as events. Reading this file (and
 * routes.ts, which decides where a sign-in goes next) tells you every path a user can take; an event
 * a state does not expect leaves it unchanged.
 */

export type { OnboardingEvent, OnboardingState } from './states';

export function initialState(context: Context): OnboardingState {
  return { context, screen: { kind: 'starting' } };
}

export function transition(state: OnboardingState, event: OnboardingEvent): Step {
  return dropNoticeOnLeave(state, route(state, event));
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
  const go = (next: Screen, ...effects: OnboardingEffect[]): Step => ({ state: { context, screen: next }, effects });
  const stay: Step = { state, effects: [] };

  // A deep link is welcome whenever the user is not waiting on the network.
  if (event.type === 'deepLink.opened') return isIdle(screen) ? startDeployment(state, event.url, screen) : stay;
  // Like a link that fails to parse, but its text is not kept: it could not even be shown.
  if (event.type === 'deepLink.refused') return isIdle(screen) ? go(welcome('', event.error)) : stay;
  if (event.type === 'profiles.changed')
    return { state: { context: { ...context, profiles: event.profiles }, screen }, effects: [] };
  // The hidden Manual Login (three taps on the logo, or the shortcut) opens from Welcome only.
  if (event.type === 'manualLogin.opened') {
    if (screen.kind !== 'welcome') return stay;
    if (context.policy.disableManualLogin === true) {
      return go({
        ...screen,
        error: { code: 'manual_login_disabled', message: 'Manual login is turned off by your organization’s policy.' },
      });
    }
    return go({ kind: 'manualLogin', host: '', loginId: '', error: null });
  }

  switch (screen.kind) {
    case 'starting':
      if (event.type === 'started') {
        const next: OnboardingState = {
          context: { ...context, profiles: event.profiles, notice: event.notice ?? null },
          screen: firstScreen(context),
        };
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

    case 'manualLogin':
      if (event.type === 'manualLogin.changed')
        return go({ ...screen, host: event.host, loginId: event.loginId, error: null });
      if (event.type === 'cancel') return go(welcome());
      if (event.type === 'next') {
        try {
          const origin = parseManualServer(screen.host);
          assertServerAllowed(origin, context.policy);
          const loginId = requireLoginId(screen.loginId);
          return go(
            { kind: 'discovering', origin, loginId, returnTo: { ...screen, error: null } },
            { type: 'discover', origin, loginId },
          );
        } catch (error) {
          return go({ ...screen, error: toShape(error) });
        }
      }
      return stay;

    case 'loginId':
      if (event.type === 'loginId.changed') return go({ ...screen, loginId: event.loginId, error: null });
      if (event.type === 'cancel' && screen.canGoBack) return go(welcome());
      if (event.type === 'next') {
        try {
          const loginId = requireLoginId(screen.loginId);
          return go(
            { kind: 'discovering', origin: screen.origin, loginId, returnTo: { ...screen, error: null } },
            { type: 'discover', origin: screen.origin, loginId },
          );
        } catch (error) {
          return go({ ...screen, error: toShape(error) });
        }
      }
      return stay;

    case 'discovering':
      if (event.type === 'discovery.succeeded') return afterDiscovery(state, screen, event.response);
      if (event.type === 'discovery.failed') return go(withError(screen.returnTo, event.error));
      return stay;

    case 'confirmServer':
      if (event.type === 'server.confirmed') {
        return go(
          { kind: 'redeeming', deployment: screen.deployment, returnTo: screen.returnTo },
          { type: 'redeem', deployment: screen.deployment },
        );
      }
      if (event.type === 'cancel') return go(screen.returnTo);
      return stay;

    case 'redeeming':
      if (event.type === 'redeem.succeeded') return fromDeployment(state, event.config);
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
      if (event.type === 'license.accepted') return proceedToSignIn(state, screen.pending);
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
      if (event.type === 'back') return go(screen.pending ? backFrom(screen.pending) : welcome());
      return onPasswordReset(state, screen, event) ?? stay;

    case 'signingIn':
      if (event.type === 'signIn.succeeded') return afterSignIn(state, event);
      if (event.type === 'mfa.required') return enterMfa(state, screen.target, screen.pending, event.challenge);
      if (event.type === 'signIn.failed')
        return go({ kind: 'password', target: screen.target, pending: screen.pending, error: event.error });
      return stay;

    case 'mfa':
      if (event.type === 'signIn.succeeded') return afterSignIn(state, event);
      return onMfa(state, screen, event) ?? stay;

    case 'browserSignIn':
      if (event.type === 'oidc.opened') return go({ ...screen, opened: true });
      if (event.type === 'oidc.device') return go({ ...screen, device: event.code });
      if (event.type === 'oidc.useDevice' && screen.mode === 'redirect' && screen.error === null) {
        const { target, pending, provider, loginHint } = screen;
        // The redirect-based attempt is abandoned: the screen now waits for the device code only, so
        // its "cancelled" result is stale and dropped (journey.ts).
        return go(
          { ...screen, mode: 'device', opened: false },
          { type: 'oidcCancel' },
          { type: 'oidcDevice', target, pending, provider, loginHint },
        );
      }
      if (event.type === 'oidc.reopen' && screen.opened && screen.error === null) {
        return { state, effects: [{ type: 'oidcReopen' }] };
      }
      if (event.type === 'signIn.succeeded') return afterSignIn(state, event);
      // The abandoned redirect attempt's "cancelled" never gets here: it is a stale result (journey.ts).
      if (event.type === 'signIn.failed') return go({ ...screen, opened: false, error: event.error });
      if (event.type === 'retry' && screen.error !== null) {
        const { target, pending, provider, loginHint } = screen;
        return go(
          { ...screen, opened: false, mode: 'redirect', device: null, error: null },
          { type: 'oidcSignIn', target, pending, provider, loginHint },
        );
      }
      if (event.type === 'cancel') {
        // Cancel while waiting aborts the listener; the flow's failure event then finds us elsewhere.
        return go(screen.returnTo, ...(screen.error === null ? [{ type: 'oidcCancel' } as const] : []));
      }
      return stay;

    case 'resuming':
      if (event.type === 'signIn.succeeded') return afterSignIn(state, event);
      if (event.type === 'resume.failed') {
        // An ended session needs signing in again, with the login ID kept; anything else may pass.
        if (!event.sessionEnded && event.error !== null)
          return go({ kind: 'resumeFailed', target: screen.target, error: event.error });
        return go(signInAgain(screen.target, event.error));
      }
      return stay;

    case 'resumeFailed':
      if (event.type === 'retry')
        return go({ kind: 'resuming', target: screen.target }, { type: 'resume', target: screen.target });
      if (event.type === 'back') return go(signInAgain(screen.target, null));
      return stay;

    case 'home':
      if (event.type === 'home.security') return openSecurity(state, screen.home);
      // One-time passwords come from the Keyway server's API: password profiles only, like the security page.
      if (
        event.type === 'home.otp' &&
        context.profiles.find((p) => p.origin === screen.home.origin)?.method === 'password'
      )
        return openOtp(state, screen.home);
      // The keychain refused the session at sign-in; once it is unlocked (or back), store it.
      if (event.type === 'retry' && canRetrySave(screen.notice))
        return go({ ...screen }, { type: 'saveSession', origin: screen.home.origin });
      if (event.type === 'session.saved') return go({ ...screen, notice: null });
      if (event.type === 'session.saveFailed') return go({ ...screen, notice: event.error });
      if (event.type === 'home.signOut' || event.type === 'home.forget') {
        const forget = event.type === 'home.forget';
        return go(
          { kind: 'signingOut', home: screen.home, forget },
          { type: 'signOut', origin: screen.home.origin, forget },
        );
      }
      return stay;

    case 'security':
      return onSecurity(state, screen, event) ?? stay;

    case 'oneTimePassword':
      return onOtp(state, screen, event) ?? stay;

    case 'signingOut':
      if (event.type === 'signedOut') {
        const next: Context = { ...context, profiles: event.profiles };
        const target = event.forgot ? undefined : event.profiles.find((p) => p.origin === screen.home.origin);
        return {
          state: { context: next, screen: target ? signInAgain(target, null) : firstScreen(next) },
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

/** Where a known profile signs in again: its password page, or (unified login) its login-ID page. */
function signInAgain(target: Extract<Screen, { kind: 'resuming' }>['target'], error: KeywayErrorShape | null): Screen {
  if (target.method === 'oidc') {
    return {
      kind: 'loginId',
      origin: target.origin,
      serverName: target.serverName,
      loginId: target.loginId,
      error,
      canGoBack: true,
    };
  }
  return { kind: 'password', target, pending: null, error };
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

/** Welcome, or the login-ID page of the server IT preset by policy. */
export function firstScreen(context: Context): Screen {
  const preset = context.policy.presetServer;
  if (preset) return { kind: 'loginId', origin: preset, serverName: null, loginId: '', error: null, canGoBack: false };
  return welcome();
}

function requireLoginId(text: string): string {
  const loginId = text.trim();
  if (loginId === '' || /\s/.test(loginId) || loginId.length > 254) {
    throw new KeywayError('invalid_input', 'Enter your e-mail address or login ID (for example ana@example.com).');
  }
  return loginId;
}

export const welcome = (input = '', error: KeywayErrorShape | null = null): Screen => ({
  kind: 'welcome',
  input,
  error,
});

/** True when Home's notice is the keychain refusing the session, which "Try again" can fix. */
export function canRetrySave(notice: KeywayErrorShape | null): boolean {
  return notice !== null && (notice.code === 'keychain_locked' || notice.code === 'keychain_unavailable');
}

export function isIdle(screen: Screen): boolean {
  return !['starting', 'redeeming', 'discovering', 'signingIn', 'resuming', 'signingOut', 'browserSignIn'].includes(
    screen.kind,
  );
}

export function toShape(error: unknown): KeywayErrorShape {
  if (error instanceof KeywayError) return error.toShape();
  return { code: 'internal', message: 'Something went wrong inside Keyway. Please try again.' };
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
