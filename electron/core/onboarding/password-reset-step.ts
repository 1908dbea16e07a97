import type { OnboardingEvent, OnboardingState, Screen, Step } from './states';

/**
 * "Forgot your password?" on the Password page, offered only when the server said it offers it (its
 * features, from the deployment or discovery). Keyway asks the server to e-mail a reset link for the
 * login ID on screen; the new password is chosen on the server's page, then typed here as usual.
 */
type PasswordScreen = Extract<Screen, { kind: 'password' }>;

export function canRequestReset(screen: PasswordScreen): boolean {
  return (screen.pending?.features.forgotPassword ?? screen.target.forgotPassword) === true;
}

export function onPasswordReset(state: OnboardingState, screen: PasswordScreen, event: OnboardingEvent): Step | null {
  const go = (next: PasswordScreen, effects: Step['effects'] = []): Step => ({
    state: { ...state, screen: next },
    effects,
  });
  switch (event.type) {
    case 'password.forgot':
      if (!canRequestReset(screen) || screen.reset?.status === 'sending') return null;
      return go({ ...screen, reset: { status: 'sending' }, error: null }, [
        { type: 'requestPasswordReset', origin: screen.target.origin, loginId: screen.target.loginId },
      ]);
    // Only the answer to this page's own request gets here: one for an earlier page is stale (journey.ts).
    case 'passwordReset.requested':
      return go({ ...screen, reset: { status: 'sent', minutes: event.minutes } });
    case 'passwordReset.failed':
      return go({ ...screen, reset: null, error: event.error });
    default:
      return null;
  }
}
