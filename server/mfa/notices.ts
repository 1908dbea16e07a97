import type { MailDelivery } from '../mail/mail-delivery';
import { securityNoticeEmail, type SecurityEvent } from '../mail/security-notice-email';
import type { Storage } from '../storage/storage';
import type { UserRecord } from '../users/user-store';

/** Tells a user by e-mail when a second factor is added or removed, a device is remembered, or codes lock. */
export interface SecurityNotices {
  tell(user: UserRecord, event: SecurityEvent): void;
}

/**
 * Sends each notice in the background: the change it reports has already happened (and committed), so
 * a mail failure must not undo it or fail the user's request; it is logged instead.
 */
export function mailedNotices(options: {
  mail: () => MailDelivery | undefined;
  serverName: () => string;
  log: (line: string) => void;
}): SecurityNotices {
  return {
    tell(user, event) {
      const mail = options.mail();
      if (!mail) {
        options.log(`warning: mfa: no mail delivery, so ${user.loginId} was not told about ${event.kind}`);
        return;
      }
      const message = securityNoticeEmail({
        to: user.email,
        displayName: user.displayName,
        serverName: options.serverName(),
        event,
      });
      mail.send(message).catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        options.log(`error: mfa: could not send the ${event.kind} notice to ${user.loginId}: ${reason}`);
      });
    },
  };
}

/**
 * Runs `work` as one transaction (`storage.transaction`) and tells the user what it reports only once
 * it has committed: `work` gets notices that are held back, and a PostgreSQL retry (storage.ts) starts
 * with none held, so a mail never reports a change that was rolled back, nor reports one twice.
 * Outermost transactions only: nested inside another, "committed" would mean only its savepoint.
 */
export async function tellAfterCommit<T>(
  storage: Storage,
  notices: SecurityNotices,
  work: (held: SecurityNotices) => Promise<T>,
): Promise<T> {
  let held: [UserRecord, SecurityEvent][] = [];
  const result = await storage.transaction(() => {
    held = [];
    return work({ tell: (user, event) => held.push([user, event]) });
  });
  for (const [user, event] of held) notices.tell(user, event);
  return result;
}
