import { describe, expect, it } from 'vitest';
import { transition, type OnboardingState } from '../../electron/core/onboarding/machine';
import type { HomeInfo, PendingProfile, ProfileSummary } from '../../electron/core/onboarding/states';
import { toView } from '../../electron/core/onboarding/view';

const ORIGIN = 'https://keyway.example.com';
const ana: ProfileSummary = {
  origin: ORIGIN,
  serverName: 'Example',
  loginId: 'ana',
  displayName: 'Ana',
  method: 'password',
  acceptedLicenseVersion: '1',
};
const home: HomeInfo = {
  origin: ORIGIN,
  serverName: 'Example',
  loginId: 'ana',
  displayName: 'Ana',
  email: 'ana@example.com',
};

function passwordPage(target: ProfileSummary, pending: PendingProfile | null = null): OnboardingState {
  return { context: { policy: {}, profiles: [target] }, screen: { kind: 'password', target, pending, error: null } };
}

const pending = (forgotPassword: boolean): PendingProfile => ({
  server: { name: 'Example', origin: ORIGIN },
  loginId: 'ana',
  displayName: 'Ana',
  loginHint: 'ana@example.com',
  signIn: { method: 'password' },
  license: { version: '1', text: 'License' },
  features: { forgotPassword, manualLogin: true },
  importFrom: null,
  entry: 'license',
});

describe('forgot password on the Password page', () => {
  it('is offered only when the server said so (deployment features, or the stored profile)', () => {
    expect(toView(passwordPage(ana))).not.toHaveProperty('forgotPassword');
    expect(toView(passwordPage(ana, pending(false)))).not.toHaveProperty('forgotPassword');
    expect(toView(passwordPage(ana, pending(true)))).toMatchObject({ forgotPassword: { status: 'offered' } });
    expect(toView(passwordPage({ ...ana, forgotPassword: true }))).toMatchObject({
      forgotPassword: { status: 'offered', minutes: null },
    });
    // Not offered: pressing it (a forged command) does nothing.
    const step = transition(passwordPage(ana), { type: 'passwordReset.requested' });
    expect(step.effects).toEqual([]);
  });

  it('asks the server for the login ID shown, then says the e-mail is on its way (or why not)', () => {
    const offered = passwordPage({ ...ana, forgotPassword: true });
    const sending = transition(offered, { type: 'passwordReset.requested' });
    expect(sending.effects).toEqual([{ type: 'requestPasswordReset', origin: ORIGIN, loginId: 'ana' }]);
    expect(toView(sending.state)).toMatchObject({ forgotPassword: { status: 'sending' } });
    // A second press while the first is under way sends nothing more.
    expect(transition(sending.state, { type: 'passwordReset.requested' }).effects).toEqual([]);

    const sent = transition(sending.state, { type: 'passwordReset.sent', minutes: 30 });
    expect(toView(sent.state)).toMatchObject({ screen: 'password', forgotPassword: { status: 'sent', minutes: 30 } });

    const error = { code: 'password_reset_disabled', message: 'Not offered.' } as const;
    const failed = transition(sending.state, { type: 'passwordReset.failed', error });
    expect(toView(failed.state)).toMatchObject({ error, forgotPassword: { status: 'offered' } });
  });
});

describe('a one-time password for other services', () => {
  const atHome = (method: ProfileSummary['method'] = 'password'): OnboardingState => ({
    context: { policy: {}, profiles: [{ ...ana, method }] },
    screen: { kind: 'home', home, notice: null },
  });

  function asking(authenticator = false): OnboardingState {
    const opened = transition(atHome(), { type: 'oneTimePassword.opened' });
    return transition(opened.state, { type: 'otp.loaded', authenticator }).state;
  }

  it('opens from Home for a password profile only, and first asks the server how to re-authenticate', () => {
    const opened = transition(atHome(), { type: 'oneTimePassword.opened' });
    expect(opened.effects).toEqual([{ type: 'otp', origin: ORIGIN, action: { kind: 'load' } }]);
    expect(toView(opened.state)).toMatchObject({ screen: 'oneTimePassword', phase: 'loading', otp: null });
    expect(transition(atHome('oidc'), { type: 'oneTimePassword.opened' }).state.screen.kind).toBe('home');
    expect(toView(asking(true))).toMatchObject({ phase: 'ask', canUseAuthenticator: true });
  });

  it('sends the password once, shows the OTP with its expiry, and drops it when its own timer ends', () => {
    expect(toView(transition(asking(), { type: 'oneTimePassword.proofSubmitted', password: '' }).state)).toMatchObject({
      phase: 'ask',
      error: { code: 'invalid_input' },
    });
    const issuing = transition(asking(), { type: 'oneTimePassword.proofSubmitted', password: 'secret' });
    expect(issuing.effects).toEqual([
      { type: 'otp', origin: ORIGIN, action: { kind: 'issue', proof: { password: 'secret' } } },
    ]);
    const shown = transition(issuing.state, { type: 'otp.issued', otp: '12345678', issuedAt: 1000, expiresAt: 91_000 });
    expect(shown.effects).toEqual([{ type: 'otpTimer', expiresAt: 91_000 }]);
    expect(toView(shown.state)).toMatchObject({
      phase: 'showing',
      otp: { value: '12345678', issuedAt: 1000, expiresAt: 91_000 },
    });

    // That another OTP's timer does not end this one is onboarding-stale-results.test.ts.
    const expired = transition(shown.state, { type: 'otp.expired' });
    expect(toView(expired.state)).toMatchObject({ phase: 'expired', otp: null });
    expect(JSON.stringify(toView(expired.state))).not.toContain('12345678');

    // "Make a new one" asks again; Back goes home.
    const again = transition(expired.state, { type: 'oneTimePassword.renewRequested' });
    expect(toView(again.state)).toMatchObject({ phase: 'ask', otp: null });
    expect(transition(again.state, { type: 'back.pressed' }).state.screen).toEqual({
      kind: 'home',
      home,
      notice: null,
    });
  });

  it('takes an authenticator code instead of the password when the user has an authenticator', () => {
    const withCode = transition(asking(true), { type: 'oneTimePassword.proofSubmitted', authenticatorCode: '123 456' });
    expect(withCode.effects).toEqual([
      { type: 'otp', origin: ORIGIN, action: { kind: 'issue', proof: { authenticatorCode: '123456' } } },
    ]);
    const refused = transition(asking(false), { type: 'oneTimePassword.proofSubmitted', authenticatorCode: '123456' });
    expect(refused.effects).toEqual([]);
    const error = { code: 'reauthentication_required', message: 'Wrong password.' } as const;
    expect(toView(transition(withCode.state, { type: 'otp.failed', error }).state)).toMatchObject({
      phase: 'ask',
      error,
    });
  });
});
