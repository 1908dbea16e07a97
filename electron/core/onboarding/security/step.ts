import type { KeywayErrorShape } from '../../../../protocol/errors';
import type { MfaOverview } from '../../../../protocol/mfa';
import type { Enrollment, HomeInfo, OnboardingState, Step } from '../states';
import { enterPasskeyAdd } from '../passkey/step';
import { always, go, hostOf, type EffectResults, type StepDefinition } from '../step';

/**
 * The profile's security page: the user's authenticators and remembered devices. Adding or removing
 * an authenticator needs the password again (re-authentication); forgetting a device does not.
 */

export interface SecurityScreen {
  readonly kind: 'security';
  readonly home: HomeInfo;
  readonly overview: MfaOverview | null;
  /** This device's own trusted-device id, so the list can say "this device". */
  readonly thisDevice: string | null;
  readonly enrolling: (Enrollment & { readonly enrollmentId: string }) | null;
  readonly busy: boolean;
  readonly error: KeywayErrorShape | null;
}

export type SecurityAction =
  | { readonly kind: 'load' }
  | { readonly kind: 'removeDevice'; readonly deviceId: string }
  | { readonly kind: 'removeAuthenticator'; readonly id: string; readonly password: string }
  | { readonly kind: 'add'; readonly password: string }
  | { readonly kind: 'confirm'; readonly enrollmentId: string; readonly code: string }
  | { readonly kind: 'removePasskey'; readonly id: string; readonly password: string };

export interface SecurityEffect {
  readonly type: 'security';
  readonly origin: string;
  readonly action: SecurityAction;
}

/** What the server answered: the page's contents, or an authenticator to enrol. */
export type SecurityOutcome =
  | { readonly kind: 'loaded'; readonly overview: MfaOverview; readonly thisDevice: string | null }
  | { readonly kind: 'enrolling'; readonly enrolling: Enrollment & { readonly enrollmentId: string } };

export function openSecurity(state: OnboardingState, home: HomeInfo): Step {
  const screen: SecurityScreen = {
    kind: 'security',
    home,
    overview: null,
    thisDevice: null,
    enrolling: null,
    busy: true,
    error: null,
  };
  return go(state, screen, { type: 'security', origin: home.origin, action: { kind: 'load' } });
}

export const securityStep: StepDefinition<SecurityScreen> = {
  on: (state, screen, event) => {
    const run = (action: SecurityAction): Step | null =>
      screen.busy
        ? null
        : go(state, { ...screen, busy: true, error: null }, { type: 'security', origin: screen.home.origin, action });
    switch (event.type) {
      case 'security.loaded':
        return go(state, {
          ...screen,
          overview: event.overview,
          thisDevice: event.thisDevice,
          enrolling: null,
          busy: false,
        });
      case 'security.enrollmentStarted':
        return go(state, { ...screen, enrolling: event.enrolling, busy: false });
      case 'security.failed':
        return go(state, { ...screen, busy: false, error: event.error });
      case 'trustedDevice.removeRequested':
        return run({ kind: 'removeDevice', deviceId: event.deviceId });
      case 'authenticator.removeRequested':
        return run({ kind: 'removeAuthenticator', id: event.id, password: event.password });
      case 'authenticator.addRequested':
        return run({ kind: 'add', password: event.password });
      case 'authenticator.codeSubmitted':
        if (screen.enrolling === null) return null;
        return run({
          kind: 'confirm',
          enrollmentId: screen.enrolling.enrollmentId,
          code: event.code.replace(/\s+/g, ''),
        });
      // Passkeys: adding one is a browser step (passkey/), removing one needs the password again.
      case 'passkey.addRequested':
        return screen.busy || screen.overview === null ? null : enterPasskeyAdd(state, screen, event.password);
      case 'passkey.removeRequested':
        return run({ kind: 'removePasskey', id: event.id, password: event.password });
      case 'back.pressed':
        return go(state, { kind: 'home', home: screen.home, notice: null });
      default:
        return null;
    }
  },
  view: (screen) => ({
    screen: 'security',
    serverHost: hostOf(screen.home.origin),
    loaded: screen.overview !== null,
    authenticators: screen.overview?.authenticators ?? [],
    devices: (screen.overview?.trustedDevices ?? []).map((d) => ({
      ...d,
      thisDevice: d.deviceId === screen.thisDevice,
    })),
    passkeys: screen.overview?.passkeys ?? [],
    enrolling: screen.enrolling ? { qrDataUrl: screen.enrolling.qrDataUrl, secret: screen.enrolling.secret } : null,
    busy: screen.busy,
    error: screen.error,
  }),
  acceptsLinks: always,
};

/** What loading Sign-in security and starting an enrolment from it become. */
export type SecurityResultEvent =
  | { readonly type: 'security.loaded'; readonly overview: MfaOverview; readonly thisDevice: string | null }
  | { readonly type: 'security.enrollmentStarted'; readonly enrolling: Enrollment & { readonly enrollmentId: string } }
  | { readonly type: 'security.failed'; readonly error: KeywayErrorShape };

export const securityResults: EffectResults<
  SecurityEffect,
  { readonly security: SecurityOutcome },
  SecurityResultEvent
> = {
  security: {
    done: (outcome: SecurityOutcome) =>
      outcome.kind === 'loaded'
        ? { type: 'security.loaded', overview: outcome.overview, thisDevice: outcome.thisDevice }
        : { type: 'security.enrollmentStarted', enrolling: outcome.enrolling },
    failed: (error) => ({ type: 'security.failed', error }),
  },
};
