import { describe, expect, it } from 'vitest';
import { advance, beginJourney } from '../../electron/core/onboarding/journey';
import { transition, type OnboardingState } from '../../electron/core/onboarding/machine';
import type { HomeInfo, ProfileSummary } from '../../electron/core/onboarding/states';
import { toView } from '../../electron/core/onboarding/view';
import type { MfaOverview, MfaRequired } from '../../protocol/mfa';

// The passkey as the second factor and from Sign-in security: the machine's side (onboarding/passkey).
const ORIGIN = 'https://keyway.example.com';
const CHALLENGE = 'c'.repeat(32);
const ana: ProfileSummary = {
  origin: ORIGIN,
  serverName: 'Example',
  loginId: 'ana',
  displayName: 'Ana',
  method: 'password',
  acceptedLicenseVersion: '1',
};
const home: HomeInfo = { origin: ORIGIN, serverName: 'Example', loginId: 'ana', displayName: 'Ana', email: 'a@x.test' };
const signingIn: OnboardingState = {
  context: { policy: {}, profiles: [ana] },
  screen: { kind: 'signingIn', target: ana, pending: null },
};
const passkey = { channel: 'passkey', hint: '', available: true } as const;
const totp = { channel: 'totp', hint: '', available: true } as const;
const challenge = (channels: MfaRequired['channels']): MfaRequired => ({
  status: 'mfa_required',
  challengeId: CHALLENGE,
  expiresIn: 600,
  channels,
  enrollmentRequired: false,
  trustDays: 30,
});
const atMfa = (channels: MfaRequired['channels']): OnboardingState =>
  transition(signingIn, { type: 'mfa.required', challenge: challenge(channels) }).state;
const signedIn = {
  type: 'signIn.succeeded',
  home,
  profiles: [ana],
  notice: null,
  licenseUpdate: null,
} as const;

describe('"Use a passkey" on the MFA screen', () => {
  it('is offered only when the user has a passkey, and opens the browser only when asked', () => {
    const unavailable = atMfa([totp, { ...passkey, available: false }]);
    expect(toView(unavailable)).toMatchObject({ channels: [{ channel: 'totp' }] });
    expect(transition(unavailable, { type: 'mfaChannel.chosen', channel: 'passkey' }).state).toBe(unavailable);

    // The only way: chosen for the user, but nothing starts before the click.
    const only = atMfa([passkey]);
    expect(toView(only)).toMatchObject({ screen: 'mfa', channel: 'passkey', asksForCode: false });
    const step = transition(only, { type: 'passkey.requested', remember: true });
    expect(step.effects).toEqual([
      { type: 'passkeySignIn', target: ana, pending: null, challengeId: CHALLENGE, remember: true },
    ]);
    expect(toView(step.state)).toEqual({
      screen: 'passkeyStep',
      purpose: 'signIn',
      serverHost: 'keyway.example.com',
      loginId: 'ana',
      opened: false,
    });
  });

  it('takes no code for the passkey channel and no passkey request for another channel', () => {
    const atPasskey = atMfa([passkey]);
    expect(transition(atPasskey, { type: 'mfaCode.submitted', code: '123456', remember: false }).effects).toEqual([]);
    const atTotp = transition(atMfa([totp, passkey]), { type: 'mfaChannel.chosen', channel: 'totp' }).state;
    expect(transition(atTotp, { type: 'passkey.requested', remember: false }).effects).toEqual([]);
  });

  it('waits like unified login: "Open the browser again" once opened, Cancel back to the MFA screen', () => {
    const waiting = transition(atMfa([passkey]), { type: 'passkey.requested', remember: false }).state;
    expect(transition(waiting, { type: 'browser.reopenRequested' }).effects).toEqual([]);
    const opened = transition(waiting, { type: 'oidc.opened' }).state;
    expect(toView(opened)).toMatchObject({ opened: true });
    expect(transition(opened, { type: 'browser.reopenRequested' }).effects).toEqual([{ type: 'oidcReopen' }]);
    const cancelled = transition(opened, { type: 'cancel.pressed' });
    expect(cancelled.effects).toEqual([{ type: 'oidcCancel' }]);
    expect(toView(cancelled.state)).toMatchObject({ screen: 'mfa', channel: 'passkey', busy: false, error: null });
    // A deep link waits until the user is back.
    expect(toView(waiting).screen).toBe('passkeyStep');
  });

  it('ends on Home like a verified code, or back on the MFA screen with the specific error', () => {
    const waiting = transition(atMfa([totp, passkey]), { type: 'mfaChannel.chosen', channel: 'passkey' }).state;
    const started = transition(waiting, { type: 'passkey.requested', remember: false }).state;
    expect(transition(started, signedIn).state.screen.kind).toBe('home');

    const refused = transition(started, {
      type: 'mfa.failed',
      error: { code: 'passkey_refused', message: 'The passkey was not accepted.' },
    }).state;
    expect(toView(refused)).toMatchObject({ screen: 'mfa', channel: 'passkey', error: { code: 'passkey_refused' } });
    expect(toView(refused)).toMatchObject({ channels: [{ channel: 'totp' }, { channel: 'passkey' }] });

    const invalid = transition(started, {
      type: 'mfa.failed',
      error: { code: 'passkey_return_invalid', message: 'Not from this step.' },
    }).state;
    expect(toView(invalid)).toMatchObject({ screen: 'mfa', error: { code: 'passkey_return_invalid' } });
  });

  it('a dead challenge goes back to the password, as for a code', () => {
    const started = transition(atMfa([passkey]), { type: 'passkey.requested', remember: false }).state;
    const dead = transition(started, {
      type: 'mfa.failed',
      error: { code: 'mfa_challenge_expired', message: 'Too late.' },
    }).state;
    expect(toView(dead)).toMatchObject({ screen: 'password', error: { code: 'mfa_challenge_expired' } });
  });

  it('drops the step’s late answer once the user cancelled (the effect-id mechanism)', () => {
    let journey = beginJourney(atMfa([passkey]));
    const start = advance(journey, { type: 'passkey.requested', remember: false });
    journey = start.journey;
    const stepId = start.effects[0]?.id;
    expect(start.effects[0]?.type).toBe('passkeySignIn');
    journey = advance(journey, { type: 'cancel.pressed' }).journey;
    // The cancelled step's failure, or a success that raced the Cancel, changes nothing.
    const late = advance(journey, signedIn, stepId);
    expect(late.journey).toBe(journey);
    expect(toView(late.journey.state)).toMatchObject({ screen: 'mfa', error: null });
    // A second attempt waits for its own answer only: the first one's stays stale.
    const again = advance(journey, { type: 'passkey.requested', remember: false });
    expect(advance(again.journey, signedIn, stepId).journey).toBe(again.journey);
    expect(advance(again.journey, signedIn, again.effects[0]?.id).journey.state.screen.kind).toBe('home');
  });
});

describe('passkeys on Sign-in security', () => {
  const overview = (passkeys: MfaOverview['passkeys']): MfaOverview => ({
    authenticators: [],
    passkeys,
    trustedDevices: [],
    policy: { channels: ['totp', 'passkey'], mode: 'optional', trustDays: 30 },
  });
  const key = { id: 'pk1', name: 'Laptop', createdAt: 1_000, lastUsedAt: null, authenticator: 'iCloud Keychain' };
  const loaded = (passkeys: MfaOverview['passkeys']): OnboardingState => ({
    context: { policy: {}, profiles: [ana] },
    screen: {
      kind: 'security',
      home,
      overview: overview(passkeys),
      thisDevice: null,
      enrolling: null,
      busy: false,
      error: null,
    },
  });

  it('lists them as the server described them', () => {
    expect(toView(loaded([key]))).toMatchObject({ screen: 'security', passkeys: [key] });
  });

  it('adds one: the password, the browser step, then the reloaded list', () => {
    const step = transition(loaded([]), { type: 'passkey.addRequested', password: 'pw' });
    expect(step.effects).toEqual([{ type: 'passkeyAdd', origin: ORIGIN, password: 'pw' }]);
    expect(toView(step.state)).toMatchObject({ screen: 'passkeyStep', purpose: 'add', loginId: 'ana' });
    // The password is never part of a view.
    expect(JSON.stringify(toView(step.state))).not.toContain('pw');
    const back = transition(step.state, { type: 'security.loaded', overview: overview([key]), thisDevice: null });
    expect(toView(back.state)).toMatchObject({ screen: 'security', passkeys: [key], busy: false });
  });

  it('a refused registration (wrong password, a refusal in the browser) is shown on the page', () => {
    const step = transition(loaded([]), { type: 'passkey.addRequested', password: 'wrong' });
    const failed = transition(step.state, {
      type: 'security.failed',
      error: { code: 'reauthentication_required', message: 'Wrong password.' },
    });
    expect(toView(failed.state)).toMatchObject({
      screen: 'security',
      busy: false,
      error: { code: 'reauthentication_required' },
    });
    // Cancel while waiting: back to the page as it was, the listener aborted.
    const cancelled = transition(step.state, { type: 'cancel.pressed' });
    expect(cancelled.effects).toEqual([{ type: 'oidcCancel' }]);
    expect(toView(cancelled.state)).toMatchObject({ screen: 'security', busy: false, error: null });
  });

  it('removes one with the password', () => {
    const step = transition(loaded([key]), { type: 'passkey.removeRequested', id: 'pk1', password: 'pw' });
    expect(step.effects).toEqual([
      { type: 'security', origin: ORIGIN, action: { kind: 'removePasskey', id: 'pk1', password: 'pw' } },
    ]);
    // Busy: no second request until the server answered.
    expect(transition(step.state, { type: 'passkey.addRequested', password: 'pw' }).effects).toEqual([]);
  });
});
