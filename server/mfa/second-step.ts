import { KeywayError } from '../../protocol/errors';
import type { CodeSent, MfaChannel, TotpEnrollment } from '../../protocol/mfa';
import { AUDIT_EVENTS } from '../audit/events';
import type { ServerIdentity } from '../identity';
import type { Storage } from '../storage/storage';
import type { UserRecord, UserStore } from '../users/user-store';
import type { AuthenticatorStore } from './authenticators';
import { codeContext, type ChallengeStore, type CodeChannel, type LiveChallenge } from './challenges';
import { CHALLENGE_GRACE_AFTER_CODE_MS, CHALLENGE_MAX_LIFETIME_MS, newOneTimeCode, type CodeTimings } from './codes';
import type { CodeDelivery } from './delivery';
import type { FirstEnrolment } from './enrolment';
import { maskEmail, maskPhone } from './destinations';
import { channelAvailable, type MfaPolicyStore } from './policy';
import type { SecretBox } from './secret-box';
import { expired, tooManyAttempts } from './mfa-errors';
import { secondsUntil, type MfaGate } from './sign-in-gate';
import { totpUri } from './totp';
import { checkCode, checkRecoveryCode, type CheckDeps } from './verify-code';
import { tellAfterCommit } from './notices';

const SECOND_FACTOR_REASONS = AUDIT_EVENTS['second-factor.failed'].reasons;

/** A challenge as the API names it (its id) or as the provider's pages do (their interaction). */
export type ChallengeRef = { challengeId: string } | { interactionUid: string };

export interface SecondStepDeps extends CheckDeps {
  clock: () => number;
  /** Runs each check as one transaction (storage.transaction), mail after it commits (notices.ts). */
  storage: Storage;
  identity: ServerIdentity;
  users: UserStore;
  policy: MfaPolicyStore;
  authenticators: AuthenticatorStore;
  challenges: ChallengeStore;
  box: SecretBox;
  gate: MfaGate;
  delivery: CodeDelivery;
  timings: CodeTimings;
  enrolment: FirstEnrolment;
}

/** Sending codes, enrolling an authenticator and checking codes, for a challenge the password opened. */
export class SecondStep {
  constructor(private readonly deps: SecondStepDeps) {}

  /** The challenge when it can still be completed; else the error that says why not. */
  async live(ref: ChallengeRef): Promise<LiveChallenge> {
    const found = await this.lookup(ref);
    const now = this.deps.clock();
    if (found && found.challenge.failedAttempts >= this.deps.timings.maxFailedAttempts) throw tooManyAttempts();
    if (!found || found.challenge.consumedAt !== undefined || found.challenge.expiresAt <= now) throw expired();
    return found;
  }

  async lookup(ref: ChallengeRef): Promise<LiveChallenge | undefined> {
    const challenge =
      'challengeId' in ref
        ? await this.deps.challenges.find(ref.challengeId)
        : await this.deps.challenges.findByInteraction(ref.interactionUid);
    const user = challenge && (await this.deps.users.findById(challenge.userId));
    return challenge && user ? { challenge, user } : undefined;
  }

  /** E-mails or texts a new code; an older code of the challenge stops working. */
  async send(ref: ChallengeRef, channel: CodeChannel): Promise<CodeSent> {
    const { challenge, user } = await this.live(ref);
    // No codes while the account's second step is locked (they could not be used anyway).
    const locked = await this.deps.lock.lockError(user.id);
    if (locked) throw locked;
    const destination = await this.destination(user, channel);
    const { timings, clock, box } = this.deps;
    const code = newOneTimeCode();
    const mac = box.codeMac(code, codeContext(challenge));
    // The code leaves only after this commits (a PostgreSQL retry must not send it twice).
    const sent = await this.deps.storage.transaction(async () => {
      // Read again inside the transaction, so two quick presses of Resend cannot both pass the cooldown
      // (SQLite: IMMEDIATE; PostgreSQL: SERIALIZABLE, the second is retried and sees the first's code).
      const current = (await this.live(ref)).challenge;
      const now = clock();
      if (current.sends >= timings.maxSendsPerChallenge) {
        throw new KeywayError('rate_limited', 'Too many codes were sent for this sign-in. Sign in again.');
      }
      const allowedAt = (current.code?.sentAt ?? -Infinity) + timings.resendCooldownSeconds * 1000;
      if (now < allowedAt) {
        const wait = secondsUntil(allowedAt, now);
        throw new KeywayError('mfa_resend_too_soon', `Wait ${wait} seconds before asking for a new code.`, {
          retryAfter: wait,
        });
      }
      const expiresAt = now + timings.codeTtlSeconds * 1000;
      const challengeExpiresAt = Math.min(
        current.createdAt + CHALLENGE_MAX_LIFETIME_MS,
        expiresAt + CHALLENGE_GRACE_AFTER_CODE_MS,
      );
      await this.deps.challenges.recordCode(
        current.idHash,
        { mac, channel, sentAt: now, expiresAt },
        challengeExpiresAt,
      );
      return { now, expiresAt: Math.min(expiresAt, challengeExpiresAt) };
    });
    const minutes = Math.round(timings.codeTtlSeconds / 60);
    try {
      await (channel === 'email'
        ? this.deps.delivery.email(user, code, minutes)
        : this.deps.delivery.sms(destination, code, minutes));
    } catch (error) {
      await this.deps.challenges.forgetUndeliveredCode(challenge.idHash, mac);
      const how = channel === 'email' ? 'by e-mail' : 'by text message';
      throw new KeywayError('internal', `The code could not be sent ${how}. Try again, or verify another way.`, {
        cause: error,
      });
    }
    return {
      channel,
      hint: channel === 'email' ? maskEmail(user.email) : maskPhone(destination),
      expiresIn: secondsUntil(sent.expiresAt, sent.now),
      resendAfter: timings.resendCooldownSeconds,
    };
  }

  /**
   * A new authenticator for a user who has none yet, pending until a code confirms it (verify with
   * channel totp). Asking again during the same challenge returns the same secret, so a retried
   * request or a reloaded page does not invalidate what the user already scanned.
   */
  async enroll(ref: ChallengeRef): Promise<TotpEnrollment> {
    const { challenge, user } = await this.live(ref);
    const { authenticators, challenges, policy } = this.deps;
    if (!(await policy.forUser(user.id)).channels.includes('totp')) {
      throw new KeywayError('mfa_channel_not_allowed', 'Your organisation does not allow authenticator apps.');
    }
    if (await authenticators.hasConfirmed(user.id)) {
      // Otherwise a password alone could add an authenticator and so pass MFA.
      throw new KeywayError(
        'mfa_channel_not_allowed',
        'This account already has an authenticator app: enter its code. Add another one from your profile.',
      );
    }
    if (!(await this.enrolmentAllowed({ challenge, user }))) {
      // The password alone must not register an authenticator (enrolment.ts says who may).
      throw new KeywayError(
        'mfa_channel_not_allowed',
        'An authenticator app can be set up here only right after setting up Keyway with a new deployment. ' +
          'Verify another way and add it from your profile, or ask your IT department for a new deployment.',
      );
    }
    const pending =
      challenge.pendingAuthenticatorId === undefined
        ? undefined
        : await authenticators.findPending(challenge.pendingAuthenticatorId, user.id);
    const secret = pending
      ? await authenticators.secretOf(pending)
      : await this.deps.storage.transaction(async () => {
          const created = await authenticators.createPending(user.id, challenge.expiresAt);
          await challenges.setPendingAuthenticator(challenge.idHash, created.authenticator.id);
          await challenges.choose(challenge.idHash, 'totp');
          return created.secret;
        });
    return { otpauthUri: totpUri(secret, this.deps.identity.name, user.loginId), secret };
  }

  /**
   * Checks a code. On success the challenge is spent and `onVerified` runs in the same transaction (it
   * issues the session); on failure the error is thrown after the failure count is committed. Notices
   * (a lock, an authenticator confirmed) are mailed after the commit (notices.ts `tellAfterCommit`).
   */
  async verify<T>(
    ref: ChallengeRef,
    channel: MfaChannel,
    code: string,
    onVerified: (verified: LiveChallenge) => T | Promise<T>,
  ): Promise<T> {
    const { storage, notices } = this.deps;
    const result = await tellAfterCommit(storage, notices, async (held) => {
      const found = await this.lookup(ref);
      const outcome = await checkCode({ ...this.deps, notices: held }, found, channel, code);
      // The verdict is audited in the transaction that counts it (a failure commits too: its count).
      // No challenge found: nobody is known to have tried, so nothing is recorded.
      if (found) await this.auditVerdict(found, channel, outcome);
      if (outcome instanceof KeywayError) return { error: outcome };
      return { value: await onVerified(outcome) };
    });
    if ('error' in result) throw result.error;
    return result.value;
  }

  private async auditVerdict(found: LiveChallenge, channel: MfaChannel, outcome: LiveChallenge | KeywayError) {
    const common = {
      actor: { kind: 'user', userId: found.user.id },
      installationId: found.challenge.installationId,
      details: { channel },
    } as const;
    if (!(outcome instanceof KeywayError)) {
      await this.deps.audit.record({ type: 'second-factor.succeeded', ...common });
      return;
    }
    const reason = SECOND_FACTOR_REASONS.find((each) => each === outcome.code);
    await this.deps.audit.record({ type: 'second-factor.failed', ...common, reason });
  }

  private async auditRecovery(found: LiveChallenge, outcome: (LiveChallenge & { remaining: number }) | KeywayError) {
    const common = {
      actor: { kind: 'user', userId: found.user.id },
      installationId: found.challenge.installationId,
    } as const;
    if (!(outcome instanceof KeywayError)) {
      // How many remain, never which code: only its keyed hash is stored (recovery-codes.ts).
      await this.deps.audit.record({
        type: 'recovery-code.used',
        ...common,
        details: { remaining: outcome.remaining },
      });
      return;
    }
    const reason = SECOND_FACTOR_REASONS.find((each) => each === outcome.code);
    await this.deps.audit.record({
      type: 'second-factor.failed',
      ...common,
      reason,
      details: { channel: 'recovery-code' },
    });
  }

  /**
   * A recovery code instead of the second factor (recovery-codes.ts). Like verify: on success the
   * challenge is spent and `onVerified` runs in the same transaction; a wrong code counts for the
   * challenge and the account, committed before the error is thrown. `remaining` is how many unused
   * codes the user has left after this one.
   */
  async recover<T>(
    ref: ChallengeRef,
    recoveryCode: string,
    onVerified: (verified: LiveChallenge & { remaining: number }) => T | Promise<T>,
  ): Promise<T> {
    const { storage, notices } = this.deps;
    const result = await tellAfterCommit(storage, notices, async (held) => {
      const found = await this.lookup(ref);
      const outcome = await checkRecoveryCode({ ...this.deps, notices: held }, found, recoveryCode);
      // Audited in the transaction that spends the code or counts the failure, like verify's verdicts.
      if (found) await this.auditRecovery(found, outcome);
      if (outcome instanceof KeywayError) return { error: outcome };
      return { value: await onVerified(outcome) };
    });
    if ('error' in result) throw result.error;
    return result.value;
  }

  /**
   * Whether this challenge may enrol a first authenticator: the first sign-in after a fresh deployment
   * by its installation, or an e-mail/SMS code proved its owner (`prove`). Never the password alone.
   */
  async enrolmentAllowed(live: LiveChallenge): Promise<boolean> {
    return (
      live.challenge.provenAt !== undefined ||
      (await this.deps.enrolment.allowedFor(live.user.id, live.challenge.installationId))
    );
  }

  /** Checks an e-mail/SMS code that proves the owner before enrolling; the sign-in itself goes on. */
  async prove(ref: ChallengeRef, channel: CodeChannel, code: string): Promise<LiveChallenge> {
    const { storage, notices } = this.deps;
    const result = await tellAfterCommit(storage, notices, async (held) =>
      checkCode({ ...this.deps, notices: held }, await this.lookup(ref), channel, code, 'prove'),
    );
    if (result instanceof KeywayError) throw result;
    return result;
  }

  /** Remembers the channel picked on the provider's pages. */
  async choose(ref: ChallengeRef, channel: MfaChannel | undefined): Promise<void> {
    await this.deps.challenges.choose((await this.live(ref)).challenge.idHash, channel);
  }

  private async destination(user: UserRecord, channel: CodeChannel): Promise<string> {
    const policy = await this.deps.policy.forUser(user.id);
    const factors = await this.deps.gate.factorsOf(user);
    if (!policy.channels.includes(channel)) {
      throw new KeywayError(
        'mfa_channel_not_allowed',
        `Your organisation does not allow codes by ${channel === 'email' ? 'e-mail' : 'text message'}.`,
      );
    }
    if (!channelAvailable(channel, factors) || (channel === 'sms' && user.phone === undefined)) {
      throw new KeywayError(
        'mfa_channel_not_allowed',
        'No phone number is on file for this account. Ask your IT department to add one, or verify another way.',
      );
    }
    return channel === 'sms' ? (user.phone ?? '') : user.email;
  }
}
