import { describe, expect, it } from 'vitest';
import {
  acceptsLinks,
  initialState,
  transition,
  type OnboardingEvent,
  type OnboardingState,
} from '../../electron/core/onboarding/machine';
import type { ProfileSummary, Screen } from '../../electron/core/onboarding/states';
import type { MfaRequired } from '../../protocol/mfa';
import { codeFor, configFor, ORIGIN } from './support/fixtures';

/**
 * Each step says whether a deep link may interrupt its screen (`acceptsLinks`, required by the step
 * contract). A link arriving half-way through a journey must not take it over: the machine ignores it
 * there, and KeywayCore holds it until a screen that accepts links is reached.
 */

const known: ProfileSummary = {
  origin: 'https://other.example.com',
  serverName: 'Other',
  loginId: 'ana',
  displayName: 'Ana',
  method: 'password',
  acceptedLicenseVersion: '1',
};
const link = `keyway://deploy?code=${codeFor('https://attacker.example.com')}`;

function after(events: OnboardingEvent[], profiles: ProfileSummary[] = []): OnboardingState {
  let state = initialState({ policy: {}, profiles: [] });
  for (const event of [{ type: 'started', profiles, resume: null } as const, ...events])
    state = transition(state, event).state;
  return state;
}

const toConfirm: OnboardingEvent[] = [{ type: 'welcome.inputChanged', text: codeFor() }, { type: 'welcome.applied' }];
const toLicense: OnboardingEvent[] = [
  ...toConfirm,
  { type: 'server.confirmed' },
  { type: 'redeem.succeeded', config: configFor() },
];
const challenge: MfaRequired = {
  status: 'mfa_required',
  challengeId: 'c1',
  expiresIn: 300,
  channels: [
    { channel: 'email', available: true, hint: 'a•••@example.com' },
    { channel: 'sms', available: true, hint: '•••12' },
  ],
  enrollmentRequired: false,
  trustDays: 30,
};

const midJourney = {
  'Confirm server': () => after(toConfirm),
  redeeming: () => after([...toConfirm, { type: 'server.confirmed' }]),
  Import: () => after(toLicense, [known]),
  License: () => after(toLicense),
  'Password of a profile not saved yet': () => after([...toLicense, { type: 'license.accepted' }]),
  'signing in': () =>
    after([...toLicense, { type: 'license.accepted' }, { type: 'password.submitted', password: 'x' }]),
  'second factor': () =>
    after([
      ...toLicense,
      { type: 'license.accepted' },
      { type: 'password.submitted', password: 'x' },
      { type: 'mfa.required', challenge },
    ]),
} satisfies Record<string, () => OnboardingState>;

describe('deep links and the screen on display', () => {
  it.each(Object.entries(midJourney))('a link does not take over the journey on %s', (_name, reach) => {
    const state = reach();
    expect(acceptsLinks(state.screen)).toBe(false);
    expect(transition(state, { type: 'deepLink.opened', url: link }).state).toBe(state);
    expect(transition(state, { type: 'deepLink.refused', error: { code: 'link_too_long', message: 'x' } }).state).toBe(
      state,
    );
  });

  it('is welcome on resting screens: Welcome, a known profile’s Password page, Home', () => {
    const resting: Screen[] = [
      { kind: 'welcome', input: '', error: null },
      { kind: 'password', target: known, pending: null, error: null },
      {
        kind: 'home',
        home: { origin: ORIGIN, serverName: 'E', loginId: 'ana', displayName: 'Ana', email: 'a@e.com' },
        notice: null,
      },
    ];
    for (const screen of resting) {
      const state: OnboardingState = { context: { policy: {}, profiles: [known] }, screen };
      expect(acceptsLinks(screen)).toBe(true);
      expect(transition(state, { type: 'deepLink.opened', url: link }).state.screen.kind).toBe('confirmServer');
    }
  });
});
