import type { KeywayErrorShape } from '../../../../protocol/errors';
import type { HomeInfo, OnboardingState, Step } from '../states';
import { always, go, hostOf, type EffectResults, type StepDefinition } from '../step';

/**
 * One-time passwords for other services (a VPN, RADIUS): Home → One-time password. The user proves it
 * is them again (the password, or a code from their authenticator app); the server issues an OTP that
 * the screen shows until it expires. Core's timer, not the renderer, decides the expiry: the OTP then
 * leaves the view, and "Make a new one" asks again.
 */

/** How the user proves it is them again before an OTP is issued. */
type OtpProof = { readonly password: string } | { readonly authenticatorCode: string };

/**
 * `loading`: asking the server how the user may prove it is them; `ask`: waiting for the password (or
 * an authenticator code); `issuing`; `showing` the OTP until it expires; `expired`: the OTP is gone
 * and "Make a new one" asks again.
 */
export interface OtpScreen {
  readonly kind: 'oneTimePassword';
  readonly home: HomeInfo;
  readonly phase: 'loading' | 'ask' | 'issuing' | 'showing' | 'expired';
  /** The user has an authenticator app, whose code may stand in for the password. */
  readonly authenticator: boolean;
  readonly otp: { readonly value: string; readonly issuedAt: number; readonly expiresAt: number } | null;
  readonly error: KeywayErrorShape | null;
}

export type OtpEffect =
  | {
      readonly type: 'otp';
      readonly origin: string;
      readonly action: { readonly kind: 'load' } | { readonly kind: 'issue'; readonly proof: OtpProof };
    }
  /** Reports when the clock reaches `expiresAt` (`otp.expired`); it holds nothing else up. */
  | { readonly type: 'otpTimer'; readonly expiresAt: number };

/** What the server answered: how the user may re-authenticate, or the OTP issued. */
export type OtpOutcome =
  | { readonly kind: 'options'; readonly authenticator: boolean }
  | { readonly kind: 'issued'; readonly otp: string; readonly issuedAt: number; readonly expiresAt: number };

export function openOtp(state: OnboardingState, home: HomeInfo): Step {
  const screen: OtpScreen = {
    kind: 'oneTimePassword',
    home,
    phase: 'loading',
    authenticator: false,
    otp: null,
    error: null,
  };
  return go(state, screen, { type: 'otp', origin: home.origin, action: { kind: 'load' } });
}

/** The proof as the server wants it, or why it cannot be sent. */
function checkedProof(proof: OtpProof, authenticator: boolean): OtpProof | KeywayErrorShape {
  if ('password' in proof) {
    return proof.password === '' ? { code: 'invalid_input', message: 'Enter your password.' } : proof;
  }
  const code = proof.authenticatorCode.replace(/\s+/g, '');
  if (!authenticator) {
    return { code: 'mfa_channel_not_allowed', message: 'No authenticator app is set up: enter your password.' };
  }
  return /^\d{6}$/.test(code)
    ? { authenticatorCode: code }
    : { code: 'invalid_input', message: 'Enter the six-digit code from your authenticator app.' };
}

export const otpStep: StepDefinition<OtpScreen> = {
  on: (state, screen, event) => {
    const to = (next: Partial<OtpScreen>, ...effects: Parameters<typeof go>[2][]): Step =>
      go(state, { ...screen, ...next }, ...effects);
    switch (event.type) {
      case 'otp.loaded':
        return screen.phase === 'loading' ? to({ phase: 'ask', authenticator: event.authenticator }) : null;
      case 'otp.failed':
        return screen.phase === 'loading' || screen.phase === 'issuing'
          ? to({ phase: 'ask', error: event.error })
          : null;
      case 'oneTimePassword.proofSubmitted': {
        if (screen.phase !== 'ask') return null;
        const given: OtpProof =
          'password' in event ? { password: event.password } : { authenticatorCode: event.authenticatorCode };
        const proof = checkedProof(given, screen.authenticator);
        if ('code' in proof) return to({ error: proof });
        return to(
          { phase: 'issuing', error: null },
          { type: 'otp', origin: screen.home.origin, action: { kind: 'issue', proof } },
        );
      }
      case 'otp.issued':
        if (screen.phase !== 'issuing') return null;
        return to(
          { phase: 'showing', otp: { value: event.otp, issuedAt: event.issuedAt, expiresAt: event.expiresAt } },
          { type: 'otpTimer', expiresAt: event.expiresAt },
        );
      case 'otp.expired':
        // Only this OTP's own timer gets here: an older timer is a stale result (journey.ts).
        return to({ phase: 'expired', otp: null });
      case 'oneTimePassword.renewRequested':
        return screen.phase === 'expired' ? to({ phase: 'ask', error: null }) : null;
      case 'back.pressed':
        // Leaving drops the OTP from the state; it still works at the server until it expires.
        return go(state, { kind: 'home', home: screen.home, notice: null });
      default:
        return null;
    }
  },
  view: (screen) => ({
    screen: 'oneTimePassword',
    serverHost: hostOf(screen.home.origin),
    loginId: screen.home.loginId,
    phase: screen.phase,
    canUseAuthenticator: screen.authenticator,
    otp: screen.otp,
    error: screen.error,
  }),
  acceptsLinks: always,
};

/** What asking for a one-time password becomes, and its timer running out. */
export type OtpResultEvent =
  | { readonly type: 'otp.loaded'; readonly authenticator: boolean }
  | { readonly type: 'otp.issued'; readonly otp: string; readonly issuedAt: number; readonly expiresAt: number }
  | { readonly type: 'otp.failed'; readonly error: KeywayErrorShape }
  /** The timer of the OTP on screen ran out. */
  | { readonly type: 'otp.expired' };

export const otpResults: EffectResults<
  OtpEffect,
  { readonly otp: OtpOutcome; readonly otpTimer: null },
  OtpResultEvent,
  { readonly otpTimer: { readonly kind: 'expired' } }
> = {
  otp: {
    done: (outcome: OtpOutcome) =>
      outcome.kind === 'options'
        ? { type: 'otp.loaded', authenticator: outcome.authenticator }
        : { type: 'otp.issued', otp: outcome.otp, issuedAt: outcome.issuedAt, expiresAt: outcome.expiresAt },
    failed: (error) => ({ type: 'otp.failed', error }),
  },
  // The timer says nothing when set and cannot fail; it reports once, later, when the OTP expires.
  otpTimer: { done: () => null, failed: () => null, progress: () => ({ type: 'otp.expired' }) },
};
