import type { KeywayErrorShape } from '../../../protocol/errors';
import type { OtpProof, OtpScreen } from './self-service-states';
import type { HomeInfo, OnboardingEvent, OnboardingState, Step } from './states';

/**
 * One-time passwords for other services (a VPN, RADIUS): Home → One-time password. The user proves it
 * is them again (the password, or a code from their authenticator app); the server issues an OTP that
 * the screen shows until it expires. Core's timer, not the renderer, decides the expiry: the OTP then
 * leaves the view, and "Make a new one" asks again.
 */

export function openOtp(state: OnboardingState, home: HomeInfo): Step {
  const screen: OtpScreen = {
    kind: 'oneTimePassword',
    home,
    phase: 'loading',
    authenticator: false,
    otp: null,
    error: null,
  };
  return { state: { ...state, screen }, effects: [{ type: 'otp', origin: home.origin, action: { kind: 'load' } }] };
}

export function onOtp(state: OnboardingState, screen: OtpScreen, event: OnboardingEvent): Step | null {
  const go = (next: Partial<OtpScreen>, effects: Step['effects'] = []): Step => ({
    state: { ...state, screen: { ...screen, ...next } },
    effects,
  });
  switch (event.type) {
    case 'otp.loaded':
      return screen.phase === 'loading' ? go({ phase: 'ask', authenticator: event.authenticator }) : null;
    case 'otp.failed':
      return screen.phase === 'loading' || screen.phase === 'issuing' ? go({ phase: 'ask', error: event.error }) : null;
    case 'otp.submit': {
      if (screen.phase !== 'ask') return null;
      const proof = checkedProof(event.proof, screen.authenticator);
      if ('code' in proof) return go({ error: proof });
      return go({ phase: 'issuing', error: null }, [
        { type: 'otp', origin: screen.home.origin, action: { kind: 'issue', proof } },
      ]);
    }
    case 'otp.issued':
      if (screen.phase !== 'issuing') return null;
      return go({ phase: 'showing', otp: { value: event.otp, issuedAt: event.issuedAt, expiresAt: event.expiresAt } }, [
        { type: 'otpTimer', expiresAt: event.expiresAt },
      ]);
    case 'otp.expired':
      // Only this OTP's own timer gets here: an older timer is a stale result (journey.ts).
      return go({ phase: 'expired', otp: null });
    case 'otp.again':
      return screen.phase === 'expired' ? go({ phase: 'ask', error: null }) : null;
    case 'back':
      // Leaving drops the OTP from the state; it still works at the server until it expires.
      return { state: { ...state, screen: { kind: 'home', home: screen.home, notice: null } }, effects: [] };
    default:
      return null;
  }
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
