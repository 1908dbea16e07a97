import { KeywayError } from '../../protocol/errors';

export function expired(): KeywayError {
  return new KeywayError('mfa_challenge_expired', 'This sign-in has expired or is already complete. Sign in again.');
}

export function tooManyAttempts(): KeywayError {
  return new KeywayError('mfa_too_many_attempts', 'Too many wrong codes. Sign in again to get a new one.');
}
