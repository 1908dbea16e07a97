import type { SignInMethod, UserSummary } from '../../protocol/api';
import type { UserRecord } from './user-store';

export function userSummary(user: UserRecord): UserSummary {
  return { loginId: user.loginId, displayName: user.displayName, email: user.email };
}

/** The stored method as the protocol describes it; only password sign-in exists so far. */
export function signInMethodOf(user: UserRecord): SignInMethod {
  if (user.signInMethod === 'password') return { method: 'password' };
  throw new Error(`User ${user.id} has the sign-in method "${user.signInMethod}", which this server cannot serve.`);
}
