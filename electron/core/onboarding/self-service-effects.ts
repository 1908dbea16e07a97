import type { KeywayErrorShape } from '../../../protocol/errors';
import type { Clock } from '../ports';
import type { ServerApi } from '../server-api/server-api';
import type { SelfServiceEffect } from './self-service-states';
import type { OnboardingEvent } from './states';

export interface SelfServiceIo {
  api: (origin: string) => ServerApi;
  /** Runs `call` with the profile's access token, refreshing the session once when it has expired. */
  withAccessToken: <T>(origin: string, call: (token: string) => Promise<T>) => Promise<T>;
  clock: Clock;
  /** Reports an event later, outside this effect (the OTP timer). */
  emit: (event: OnboardingEvent) => void;
}

/** Runs the effects of the forgot-password and one-time-password steps; each resolves to one event (or none). */
export async function performSelfService(
  effect: SelfServiceEffect,
  io: SelfServiceIo,
): Promise<OnboardingEvent | null> {
  switch (effect.type) {
    case 'requestPasswordReset': {
      const answer = await io.api(effect.origin).requestPasswordReset(effect.loginId);
      return { type: 'passwordReset.requested', minutes: answer.linkValidMinutes };
    }
    case 'otp': {
      const api = io.api(effect.origin);
      if (effect.action.kind === 'load') {
        const options = await io.withAccessToken(effect.origin, (token) => api.otpOptions(token));
        return { type: 'otp.loaded', authenticator: options.authenticator };
      }
      const proof = effect.action.proof;
      const issued = await io.withAccessToken(effect.origin, (token) => api.issueOtp(token, proof));
      const issuedAt = io.clock.now();
      return { type: 'otp.issued', otp: issued.otp, issuedAt, expiresAt: issuedAt + issued.expiresIn * 1000 };
    }
    case 'otpTimer': {
      // Not awaited: a running OTP must not count as work in progress (KeywayCore.settled()).
      const timer = setTimeout(() => io.emit({ type: 'otp.expired' }), Math.max(0, effect.expiresAt - io.clock.now()));
      timer.unref();
      return null;
    }
  }
}

export function selfServiceFailure(effect: SelfServiceEffect, error: KeywayErrorShape): OnboardingEvent | null {
  switch (effect.type) {
    case 'requestPasswordReset':
      return { type: 'passwordReset.failed', error };
    case 'otp':
      return { type: 'otp.failed', error };
    case 'otpTimer':
      return null;
  }
}
