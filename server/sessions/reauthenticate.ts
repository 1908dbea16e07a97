import { KeywayError } from '../../protocol/errors';
import type { UserRecord } from '../users/user-store';
import type { SessionService } from './session-service';

/**
 * Asks a signed-in user for their password again before a sensitive step (changing authenticators,
 * a one-time password for another service). A wrong password counts toward the lock-out, as everywhere.
 */
export async function reauthenticate(sessions: SessionService, user: UserRecord, password: string): Promise<void> {
  try {
    await sessions.authenticate(user.loginId, password, 'reauthentication');
  } catch (error) {
    if (error instanceof KeywayError && error.code === 'invalid_credentials') {
      throw new KeywayError('reauthentication_required', 'The password is not correct. Enter your current password.');
    }
    throw error;
  }
}
