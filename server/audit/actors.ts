import os from 'node:os';
import type { AuditActor } from './events';

/**
 * The admin CLI's actor: "cli:<os user>", the account that ran the command (os.userInfo, which reads the
 * password database; a process without an entry there, e.g. an arbitrary container UID, is "cli:unknown").
 * Characters outside the admin-name pattern (events.ts AdminName) are dropped, so any name records.
 */
export function cliActor(): AuditActor & { kind: 'admin' } {
  let user = '';
  try {
    user = os.userInfo().username;
  } catch {
    // No password-database entry for this UID: recorded as unknown rather than failing the command.
  }
  const cleaned = user.replace(/[^A-Za-z0-9._@+-]/g, '').slice(0, 64);
  return { kind: 'admin', name: `cli:${cleaned === '' ? 'unknown' : cleaned}` };
}

/**
 * The admin console's actor for a signed-in admin: "console:<login ID>". A login ID may hold characters
 * the admin-name pattern does not (events.ts AdminName); they are dropped, as for the CLI.
 */
export function consoleActor(loginId: string): AuditActor & { kind: 'admin' } {
  const cleaned = loginId.replace(/[^A-Za-z0-9._@+-]/g, '').slice(0, 64);
  return { kind: 'admin', name: `console:${cleaned === '' ? 'unknown' : cleaned}` };
}
