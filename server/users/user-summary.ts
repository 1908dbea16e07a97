import type { UserSummary } from '../../protocol/api';
import type { UserRecord } from './user-store';

export function userSummary(user: UserRecord): UserSummary {
  return { loginId: user.loginId, displayName: user.displayName, email: user.email };
}

/** Where the server's features are described once: the deployment config and discovery both carry them. */
export const SERVER_FEATURES = { forgotPassword: false, manualLogin: true } as const;
