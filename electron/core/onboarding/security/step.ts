import type { KeywayErrorShape } from '../../../../protocol/errors';
import type { MfaOverview, RecoveryCodeList } from '../../../../protocol/mfa';
import { showRecoveryCodes } from '../recovery-codes/step';
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
  | { readonly kind: 'removePasskey'; readonly id: string; readonly password: string }
  /** "Get new codes": a new set of recovery codes (the old one stops working); re-authentication. */
  | { readonly kind: 'regenerateRecoveryCodes'; readonly password: string };

export interface SecurityEffect {
  readonly type: 'security';
  readonly origin: string;
  readonly action: SecurityAction;
}

/** What the server answered: the page's contents, or an authenticator to enrol. */
export type SecurityOutcome =
  | {
      readonly kind: 'loaded';
      readonly overview: MfaOverview;
      readonly thisDevice: string | null;
      /** New recovery codes to show once: after "Get new codes", or the first authenticator confirmed. */
      readonly recoveryCodes?: RecoveryCodeList;
    }
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
      case 'security.loaded': {
        const loaded: SecurityScreen = {
          ...screen,
          overview: event.overview,
          thisDevice: event.thisDevice,
          enrolling: null,
          busy: false,
        };
        // New codes are shown once; Continue comes back to this page (which holds no code).
        if (event.recoveryCodes) return showRecoveryCodes(state, screen.home, event.recoveryCodes, loaded);
        return go(state, loaded);
      }
      case 'recoveryCodes.regenerateRequested':
        return run({ kind: 'regenerateRecoveryCodes', password: event.password });
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
      case 'back.pressed': {
        const remaining = screen.overview?.recoveryCodes?.remaining;
        return go(state, {
          kind: 'home',
          home: screen.home,
          notice: null,
          // Home's "N recovery codes left" follows what this page last read (none: no set, 0 left).
          ...(screen.overview ? { recoveryCodesLeft: remaining ?? 0 } : {}),
        });
      }
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
    // Unknown until loaded (and from a server without recovery codes): nothing is said.
    recoveryCodes: screen.overview?.recoveryCodes ?? null,
    enrolling: screen.enrolling ? { qrDataUrl: screen.enrolling.qrDataUrl, secret: screen.enrolling.secret } : null,
    busy: screen.busy,
    error: screen.error,
  }),
  acceptsLinks: always,
};

/** What loading Sign-in security and starting an enrolment from it become. */
export type SecurityResultEvent =
  | {
      readonly type: 'security.loaded';
      readonly overview: MfaOverview;
      readonly thisDevice: string | null;
      readonly recoveryCodes?: RecoveryCodeList;
    }
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
        ? {
            type: 'security.loaded',
            overview: outcome.overview,
            thisDevice: outcome.thisDevice,
            ...(outcome.recoveryCodes ? { recoveryCodes: outcome.recoveryCodes } : {}),
          }
        : { type: 'security.enrollmentStarted', enrolling: outcome.enrolling },
    failed: (error) => ({ type: 'security.failed', error }),
  },
};
