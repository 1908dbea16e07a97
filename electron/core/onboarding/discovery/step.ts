import type { DiscoveryResponse } from '../../../../protocol/api';
import { KeywayError, type KeywayErrorShape } from '../../../../protocol/errors';
import { isLoopbackHost, parseServerOrigin } from '../../../../protocol/server-origin';
import { assertServerAllowed } from '../../policy';
import { newProfile, unifiedLoginRequired } from '../path';
import type { OnboardingState, PendingProfile, Screen, Step } from '../states';
import { always, go, hostOf, never, toShape, type EffectResults, type StepDefinition } from '../step';

/**
 * Manual Login (hidden: three taps on the logo) and the login-ID page (a server preset by policy, or a
 * known unified-login profile signing in again) → home-realm discovery → the new-profile path (path.ts),
 * or straight to sign-in for a known server whose license the user accepted.
 */

export interface ManualLoginScreen {
  readonly kind: 'manualLogin';
  readonly host: string;
  readonly loginId: string;
  readonly error: KeywayErrorShape | null;
}
export interface LoginIdScreen {
  readonly kind: 'loginId';
  readonly origin: string;
  readonly serverName: string | null;
  readonly loginId: string;
  readonly error: KeywayErrorShape | null;
  /** False when there is nowhere to go back to (a server preset by policy). */
  readonly canGoBack: boolean;
}
export interface DiscoveringScreen {
  readonly kind: 'discovering';
  readonly origin: string;
  readonly loginId: string;
  readonly returnTo: Screen;
}

export interface DiscoveryEffect {
  readonly type: 'discover';
  readonly origin: string;
  readonly loginId: string;
}

/** The host the user typed on Manual Login: a bare host means https; an explicit URL is checked. */
function parseManualServer(text: string): string {
  const host = text.trim();
  if (host === '')
    throw new KeywayError('invalid_input', 'Enter the server’s host name, for example keyway.example.com.');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) return parseServerOrigin(host);
  // A bare host means https, except this computer (development), which serves plain http.
  const bareHost = host.replace(/:\d+$/, '').toLowerCase();
  return parseServerOrigin(`${isLoopbackHost(bareHost) ? 'http' : 'https'}://${host}`);
}

function requireLoginId(text: string): string {
  const loginId = text.trim();
  if (loginId === '' || /\s/.test(loginId) || loginId.length > 254) {
    throw new KeywayError('invalid_input', 'Enter your e-mail address or login ID (for example ana@example.com).');
  }
  return loginId;
}

/** Puts an error on the screens that show one; other screens are returned as they are. */
function withError(screen: Screen, error: KeywayErrorShape): Screen {
  return screen.kind === 'loginId' || screen.kind === 'manualLogin' || screen.kind === 'welcome'
    ? { ...screen, error }
    : screen;
}

/** The login-ID page of a server: preset by policy (no Back), or a unified-login profile signing in again. */
export function loginIdPage(
  origin: string,
  serverName: string | null,
  loginId: string,
  error: KeywayErrorShape | null,
  canGoBack: boolean,
): LoginIdScreen {
  return { kind: 'loginId', origin, serverName, loginId, error, canGoBack };
}

/** Runs discovery for the login ID typed on `screen`; an invalid entry stays there with its error. */
function discover(state: OnboardingState, screen: ManualLoginScreen | LoginIdScreen, origin: () => string): Step {
  try {
    const server = origin();
    const loginId = requireLoginId(screen.loginId);
    return go(
      state,
      { kind: 'discovering', origin: server, loginId, returnTo: { ...screen, error: null } },
      { type: 'discover', origin: server, loginId },
    );
  } catch (error) {
    return go(state, { ...screen, error: toShape(error) });
  }
}

function afterDiscovery(state: OnboardingState, discovering: DiscoveringScreen, response: DiscoveryResponse): Step {
  const { context } = state;
  if (context.policy.forceUnifiedLogin === true && response.signIn.method === 'password') {
    return go(state, withError(discovering.returnTo, unifiedLoginRequired()));
  }
  const existing = context.profiles.find((p) => p.origin === response.server.origin);
  const pending: PendingProfile = {
    server: response.server,
    loginId: discovering.loginId,
    displayName: existing?.loginId === discovering.loginId ? existing.displayName : discovering.loginId,
    loginHint: discovering.loginId,
    signIn: response.signIn,
    license: response.license,
    features: response.features,
    importFrom: null,
    entry: discovering.returnTo,
  };
  return newProfile(state, pending, {
    known: existing !== undefined,
    licenseAccepted: existing?.acceptedLicenseVersion === response.license.version,
  });
}

export const manualLoginStep: StepDefinition<ManualLoginScreen> = {
  on: (state, screen, event) => {
    if (event.type === 'manualLogin.changed')
      return go(state, { ...screen, host: event.host, loginId: event.loginId, error: null });
    if (event.type === 'cancel.pressed') return go(state, { kind: 'welcome', input: '', error: null });
    if (event.type === 'next.pressed') {
      return discover(state, screen, () => {
        const origin = parseManualServer(screen.host);
        assertServerAllowed(origin, state.context.policy);
        return origin;
      });
    }
    return null;
  },
  view: (screen) => ({ screen: 'manualLogin', host: screen.host, loginId: screen.loginId, error: screen.error }),
  acceptsLinks: always,
};

export const loginIdStep: StepDefinition<LoginIdScreen> = {
  on: (state, screen, event) => {
    if (event.type === 'loginId.changed') return go(state, { ...screen, loginId: event.loginId, error: null });
    if (event.type === 'cancel.pressed' && screen.canGoBack)
      return go(state, { kind: 'welcome', input: '', error: null });
    if (event.type === 'next.pressed') return discover(state, screen, () => screen.origin);
    return null;
  },
  view: (screen, context) => ({
    screen: 'loginId',
    serverName: screen.serverName,
    serverHost: hostOf(screen.origin),
    loginId: screen.loginId,
    canGoBack: screen.canGoBack,
    // The start-up notice shows in the error slot of the screens that have no notice of their own.
    error: screen.error ?? context.notice ?? null,
  }),
  acceptsLinks: always,
};

export const discoveringStep: StepDefinition<DiscoveringScreen> = {
  on: (state, screen, event) => {
    if (event.type === 'discovery.succeeded') return afterDiscovery(state, screen, event.response);
    if (event.type === 'discovery.failed') return go(state, withError(screen.returnTo, event.error));
    return null;
  },
  view: (screen) => ({ screen: 'progress', step: 'discovering', serverHost: hostOf(screen.origin) }),
  acceptsLinks: never,
};

/** What looking up a login ID becomes. */
export type DiscoveryResultEvent =
  | { readonly type: 'discovery.succeeded'; readonly response: DiscoveryResponse }
  | { readonly type: 'discovery.failed'; readonly error: KeywayErrorShape };

export const discoveryResults: EffectResults<
  DiscoveryEffect,
  { readonly discover: DiscoveryResponse },
  DiscoveryResultEvent
> = {
  discover: {
    done: (response) => ({ type: 'discovery.succeeded', response }),
    failed: (error) => ({ type: 'discovery.failed', error }),
  },
};
