import type { AuditLog } from '../audit/audit-log';
import { KeywayError } from '../../protocol/errors';
import type { IssuedOtp, OtpIssueRequest, OtpOptions, OtpVerdict } from '../../protocol/otp';
import type { AuthenticatorStore } from '../mfa/authenticators';
import type { SecondFactorLock } from '../mfa/failure-lock';
import { tellAfterCommit, type SecurityNotices } from '../mfa/notices';
import { acceptAuthenticatorCode, countWrongCode } from '../mfa/verify-code';
import { reauthenticate } from '../sessions/reauthenticate';
import type { SessionService } from '../sessions/session-service';
import type { Storage } from '../storage/storage';
import type { UserRecord, UserStore } from '../users/user-store';
import { userSummary } from '../users/user-summary';
import type { ServiceOtpStore } from './service-otps';

export interface OtpServiceDeps {
  clock: () => number;
  /** The authenticator-code check runs as one transaction on it; notices are mailed after it commits. */
  storage: Storage;
  sessions: SessionService;
  users: UserStore;
  authenticators: AuthenticatorStore;
  lock: SecondFactorLock;
  notices: SecurityNotices;
  /** A wrong-code lock-out here is audited like one at sign-in. */
  audit: AuditLog;
  otps: ServiceOtpStore;
  ttlSeconds: number;
}

/**
 * One-time passwords for other services: issued to a signed-in user who proves it is them again
 * (password, or a code from their authenticator app), checked once by a front end.
 */
export class OtpService {
  constructor(private readonly deps: OtpServiceDeps) {}

  async options(user: UserRecord): Promise<OtpOptions> {
    return { authenticator: await this.deps.authenticators.hasConfirmed(user.id), ttlSeconds: this.deps.ttlSeconds };
  }

  async issue(user: UserRecord, proof: OtpIssueRequest): Promise<IssuedOtp> {
    if ('password' in proof) await reauthenticate(this.deps.sessions, user, proof.password);
    else await this.proveAuthenticator(user, proof.authenticatorCode);
    const { otp } = await this.deps.otps.issue(user.id, this.deps.ttlSeconds);
    return { otp, expiresIn: this.deps.ttlSeconds };
  }

  /**
   * Accept or reject, and nothing about why: an unknown login ID costs the same lookup, HMAC and
   * comparison as a wrong OTP, and both answer the same.
   */
  async verify(loginId: string, otp: string): Promise<OtpVerdict> {
    const user = await this.deps.users.findByName(loginId);
    const accepted = await this.deps.otps.verify(user?.id, otp);
    return accepted && user ? { result: 'accept', user: userSummary(user) } : { result: 'reject' };
  }

  /** A code from one of the user's authenticators; each time step is accepted once (as at sign-in). */
  private async proveAuthenticator(user: UserRecord, code: string): Promise<void> {
    const { authenticators, clock, storage, lock, notices, audit } = this.deps;
    // Wrong codes here count toward the account's second-factor lock like wrong codes at sign-in: the
    // lock re-check, the step spent and the count are one transaction (verify-code.ts), mail after it.
    const outcome = await tellAfterCommit(storage, notices, async (held) => {
      const locked = await lock.lockError(user.id);
      if (locked) return locked;
      const confirmed = await authenticators.confirmedOf(user.id);
      if (confirmed.length === 0) return 'none';
      const verdict = (await acceptAuthenticatorCode(authenticators, confirmed, code, clock())).verdict;
      if (verdict === 'accepted') await lock.clear(user.id);
      if (verdict === 'wrong') return (await countWrongCode({ lock, notices: held, audit }, user)) ?? verdict;
      return verdict;
    });
    if (outcome instanceof KeywayError) throw outcome;
    if (outcome === 'accepted') return;
    if (outcome === 'none') {
      throw new KeywayError(
        'mfa_channel_not_allowed',
        'No authenticator app is set up for this account. Enter your password instead.',
      );
    }
    if (outcome === 'used')
      throw new KeywayError('mfa_code_used', 'This code has already been used. Wait for the next one.');
    throw new KeywayError('mfa_code_invalid', 'That code is not right. Check the app and the time on this device.');
  }
}
