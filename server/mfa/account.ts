import type { AuditLog } from '../audit/audit-log';
import { KeywayError } from '../../protocol/errors';
import type { MfaOverview } from '../../protocol/mfa';
import { KeywayStatusError } from '../http/status-error';
import type { ServerIdentity } from '../identity';
import { reauthenticate } from '../sessions/reauthenticate';
import type { SessionService } from '../sessions/session-service';
import type { Storage } from '../storage/storage';
import type { UserRecord } from '../users/user-store';
import type { AuthenticatorStore } from './authenticators';
import type { DeviceStore } from './devices';
import type { SecurityNotices } from './notices';
import type { RecoveryCodeStore } from './recovery-codes';
import type { Passkeys } from './passkeys';
import { channelAvailable, type MfaPolicyStore } from './policy';
import type { MfaGate } from './sign-in-gate';
import { checkTotp, totpUri } from './totp';

/** An enrolment from the profile must be finished this soon. */
const PROFILE_ENROLLMENT_TTL_MS = 10 * 60 * 1000;

export interface AccountDeps {
  clock: () => number;
  /** Each check-then-write is one transaction on it; notices are mailed after it commits. */
  storage: Storage;
  identity: ServerIdentity;
  sessions: SessionService;
  policy: MfaPolicyStore;
  authenticators: AuthenticatorStore;
  devices: DeviceStore;
  gate: MfaGate;
  notices: SecurityNotices;
  recoveryCodes: RecoveryCodeStore;
  passkeys: Pick<Passkeys, 'list'>;
  audit: AuditLog;
}

export interface StartedEnrollment {
  enrollmentId: string;
  otpauthUri: string;
  secret: string;
}

/** A signed-in user's own MFA settings: authenticators and remembered devices. */
export class MfaAccount {
  constructor(private readonly deps: AccountDeps) {}

  async overview(user: UserRecord): Promise<MfaOverview> {
    const policy = await this.deps.policy.forUser(user.id);
    return {
      authenticators: (await this.deps.authenticators.confirmedOf(user.id)).map((each) => ({
        id: each.id,
        name: each.name,
        createdAt: each.createdAt,
      })),
      passkeys: await this.deps.passkeys.list(user.id),
      trustedDevices: (await this.deps.devices.trusted(user.id, policy.trustDays)).map((device) => ({
        deviceId: device.id,
        name: device.name,
        lastUsedAt: device.lastUsedAt ?? null,
        trustedUntil: device.trustedUntil,
      })),
      policy,
      recoveryCodes: await this.recoveryCodeStatus(user),
    };
  }

  /** How many unused recovery codes the user has, or null without a set. */
  async recoveryCodeStatus(user: UserRecord): Promise<{ remaining: number } | null> {
    const remaining = await this.deps.recoveryCodes.remaining(user.id);
    return remaining === null ? null : { remaining };
  }

  /**
   * A new set of recovery codes after asking for the password again; the old set stops working in the
   * same transaction. Returned once: only their keyed hashes are kept.
   */
  async regenerateRecoveryCodes(user: UserRecord, password: string): Promise<string[]> {
    await reauthenticate(this.deps.sessions, user, password);
    return this.deps.storage.transaction(async () => {
      const codes = await this.deps.recoveryCodes.replace(user.id);
      await this.deps.audit.record({
        type: 'recovery-codes.regenerated',
        actor: { kind: 'user', userId: user.id },
        details: { codes: codes.length },
      });
      return codes;
    });
  }

  /** Adds an authenticator (pending until confirmed); asks for the password again first. */
  async startEnrollment(user: UserRecord, password: string): Promise<StartedEnrollment> {
    await reauthenticate(this.deps.sessions, user, password);
    if (!(await this.deps.policy.forUser(user.id)).channels.includes('totp')) {
      throw new KeywayError('mfa_channel_not_allowed', 'Your organisation does not allow authenticator apps.');
    }
    const { authenticator, secret } = await this.deps.authenticators.createPending(
      user.id,
      this.deps.clock() + PROFILE_ENROLLMENT_TTL_MS,
    );
    return {
      enrollmentId: authenticator.id,
      otpauthUri: totpUri(secret, this.deps.identity.name, user.loginId),
      secret,
    };
  }

  /**
   * Confirms an enrolment with a first code from the app, under the name the user chose. When it is the
   * user's first second factor (no recovery codes yet), answers their new recovery codes, once.
   */
  async confirmEnrollment(
    user: UserRecord,
    enrollmentId: string,
    code: string,
    name: string,
  ): Promise<{ recoveryCodes: string[] | undefined }> {
    const { authenticators, clock, storage } = this.deps;
    let recoveryCodes: string[] | undefined;
    // One transaction: the pending row read, the step spent and the confirmation (SQLite: IMMEDIATE;
    // PostgreSQL: SERIALIZABLE with retry), so one code confirms one enrolment once.
    const outcome = await storage.transaction(async () => {
      recoveryCodes = undefined;
      const pending = await authenticators.findPending(enrollmentId, user.id);
      if (!pending) return 'gone';
      const check = checkTotp(await authenticators.secretOf(pending), code, clock(), pending.lastStep);
      if (check.outcome !== 'accepted') return check.outcome;
      if (!(await authenticators.acceptStep(pending.id, check.step))) return 'used';
      await authenticators.confirm(pending.id, name.trim() === '' ? pending.name : name.trim());
      recoveryCodes = await this.deps.recoveryCodes.firstSet(user.id);
      await this.deps.audit.record({
        type: 'factor.added',
        actor: { kind: 'user', userId: user.id },
        details: { kind: 'totp' },
      });
      return 'confirmed';
    });
    if (outcome === 'gone') {
      throw new KeywayError('mfa_challenge_expired', 'This enrolment has expired or is finished. Start again.');
    }
    if (outcome === 'used')
      throw new KeywayError('mfa_code_used', 'This code has already been used. Wait for the next one.');
    if (outcome === 'invalid') {
      throw new KeywayError('mfa_code_invalid', 'That code is not right. Check the app and the time on this device.');
    }
    this.deps.notices.tell(user, { kind: 'authenticator-added' });
    return { recoveryCodes };
  }

  /**
   * Removes an authenticator after asking for the password again. The last one may go only when the
   * user can still pass an enforced policy another way (an allowed e-mail channel, or SMS with a phone).
   */
  async removeAuthenticator(user: UserRecord, id: string, password: string): Promise<void> {
    await reauthenticate(this.deps.sessions, user, password);
    const { authenticators, policy: policies, gate, storage } = this.deps;
    // One transaction: "not the last one" is re-checked where the row is deleted, so two removals at
    // once cannot both pass it (SQLite: IMMEDIATE; PostgreSQL: SERIALIZABLE, the second is retried).
    await storage.transaction(async () => {
      const confirmed = await authenticators.confirmedOf(user.id);
      if (!confirmed.some((each) => each.id === id)) {
        throw new KeywayError('not_found', 'This account has no such authenticator.');
      }
      const policy = await policies.forUser(user.id);
      const factors = { ...(await gate.factorsOf(user)), hasAuthenticator: confirmed.length > 1 };
      const enforcedTotp = policy.mode === 'enforced' && policy.channels.includes('totp');
      const otherWay = policy.channels.some((channel) => channel !== 'totp' && channelAvailable(channel, factors));
      if (enforcedTotp && confirmed.length === 1 && !otherWay) {
        throw new KeywayStatusError(
          'invalid_input',
          'This is your only authenticator app and your organisation requires a second step to sign in: ' +
            'add another authenticator first, then remove this one.',
          409,
        );
      }
      await authenticators.remove(id, user.id);
      await this.deps.audit.record({
        type: 'factor.removed',
        actor: { kind: 'user', userId: user.id },
        details: { kind: 'totp', count: 1 },
      });
    });
    this.deps.notices.tell(user, { kind: 'authenticator-removed' });
  }

  /** Ends the trust in a remembered device (the device forgetting itself, or the user revoking it). */
  async removeDevice(user: UserRecord, deviceId: string): Promise<void> {
    const revoked = await this.deps.storage.transaction(async () => {
      if (!(await this.deps.devices.revoke(deviceId, user.id))) return false;
      await this.deps.audit.record({
        type: 'factor.removed',
        actor: { kind: 'user', userId: user.id },
        details: { kind: 'device', count: 1 },
      });
      return true;
    });
    if (!revoked) throw new KeywayError('not_found', 'This account has no such device.');
  }

  /** Sensitive changes need the password again; wrong passwords count toward the account lock-out. */
}
