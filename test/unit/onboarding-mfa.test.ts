import { describe, expect, it } from 'vitest';
import { transition, type OnboardingState } from '../../electron/core/onboarding/machine';
import type { ProfileSummary } from '../../electron/core/onboarding/states';
import { toView } from '../../electron/core/onboarding/view';
import type { MfaRequired } from '../../protocol/mfa';

const ORIGIN = 'https://keyway.example.com';
const ana: ProfileSummary = {
  origin: ORIGIN,
  serverName: 'Example',
  loginId: 'ana',
  displayName: 'Ana',
  method: 'password',
  acceptedLicenseVersion: '1',
};
const signingIn: OnboardingState = {
  context: { policy: {}, profiles: [ana] },
  screen: { kind: 'signingIn', target: ana, pending: null },
};

function challenge(channels: MfaRequired['channels'], enrollmentRequired = false): MfaRequired {
  return {
    status: 'mfa_required',
    challengeId: 'c'.repeat(32),
    expiresIn: 600,
    channels,
    enrollmentRequired,
    trustDays: 30,
  };
}
const totp = { channel: 'totp', hint: '', available: true } as const;
const email = { channel: 'email', hint: 'a•••@example.com', available: true } as const;
const sms = { channel: 'sms', hint: '+44 •••• ••42', available: true } as const;

describe('the MFA step', () => {
  it('goes straight to the authenticator code when it is the only way', () => {
    const step = transition(signingIn, { type: 'mfa.required', challenge: challenge([totp]) });
    expect(toView(step.state)).toMatchObject({ screen: 'mfa', channel: 'totp', sent: null, enrollment: null });
    expect(step.effects).toEqual([]);
  });

  it('lets the user pick when several channels are allowed, and sends an e-mail code on request', () => {
    const step = transition(signingIn, { type: 'mfa.required', challenge: challenge([totp, email, sms]) });
    expect(toView(step.state)).toMatchObject({ screen: 'mfa', channel: null });
    const chosen = transition(step.state, { type: 'mfaChannel.chosen', channel: 'email' });
    expect(chosen.effects).toEqual([
      { type: 'mfaSend', origin: ORIGIN, challengeId: 'c'.repeat(32), channel: 'email' },
    ]);
    const sent = transition(chosen.state, {
      type: 'mfa.codeSent',
      sent: { hint: 'a•••@example.com', expiresAt: 600_000, resendAt: 30_000 },
    });
    expect(toView(sent.state)).toMatchObject({ channel: 'email', sent: { resendAt: 30_000 }, busy: false });
    // Switching channel is allowed at any time.
    expect(toView(transition(sent.state, { type: 'mfaChannel.chosen', channel: 'totp' }).state)).toMatchObject({
      channel: 'totp',
      sent: null,
    });
  });

  it('starts enrolment when policy requires an authenticator the user does not have', () => {
    const step = transition(signingIn, {
      type: 'mfa.required',
      challenge: challenge([{ ...totp, available: false }], true),
    });
    expect(step.effects).toEqual([{ type: 'mfaEnroll', origin: ORIGIN, challengeId: 'c'.repeat(32) }]);
    const enrolled = transition(step.state, {
      type: 'mfa.enrollmentReceived',
      enrollment: { qrDataUrl: 'data:image/svg+xml;base64,AA', secret: 'JBSWY3DPEHPK3PXP' },
    });
    expect(toView(enrolled.state)).toMatchObject({ channel: 'totp', enrollment: { secret: 'JBSWY3DPEHPK3PXP' } });
  });

  it('submits six digits (spaces ignored) with "remember this device", and refuses anything else locally', () => {
    const atCode = transition(signingIn, { type: 'mfa.required', challenge: challenge([totp]) }).state;
    expect(transition(atCode, { type: 'mfaCode.submitted', code: '12a456', remember: false }).effects).toEqual([]);
    expect(
      toView(transition(atCode, { type: 'mfaCode.submitted', code: '12345', remember: false }).state),
    ).toMatchObject({
      error: { code: 'mfa_code_invalid' },
    });
    const submitted = transition(atCode, { type: 'mfaCode.submitted', code: '123 456', remember: true });
    expect(submitted.effects).toMatchObject([{ type: 'mfaVerify', channel: 'totp', code: '123456', remember: true }]);
    expect(toView(submitted.state)).toMatchObject({ busy: true });
  });

  it('shows wrong and used codes on the same screen, and sends a dead challenge back to the password', () => {
    const atCode = transition(signingIn, { type: 'mfa.required', challenge: challenge([totp]) }).state;
    const wrong = transition(atCode, { type: 'mfa.failed', error: { code: 'mfa_code_used', message: 'Used.' } });
    expect(toView(wrong.state)).toMatchObject({ screen: 'mfa', error: { code: 'mfa_code_used' }, busy: false });
    const dead = transition(atCode, {
      type: 'mfa.failed',
      error: { code: 'mfa_too_many_attempts', message: 'Too many.' },
    });
    expect(toView(dead.state)).toMatchObject({ screen: 'password', error: { code: 'mfa_too_many_attempts' } });
  });

  it('shows the SMS risk beside the authenticator by offering both, and never puts the code in a view', () => {
    const step = transition(signingIn, { type: 'mfa.required', challenge: challenge([totp, sms]) });
    expect(toView(step.state)).toMatchObject({ channels: [{ channel: 'totp' }, { channel: 'sms' }] });
    const submitted = transition(transition(step.state, { type: 'mfaChannel.chosen', channel: 'totp' }).state, {
      type: 'mfaCode.submitted',
      code: '987654',
      remember: false,
    });
    expect(JSON.stringify(toView(submitted.state))).not.toContain('987654');
  });

  it('publishes only the channels the user can use now: SMS allowed without a phone is left out', () => {
    const noPhone = { ...sms, hint: '', available: false };
    const step = transition(signingIn, { type: 'mfa.required', challenge: challenge([totp, email, noPhone]) });
    expect(toView(step.state)).toMatchObject({
      channels: [{ channel: 'totp' }, { channel: 'email', hint: 'a•••@example.com' }],
      channel: null,
      asksForCode: false,
    });
    // Choosing the authenticator the user has shows the code field at once.
    const chosen = transition(step.state, { type: 'mfaChannel.chosen', channel: 'totp' });
    expect(toView(chosen.state)).toMatchObject({ channel: 'totp', asksForCode: true });
  });

  it('offers enrolling an authenticator the user lacks only when policy requires one, and asks for its code after enrolment', () => {
    const missing = { ...totp, available: false };
    const optional = transition(signingIn, { type: 'mfa.required', challenge: challenge([missing, email, sms]) });
    expect(toView(optional.state)).toMatchObject({ channels: [{ channel: 'email' }, { channel: 'sms' }] });
    const required = transition(signingIn, { type: 'mfa.required', challenge: challenge([missing, email], true) });
    expect(toView(required.state)).toMatchObject({
      channels: [{ channel: 'totp' }, { channel: 'email' }],
      asksForCode: false,
    });
    const enrolling = transition(required.state, { type: 'mfaChannel.chosen', channel: 'totp' });
    expect(toView(enrolling.state)).toMatchObject({ channel: 'totp', busy: true, asksForCode: false });
    const enrolled = transition(enrolling.state, {
      type: 'mfa.enrollmentReceived',
      enrollment: { qrDataUrl: 'data:image/svg+xml;base64,AA', secret: 'JBSWY3DPEHPK3PXP' },
    });
    expect(toView(enrolled.state)).toMatchObject({ asksForCode: true });
  });

  it('asks for an e-mail code as soon as the channel is chosen', () => {
    const step = transition(signingIn, { type: 'mfa.required', challenge: challenge([totp, email]) });
    const chosen = transition(step.state, { type: 'mfaChannel.chosen', channel: 'email' });
    expect(toView(chosen.state)).toMatchObject({ channel: 'email', asksForCode: true });
  });
});
