import type { OnboardingEffect, OnboardingEvent, OnboardingState, Screen, Step } from './states';

/**
 * The profile's security page: the user's authenticators and remembered devices. Adding or removing
 * an authenticator needs the password again (re-authentication); forgetting a device does not.
 */
type SecurityScreen = Extract<Screen, { kind: 'security' }>;
type Action = Extract<OnboardingEffect, { type: 'security' }>['action'];

export function openSecurity(state: OnboardingState, home: SecurityScreen['home']): Step {
  const screen: SecurityScreen = {
    kind: 'security',
    home,
    overview: null,
    thisDevice: null,
    enrolling: null,
    busy: true,
    error: null,
  };
  return {
    state: { ...state, screen },
    effects: [{ type: 'security', origin: home.origin, action: { kind: 'load' } }],
  };
}

export function onSecurity(state: OnboardingState, screen: SecurityScreen, event: OnboardingEvent): Step | null {
  const run = (action: Action, next: Partial<SecurityScreen> = {}): Step => ({
    state: { ...state, screen: { ...screen, ...next, busy: true, error: null } },
    effects: [{ type: 'security', origin: screen.home.origin, action }],
  });
  switch (event.type) {
    case 'security.loaded':
      return {
        state: {
          ...state,
          screen: { ...screen, overview: event.overview, thisDevice: event.thisDevice, enrolling: null, busy: false },
        },
        effects: [],
      };
    case 'security.enrolling':
      return { state: { ...state, screen: { ...screen, enrolling: event.enrolling, busy: false } }, effects: [] };
    case 'security.failed':
      return { state: { ...state, screen: { ...screen, busy: false, error: event.error } }, effects: [] };
    case 'security.removeDevice':
      return screen.busy ? null : run({ kind: 'removeDevice', deviceId: event.deviceId });
    case 'security.removeAuthenticator':
      return screen.busy ? null : run({ kind: 'removeAuthenticator', id: event.id, password: event.password });
    case 'security.addAuthenticator':
      return screen.busy ? null : run({ kind: 'add', password: event.password });
    case 'security.confirmAuthenticator':
      if (screen.busy || screen.enrolling === null) return null;
      return run({
        kind: 'confirm',
        enrollmentId: screen.enrolling.enrollmentId,
        code: event.code.replace(/\s+/g, ''),
      });
    case 'back':
      return { state: { ...state, screen: { kind: 'home', home: screen.home, notice: null } }, effects: [] };
    default:
      return null;
  }
}
