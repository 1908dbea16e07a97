import type { MfaChannel, MfaRequired } from '../../../protocol/mfa';
import type {
  OnboardingEffect,
  OnboardingEvent,
  OnboardingState,
  PendingProfile,
  ProfileSummary,
  Screen,
  Step,
} from './states';

/**
 * The second-factor step of the machine: pick a channel (or enrol an authenticator when policy
 * requires one), get or read a code, submit it. Pure; the service talks to the server.
 */
type MfaScreen = Extract<Screen, { kind: 'mfa' }>;

/**
 * The one rule for which channels the user can choose now: those they can receive a code on, plus
 * enrolling an authenticator when policy requires one. The step and the view (view.ts) both use it.
 */
export function usableChannels(challenge: MfaRequired): MfaRequired['channels'] {
  return challenge.channels.filter((c) => c.available || (c.channel === 'totp' && challenge.enrollmentRequired));
}

/**
 * Whether the code field belongs on screen: a channel is chosen and, for the authenticator, the user
 * has one or is enrolling one (an e-mail or SMS code may arrive at any time after choosing).
 */
export function asksForCode(screen: MfaScreen): boolean {
  if (screen.channel === null) return false;
  if (screen.channel !== 'totp') return true;
  return screen.enrollment !== null || screen.challenge.channels.some((c) => c.channel === 'totp' && c.available);
}

/** Enters the MFA step after the password, choosing the channel when there is only one way. */
export function enterMfa(
  state: OnboardingState,
  target: ProfileSummary,
  pending: PendingProfile | null,
  challenge: MfaRequired,
): Step {
  const screen: MfaScreen = {
    kind: 'mfa',
    target,
    pending,
    challenge,
    channel: null,
    sent: null,
    enrollment: null,
    busy: false,
    error: null,
  };
  const usable = usableChannels(challenge);
  const only = usable.length === 1 ? usable[0] : undefined;
  if (only) return choose(state, screen, only.channel);
  return { state: { ...state, screen }, effects: [] };
}

export function onMfa(state: OnboardingState, screen: MfaScreen, event: OnboardingEvent): Step | null {
  const go = (next: MfaScreen, ...effects: OnboardingEffect[]): Step => ({
    state: { ...state, screen: next },
    effects,
  });
  switch (event.type) {
    case 'mfa.choose':
      return choose(state, screen, event.channel);
    case 'mfa.codeSent':
      return go({ ...screen, sent: event.sent, busy: false, error: null });
    case 'mfa.enrollment':
      return go({ ...screen, enrollment: event.enrollment, busy: false, error: null });
    case 'mfa.resend':
      if (screen.channel !== 'email' && screen.channel !== 'sms') return null;
      return go(
        { ...screen, busy: true },
        {
          type: 'mfaSend',
          origin: screen.target.origin,
          challengeId: screen.challenge.challengeId,
          channel: screen.channel,
        },
      );
    case 'mfa.submit': {
      if (screen.channel === null || screen.busy) return null;
      const code = event.code.replace(/\s+/g, '');
      if (!/^\d{6}$/.test(code))
        return go({ ...screen, error: { code: 'mfa_code_invalid', message: 'Enter the six digits of the code.' } });
      const { target, pending } = screen;
      return go(
        { ...screen, busy: true, error: null },
        {
          type: 'mfaVerify',
          target,
          pending,
          challengeId: screen.challenge.challengeId,
          channel: screen.channel,
          code,
          remember: event.remember,
        },
      );
    }
    case 'mfa.failed':
      // A dead challenge (too many tries, expired) cannot take more codes: sign in again from the password.
      if (event.error.code === 'mfa_too_many_attempts' || event.error.code === 'mfa_challenge_expired') {
        return {
          state: {
            ...state,
            screen: { kind: 'password', target: screen.target, pending: screen.pending, error: event.error },
          },
          effects: [],
        };
      }
      return go({ ...screen, busy: false, error: event.error });
    case 'back':
      return {
        state: { ...state, screen: { kind: 'password', target: screen.target, pending: screen.pending, error: null } },
        effects: [],
      };
    default:
      return null;
  }
}

function choose(state: OnboardingState, screen: MfaScreen, channel: MfaChannel): Step {
  const option = screen.challenge.channels.find((c) => c.channel === channel);
  const stay: Step = { state, effects: [] };
  if (!option) return stay;
  const next: MfaScreen = { ...screen, channel, sent: null, enrollment: null, error: null };
  const origin = screen.target.origin;
  const challengeId = screen.challenge.challengeId;
  if (channel === 'totp') {
    if (option.available) return { state: { ...state, screen: next }, effects: [] };
    if (!screen.challenge.enrollmentRequired) return stay;
    return {
      state: { ...state, screen: { ...next, busy: true } },
      effects: [{ type: 'mfaEnroll', origin, challengeId }],
    };
  }
  if (!option.available) return stay;
  return {
    state: { ...state, screen: { ...next, busy: true } },
    effects: [{ type: 'mfaSend', origin, challengeId, channel }],
  };
}
