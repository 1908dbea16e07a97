import type { KeywayErrorShape } from '../../../../protocol/errors';
import type { View } from '../../../ipc/view';
import type { PasswordScreen } from '../password/step';
import type { OnboardingEvent, OnboardingState, Step } from '../states';
import { go, type EffectResults } from '../step';

/**
 * "Forgot your password?" on the Password page, offered only when the server said it offers it (its
 * features, from the deployment or discovery). Keyway asks the server to e-mail a reset link for the
 * login ID on screen; the new password is chosen on the server's page, then typed here as usual.
 * Part of the Password screen (password/), not a screen of its own.
 */

/** The request under way, then the e-mail sent. */
export type PasswordResetRequest =
  { readonly status: 'sending' } | { readonly status: 'sent'; readonly minutes: number };

export interface PasswordResetEffect {
  readonly type: 'requestPasswordReset';
  readonly origin: string;
  readonly loginId: string;
}

export function canRequestReset(screen: PasswordScreen): boolean {
  return (screen.pending?.features.forgotPassword ?? screen.target.forgotPassword) === true;
}

export function onPasswordReset(state: OnboardingState, screen: PasswordScreen, event: OnboardingEvent): Step | null {
  switch (event.type) {
    case 'passwordReset.requested':
      if (!canRequestReset(screen) || screen.reset?.status === 'sending') return null;
      return go(
        state,
        { ...screen, reset: { status: 'sending' }, error: null },
        {
          type: 'requestPasswordReset',
          origin: screen.target.origin,
          loginId: screen.target.loginId,
        },
      );
    // Only the answer to this page's own request gets here: one for an earlier page is stale (journey.ts).
    case 'passwordReset.sent':
      return go(state, { ...screen, reset: { status: 'sent', minutes: event.minutes } });
    case 'passwordReset.failed':
      return go(state, { ...screen, reset: null, error: event.error });
    default:
      return null;
  }
}

export function forgotPasswordView(
  reset: PasswordResetRequest | null,
): NonNullable<Extract<View, { screen: 'password' }>['forgotPassword']> {
  if (reset === null) return { status: 'offered', minutes: null };
  return reset.status === 'sending' ? { status: 'sending', minutes: null } : { status: 'sent', minutes: reset.minutes };
}

/** What asking for a password-reset e-mail becomes. */
export type PasswordResetResultEvent =
  | { readonly type: 'passwordReset.sent'; readonly minutes: number }
  | { readonly type: 'passwordReset.failed'; readonly error: KeywayErrorShape };

export const passwordResetResults: EffectResults<
  PasswordResetEffect,
  { readonly requestPasswordReset: { readonly minutes: number } },
  PasswordResetResultEvent
> = {
  requestPasswordReset: {
    done: (answer: { readonly minutes: number }) => ({ type: 'passwordReset.sent', minutes: answer.minutes }),
    failed: (error) => ({ type: 'passwordReset.failed', error }),
  },
};
