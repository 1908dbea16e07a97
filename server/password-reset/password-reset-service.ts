import type { AuditLog } from '../audit/audit-log';
import { KeywayError } from '../../protocol/errors';
import { PASSWORD_RESET_PAGE_PATH, type PasswordResetRequested } from '../../protocol/password-reset';
import type { ServerIdentity } from '../identity';
import type { MailDelivery } from '../mail/mail-delivery';
import { passwordResetEmail } from '../mail/password-reset-email';
import type { Storage } from '../storage/storage';
import { hashPassword } from '../users/password-hash';
import { isLockedByAdmin } from '../users/user-lock';
import { passwordProblem } from '../users/password-policy';
import type { UserRecord, UserStore } from '../users/user-store';
import type { ResetLinkStore } from './reset-links';
import type { PasswordResetPolicy, PasswordResetPolicyStore } from './reset-policy';
import { signOutEverywhere } from './sign-out-everywhere';

/** At most this many reset e-mails per account per hour; further requests get the same answer and no mail. */
const RESET_MAILS_PER_ACCOUNT_PER_HOUR = 3;
const HOUR_MS = 60 * 60 * 1000;

/** Why a link does not work; `locked`: an admin locked its user (users/user-lock.ts), whatever the link's state. */
export type LinkProblem = 'disabled' | 'unknown' | 'expired' | 'used' | 'locked';

/** A reset link as the reset page sees it: whose it is, or why it does not work. */
export type LinkCheck = { ok: true; user: UserRecord; expiresAt: number } | { ok: false; problem: LinkProblem };

export type ResetOutcome =
  | { outcome: 'reset'; user: UserRecord; revokedSessions: number }
  | { outcome: 'link'; problem: LinkProblem }
  /** The new password breaks a rule (`reason` says which); the link still works. */
  | { outcome: 'rejected'; reason: string; user: UserRecord };

export interface PasswordResetDeps {
  storage: Storage;
  clock: () => number;
  identity: ServerIdentity;
  users: UserStore;
  links: ResetLinkStore;
  policy: PasswordResetPolicyStore;
  /** The server's mail; undefined in processes that send none (the admin CLI). */
  mail: () => MailDelivery | undefined;
  log: (line: string) => void;
  audit: AuditLog;
  /**
   * Whether forgot-password is offered to this user: false when their pushed deployment profile turns it
   * off (deployment-profiles; it can only take away what the server's switch offers). Default: yes.
   */
  offeredTo?: ((userId: number) => Promise<boolean>) | undefined;
}

/**
 * Forgot password: a link by e-mail to the server's reset page, where the user picks a new password
 * under the same rules as everywhere (password-policy.ts). The request never reveals whether the
 * account exists; the reset signs the user out everywhere and voids every other link.
 */
export class PasswordResetService {
  constructor(private readonly deps: PasswordResetDeps) {}

  policy(): Promise<PasswordResetPolicy> {
    return this.deps.policy.read();
  }

  /**
   * The same answer for every login ID. For an existing account (within the per-account cap) a link is
   * made and the e-mail is sent after the caller has answered: how long mail takes must not tell
   * whether the account exists.
   */
  async request(loginId: string): Promise<PasswordResetRequested> {
    const policy = await this.requireEnabled();
    const named = await this.deps.users.findByName(loginId);
    // A user whose profile turns forgot-password off gets the same answer, and no link.
    const user = named && (await this.offeredTo(named.id)) ? named : undefined;
    const { links, clock, storage, users } = this.deps;
    // The cap's count and the new link are one transaction, so concurrent requests (on one instance or
    // several) cannot all pass the count: SQLite runs them one after another; PostgreSQL's SERIALIZABLE
    // (storage.ts) retries all but one, and the retry counts the other's link. The mail goes after commit.
    // A user an admin locked gets the answer an unknown login gets, and no link: a reset must not be a
    // way around the lock. The lock is read inside the transaction, so a lock that commits meanwhile
    // either is seen here or voids the new link (AdminService.lockUser; on PostgreSQL the two conflict).
    const issued =
      user &&
      (await storage.transaction(async () => {
        const current = await users.findById(user.id);
        if (!current) return undefined;
        if (isLockedByAdmin(current)) return 'locked' as const;
        return (await links.issuedSince(user.id, clock() - HOUR_MS)) < RESET_MAILS_PER_ACCOUNT_PER_HOUR
          ? (await links.issue(user.id, policy.linkTtlMinutes * 60_000)).token
          : undefined;
      }));
    // Audited where the requester cannot see it (the answer below is the same).
    if (user && issued === 'locked') await this.refused(user.id, 'request');
    else if (user && issued !== undefined) setImmediate(() => void this.send(user, issued, policy.linkTtlMinutes));
    return { status: 'requested', linkValidMinutes: policy.linkTtlMinutes };
  }

  /**
   * Whether the link in the page's URL works, without spending it. A link of a user an admin locked is
   * refused as `locked` (and audited), also when it was voided by the lock: its holder already knows
   * the account, and "already used" would send them asking for a new link that never comes.
   */
  async check(token: string): Promise<LinkCheck> {
    const checked = await this.inspect(token);
    if (!checked.ok && 'userId' in checked) await this.refused(checked.userId, 'link');
    return checked.ok ? checked : { ok: false, problem: checked.problem };
  }

  /**
   * Voids every open link of the user: an admin's lock calls it (AdminService.lockUser, in the lock's
   * transaction), so a link sent before the lock does not work again after an unlock.
   */
  voidLinksOf(userId: number): Promise<number> {
    return this.deps.links.voidAllOf(userId);
  }

  /** Sets the new password once the link and the rules allow it, and ends everything the old one opened. */
  async complete(token: string, password: string): Promise<ResetOutcome> {
    const checked = await this.check(token);
    if (!checked.ok) return { outcome: 'link', problem: checked.problem };
    const { user } = checked;
    const reason = passwordProblem(password, user);
    if (reason !== undefined) return { outcome: 'rejected', reason, user };
    const passwordHash = await hashPassword(password);
    const { storage, links, users, clock } = this.deps;
    const outcome = await storage.transaction(async (): Promise<ResetOutcome> => {
      // A lock that committed since the check above wins: read again in the transaction (on PostgreSQL
      // the lock's write to the user row and its voiding of this link conflict with this one, which is
      // retried and reads the lock, storage.ts; SQLite runs writers one at a time).
      const current = await users.findById(user.id);
      if (current && isLockedByAdmin(current)) return { outcome: 'link', problem: 'locked' };
      // Spent inside the transaction (consume's conditional UPDATE decides, reset-links.ts): of two
      // submits with one link, only one sets a password, and a failure after it un-spends the link.
      const spent = await links.consume(token);
      if (spent.outcome !== 'valid') return { outcome: 'link', problem: spent.outcome };
      await users.setPasswordHash(user.id, passwordHash);
      await links.voidAllOf(user.id);
      const revokedSessions = (await signOutEverywhere(storage, user.id, clock())).apiSessions;
      // The owner of the mailbox proved who they are: a lock-out from someone's guessing ends too.
      await storage.q().deleteFrom('sign_in_failures').where('subject', '=', `user:${user.id}`).execute();
      await this.deps.audit.record({
        type: 'password.reset',
        actor: { kind: 'user', userId: user.id },
        details: { via: 'reset-link', sessionsRevoked: revokedSessions },
      });
      return { outcome: 'reset', user, revokedSessions };
    });
    if (outcome.outcome === 'link' && outcome.problem === 'locked') await this.refused(user.id, 'link');
    return outcome;
  }

  /** check() without its audit record: the link's user when it works, else why not (and whose, if locked). */
  private async inspect(token: string): Promise<LinkCheck | { ok: false; problem: 'locked'; userId: number }> {
    if (!(await this.deps.policy.read()).enabled) return { ok: false, problem: 'disabled' };
    const { links, users } = this.deps;
    const state = await links.state(token);
    if (state.outcome === 'unknown') return { ok: false, problem: 'unknown' };
    const userId = state.outcome === 'valid' ? state.userId : await links.ownerOf(token);
    const user = userId === undefined ? undefined : await users.findById(userId);
    if (!user) return { ok: false, problem: 'unknown' };
    if (isLockedByAdmin(user)) return { ok: false, problem: 'locked', userId: user.id };
    if (state.outcome !== 'valid') return { ok: false, problem: state.outcome };
    // A link sent before the user's profile turned forgot-password off stops working with it.
    if (!(await this.offeredTo(user.id))) return { ok: false, problem: 'disabled' };
    return { ok: true, user, expiresAt: state.expiresAt };
  }

  /** Records that a locked user's reset was refused (the requester sees the usual answer or the link page). */
  private refused(userId: number, step: 'request' | 'link'): Promise<void> {
    return this.deps.audit.record({
      type: 'password-reset.refused',
      actor: { kind: 'anonymous' },
      userId,
      reason: 'account_locked_by_admin',
      details: { step },
    });
  }

  private offeredTo(userId: number): Promise<boolean> {
    return this.deps.offeredTo?.(userId) ?? Promise.resolve(true);
  }

  private async requireEnabled(): Promise<PasswordResetPolicy> {
    const policy = await this.deps.policy.read();
    if (!policy.enabled) {
      throw new KeywayError(
        'password_reset_disabled',
        'This server does not offer password reset. Ask your IT department for a new password.',
      );
    }
    return policy;
  }

  private async send(user: UserRecord, token: string, minutes: number): Promise<void> {
    const { identity, log } = this.deps;
    const mail = this.deps.mail();
    try {
      if (!mail) throw new Error('this process sends no mail');
      await mail.send(
        passwordResetEmail({
          to: user.email,
          displayName: user.displayName,
          loginId: user.loginId,
          serverName: identity.name,
          resetUrl: `${identity.origin}${PASSWORD_RESET_PAGE_PATH}?token=${encodeURIComponent(token)}`,
          minutes,
        }),
      );
    } catch (error) {
      // Never surfaces to the requester (that would tell the account exists); the admin sees it in the log.
      log(`error: password reset: could not send the e-mail to ${user.loginId}: ${errorText(error)}`);
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
