import { KeywayError } from '../../protocol/errors';
import type { CodeSent, MfaChannel, TotpEnrollment } from '../../protocol/mfa';
import type { ServerIdentity } from '../identity';
import type { LegacyUserLookup, UserRecord } from '../users/user-store';
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
import { checkCode, type CheckDeps } from './verify-code';

/** A challenge as the API names it (its id) or as the provider's pages do (their interaction). */
export type ChallengeRef = { challengeId: string } | { interactionUid: string };

export interface SecondStepDeps extends CheckDeps {
  clock: () => number;
  transaction: <T>(work: () => T) => T;
  identity: ServerIdentity;
  /** Issue 16 port (hA): the synchronous lookup until this class is on Storage; then the UserStore. */
  users: LegacyUserLookup;
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
  live(ref: ChallengeRef): LiveChallenge {
    const found = this.lookup(ref);
    const now = this.deps.clock();
    if (found && found.challenge.failedAttempts >= this.deps.timings.maxFailedAttempts) throw tooManyAttempts();
    if (!found || found.challenge.consumedAt !== undefined || found.challenge.expiresAt <= now) throw expired();
    return found;
  }

  lookup(ref: ChallengeRef): LiveChallenge | undefined {
    const challenge =
      'challengeId' in ref
        ? this.deps.challenges.find(ref.challengeId)
        : this.deps.challenges.findByInteraction(ref.interactionUid);
    const user = challenge && this.deps.users.findById(challenge.userId);
    return challenge && user ? { challenge, user } : undefined;
  }

  /** E-mails or texts a new code; an older code of the challenge stops working. */
  async send(ref: ChallengeRef, channel: CodeChannel): Promise<CodeSent> {
    const { challenge, user } = this.live(ref);
    // No codes while the account's second step is locked (they could not be used anyway).
    const locked = this.deps.lock.lockError(user.id);
    if (locked) throw locked;
    const destination = this.destination(user, channel);
    const { timings, clock, box } = this.deps;
    const code = newOneTimeCode();
    const mac = box.codeMac(code, codeContext(challenge));
    const sent = this.deps.transaction(() => {
      // Read again inside the write lock, so two quick presses of Resend cannot both pass the cooldown.
      const current = this.live(ref).challenge;
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
      this.deps.challenges.recordCode(current.idHash, { mac, channel, sentAt: now, expiresAt }, challengeExpiresAt);
      return { now, expiresAt: Math.min(expiresAt, challengeExpiresAt) };
    });
    const minutes = Math.round(timings.codeTtlSeconds / 60);
    try {
      await (channel === 'email'
        ? this.deps.delivery.email(user, code, minutes)
        : this.deps.delivery.sms(destination, code, minutes));
    } catch (error) {
      this.deps.challenges.forgetUndeliveredCode(challenge.idHash, mac);
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
  enroll(ref: ChallengeRef): TotpEnrollment {
    const { challenge, user } = this.live(ref);
    const { authenticators, challenges, policy } = this.deps;
    if (!policy.read().channels.includes('totp')) {
      throw new KeywayError('mfa_channel_not_allowed', 'Your organisation does not allow authenticator apps.');
    }
    if (authenticators.hasConfirmed(user.id)) {
      // Otherwise a password alone could add an authenticator and so pass MFA.
      throw new KeywayError(
        'mfa_channel_not_allowed',
        'This account already has an authenticator app: enter its code. Add another one from your profile.',
      );
    }
    if (!this.enrolmentAllowed({ challenge, user })) {
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
        : authenticators.findPending(challenge.pendingAuthenticatorId, user.id);
    const secret = pending
      ? authenticators.secretOf(pending)
      : this.deps.transaction(() => {
          const created = authenticators.createPending(user.id, challenge.expiresAt);
          challenges.setPendingAuthenticator(challenge.idHash, created.authenticator.id);
          challenges.choose(challenge.idHash, 'totp');
          return created.secret;
        });
    return { otpauthUri: totpUri(secret, this.deps.identity.name, user.loginId), secret };
  }

  /**
   * Checks a code. On success the challenge is spent and `onVerified` runs in the same transaction (it
   * issues the session); on failure the error is thrown after the failure count is committed.
   */
  verify<T>(ref: ChallengeRef, channel: MfaChannel, code: string, onVerified: (verified: LiveChallenge) => T): T {
    const result = this.deps.transaction(() => {
      const outcome = checkCode(this.deps, this.lookup(ref), channel, code);
      if (outcome instanceof KeywayError) return { error: outcome };
      return { value: onVerified(outcome) };
    });
    if ('error' in result) throw result.error;
    return result.value;
  }

  /**
   * Whether this challenge may enrol a first authenticator: the first sign-in after a fresh deployment
   * by its installation, or an e-mail/SMS code proved its owner (`prove`). Never the password alone.
   */
  enrolmentAllowed(live: LiveChallenge): boolean {
    return (
      live.challenge.provenAt !== undefined ||
      this.deps.enrolment.allowedFor(live.user.id, live.challenge.installationId)
    );
  }

  /** Checks an e-mail/SMS code that proves the owner before enrolling; the sign-in itself goes on. */
  prove(ref: ChallengeRef, channel: CodeChannel, code: string): LiveChallenge {
    const result = this.deps.transaction(() => checkCode(this.deps, this.lookup(ref), channel, code, 'prove'));
    if (result instanceof KeywayError) throw result;
    return result;
  }

  /** Remembers the channel picked on the provider's pages. */
  choose(ref: ChallengeRef, channel: MfaChannel | undefined): void {
    this.deps.challenges.choose(this.live(ref).challenge.idHash, channel);
  }

  private destination(user: UserRecord, channel: CodeChannel): string {
    const policy = this.deps.policy.read();
    const factors = this.deps.gate.factorsOf(user);
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
