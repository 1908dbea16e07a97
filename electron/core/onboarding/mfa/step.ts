import type { KeywayErrorShape } from '../../../../protocol/errors';
import { RecoveryCode, type MfaChannel, type MfaRequired } from '../../../../protocol/mfa';
import { afterSignIn, signedIn, type SignInSucceeded } from '../home/step';
import { enterPasskeySignIn } from '../passkey/step';
import { passwordPage } from '../password/step';
import type { Enrollment, OnboardingState, PendingProfile, ProfileSummary, SentCode, SignedIn, Step } from '../states';
import { go, hostOf, never, type EffectResults, type StepDefinition } from '../step';

/**
 * The second factor after the password: pick a channel (or enrol an authenticator when policy
 * requires one), get or read a code, submit it, optionally remembering this device.
 */

export interface MfaScreen {
  readonly kind: 'mfa';
  readonly target: ProfileSummary;
  readonly pending: PendingProfile | null;
  readonly challenge: MfaRequired;
  readonly channel: MfaChannel | null;
  readonly sent: SentCode | null;
  readonly enrollment: Enrollment | null;
  /** "Use a recovery code" was chosen (offered when `challenge.recoveryCode`): the field takes one. */
  readonly recovery: boolean;
  readonly busy: boolean;
  readonly error: KeywayErrorShape | null;
}

export type MfaEffect =
  | {
      readonly type: 'mfaSend';
      readonly origin: string;
      readonly challengeId: string;
      readonly channel: Extract<MfaChannel, 'email' | 'sms'>;
    }
  | { readonly type: 'mfaEnroll'; readonly origin: string; readonly challengeId: string }
  | {
      readonly type: 'mfaVerify';
      readonly target: ProfileSummary;
      readonly pending: PendingProfile | null;
      readonly challengeId: string;
      readonly channel: MfaChannel;
      readonly code: string;
      readonly remember: boolean;
    }
  /** A recovery code instead of the second factor (POST /mfa/recover), already normalised by RecoveryCode. */
  | {
      readonly type: 'mfaRecover';
      readonly target: ProfileSummary;
      readonly pending: PendingProfile | null;
      readonly challengeId: string;
      readonly recoveryCode: string;
      readonly remember: boolean;
    };

/**
 * The one rule for which channels the user can choose now: those they can receive a code on, plus
 * enrolling an authenticator when policy requires one. The step and its view both use it.
 */
function usableChannels(challenge: MfaRequired): MfaRequired['channels'] {
  return challenge.channels.filter((c) => c.available || (c.channel === 'totp' && challenge.enrollmentRequired));
}

/**
 * Whether the code field belongs on screen: a channel is chosen and, for the authenticator, the user
 * has one or is enrolling one (an e-mail or SMS code may arrive at any time after choosing).
 */
function asksForCode(screen: MfaScreen): boolean {
  // A passkey is used in the browser (passkey/): nothing to type here.
  if (screen.recovery || screen.channel === null || screen.channel === 'passkey') return false;
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
    recovery: false,
    busy: false,
    error: null,
  };
  const usable = usableChannels(challenge);
  const only = usable.length === 1 ? usable[0] : undefined;
  if (only) return choose(state, screen, only.channel) ?? go(state, screen);
  return go(state, screen);
}

function choose(state: OnboardingState, screen: MfaScreen, channel: MfaChannel): Step | null {
  const option = screen.challenge.channels.find((c) => c.channel === channel);
  if (!option) return null;
  const next: MfaScreen = { ...screen, channel, sent: null, enrollment: null, recovery: false, error: null };
  const origin = screen.target.origin;
  const challengeId = screen.challenge.challengeId;
  if (channel === 'totp') {
    if (option.available) return go(state, next);
    if (!screen.challenge.enrollmentRequired) return null;
    return go(state, { ...next, busy: true }, { type: 'mfaEnroll', origin, challengeId });
  }
  if (!option.available) return null;
  // "Use a passkey" is one more click (with "remember this device"): the browser opens only when asked.
  if (channel === 'passkey') return go(state, next);
  return go(state, { ...next, busy: true }, { type: 'mfaSend', origin, challengeId, channel });
}

export const mfaStep: StepDefinition<MfaScreen> = {
  on: (state, screen, event) => {
    switch (event.type) {
      case 'signIn.succeeded':
        return afterSignIn(state, event);
      case 'mfaChannel.chosen':
        return choose(state, screen, event.channel);
      case 'mfa.codeSent':
        return go(state, { ...screen, sent: event.sent, busy: false, error: null });
      case 'mfa.enrollmentReceived':
        return go(state, { ...screen, enrollment: event.enrollment, busy: false, error: null });
      case 'mfaCode.resendRequested':
        if (screen.channel !== 'email' && screen.channel !== 'sms') return null;
        return go(
          state,
          { ...screen, busy: true },
          {
            type: 'mfaSend',
            origin: screen.target.origin,
            challengeId: screen.challenge.challengeId,
            channel: screen.channel,
          },
        );
      case 'passkey.requested':
        if (screen.channel !== 'passkey' || screen.busy) return null;
        return enterPasskeySignIn(state, screen, event.remember);
      case 'mfaCode.submitted': {
        if (screen.channel === null || screen.channel === 'passkey' || screen.busy) return null;
        const code = event.code.replace(/\s+/g, '');
        if (!/^\d{6}$/.test(code))
          return go(state, {
            ...screen,
            error: { code: 'mfa_code_invalid', message: 'Enter the six digits of the code.' },
          });
        const { target, pending } = screen;
        return go(
          state,
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
      case 'recoveryCode.chosen':
        if (screen.challenge.recoveryCode !== true || screen.busy) return null;
        return go(state, { ...screen, recovery: true, error: null });
      case 'recoveryCode.submitted': {
        if (!screen.recovery || screen.busy) return null;
        // The server's own rule (protocol/mfa.ts RecoveryCode): any case, spaces and dashes dropped, 12 characters.
        const parsed = RecoveryCode.safeParse(event.code);
        if (!parsed.success)
          return go(state, {
            ...screen,
            error: {
              code: 'mfa_code_invalid',
              message: 'A recovery code is 12 letters and digits, like abcd-efgh-jkmn.',
            },
          });
        return go(
          state,
          { ...screen, busy: true, error: null },
          {
            type: 'mfaRecover',
            target: screen.target,
            pending: screen.pending,
            challengeId: screen.challenge.challengeId,
            recoveryCode: parsed.data,
            remember: event.remember,
          },
        );
      }
      case 'mfa.failed':
        // A dead challenge (too many tries, expired) cannot take more codes: sign in again from the password.
        if (event.error.code === 'mfa_too_many_attempts' || event.error.code === 'mfa_challenge_expired')
          return go(state, passwordPage(screen.target, screen.pending, event.error));
        return go(state, { ...screen, busy: false, error: event.error });
      case 'back.pressed':
        // Back from the recovery-code field returns to the factors; from the factors, to the password.
        if (screen.recovery) return go(state, { ...screen, recovery: false, error: null });
        return go(state, passwordPage(screen.target, screen.pending, null));
      default:
        return null;
    }
  },
  view: (screen) => ({
    screen: 'mfa',
    serverHost: hostOf(screen.target.origin),
    loginId: screen.target.loginId,
    channels: usableChannels(screen.challenge).map(({ channel, hint }) => ({ channel, hint })),
    channel: screen.channel,
    sent: screen.sent,
    enrollment: screen.enrollment,
    recoveryCodeOffered: screen.challenge.recoveryCode === true,
    recovery: screen.recovery,
    trustDays: screen.challenge.trustDays,
    asksForCode: asksForCode(screen),
    busy: screen.busy,
    error: screen.error,
  }),
  // Half-way through signing in: a link waits until the user is signed in (or gives up).
  acceptsLinks: never,
};

/** What sending, enrolling and verifying a second factor become. */
export type MfaResultEvent =
  | { readonly type: 'mfa.codeSent'; readonly sent: SentCode }
  | { readonly type: 'mfa.enrollmentReceived'; readonly enrollment: Enrollment }
  | { readonly type: 'mfa.failed'; readonly error: KeywayErrorShape }
  | SignInSucceeded;

const mfaFailed = (error: KeywayErrorShape) => ({ type: 'mfa.failed', error }) as const;

export const mfaResults: EffectResults<
  MfaEffect,
  {
    readonly mfaSend: SentCode;
    readonly mfaEnroll: Enrollment;
    readonly mfaVerify: SignedIn;
    readonly mfaRecover: SignedIn;
  },
  MfaResultEvent
> = {
  mfaSend: { done: (sent: SentCode) => ({ type: 'mfa.codeSent', sent }), failed: mfaFailed },
  mfaEnroll: { done: (enrollment: Enrollment) => ({ type: 'mfa.enrollmentReceived', enrollment }), failed: mfaFailed },
  mfaVerify: { done: (outcome: SignedIn) => signedIn(outcome), failed: mfaFailed },
  mfaRecover: { done: (outcome: SignedIn) => signedIn(outcome), failed: mfaFailed },
};
