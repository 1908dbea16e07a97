import { KeywayError } from '../../protocol/errors';
import type { AuditLog } from '../audit/audit-log';
import type { MfaChannel } from '../../protocol/mfa';
import { DEFAULT_AUTHENTICATOR_NAME, type Authenticator, type AuthenticatorStore } from './authenticators';
import { codeContext, type Challenge, type ChallengeStore, type LiveChallenge } from './challenges';
import type { CodeTimings } from './codes';
import type { SecondFactorLock } from './failure-lock';
import type { SecurityNotices } from './notices';
import type { MfaPolicyStore } from './policy';
import type { RecoveryCodeStore } from './recovery-codes';
import type { SecretBox } from './secret-box';
import { expired, tooManyAttempts } from './mfa-errors';
import { checkTotp } from './totp';
import type { UserRecord } from '../users/user-store';

export interface CheckDeps {
  clock: () => number;
  policy: MfaPolicyStore;
  authenticators: AuthenticatorStore;
  challenges: ChallengeStore;
  box: SecretBox;
  timings: CodeTimings;
  lock: SecondFactorLock;
  notices: SecurityNotices;
  recoveryCodes: RecoveryCodeStore;
  audit: AuditLog;
}

/**
 * The verdict on one code for one challenge; runs inside one transaction (SecondStep uses notices.ts
 * `tellAfterCommit`), so the account lock re-checked here, the failure counted and the challenge spent
 * are one step on both engines (SQLite: IMMEDIATE; PostgreSQL: SERIALIZABLE with retry). Only a wrong code counts
 * toward the challenge's limit: an expired or already used code was right once, and a channel that
 * cannot be used was not a guess. On success the challenge is spent.
 */
export async function checkCode(
  deps: CheckDeps,
  found: LiveChallenge | undefined,
  channel: MfaChannel,
  code: string,
  /** 'prove': an e-mail/SMS code only proves the owner before a first enrolment; the sign-in goes on. */
  spend: 'consume' | 'prove' = 'consume',
): Promise<LiveChallenge | KeywayError> {
  const now = deps.clock();
  if (!found) return expired();
  const { challenge, user } = found;
  // Only a code sent to the user proves them before enrolling; an authenticator app proves nothing yet.
  if (spend === 'prove' && channel === 'totp') {
    return new KeywayError('mfa_channel_not_allowed', 'Confirm it is you with a code by e-mail or text message.');
  }
  if (challenge.failedAttempts >= deps.timings.maxFailedAttempts) return tooManyAttempts();
  // Account-wide, before the code is judged: during a lock even the right code is refused, unrevealed.
  const locked = await deps.lock.lockError(user.id);
  if (locked) return locked;
  const sentCodeMatches =
    challenge.code?.channel === channel && deps.box.codeMatches(code, codeContext(challenge), challenge.code.mac);
  if (challenge.consumedAt !== undefined) {
    return sentCodeMatches ? codeUsed('This code has already been used to sign in.') : expired();
  }
  if (challenge.expiresAt <= now) return sentCodeMatches ? codeExpired() : expired();
  if (!(await deps.policy.forUser(user.id)).channels.includes(channel)) {
    return new KeywayError('mfa_channel_not_allowed', `Your organisation does not allow ${describe(channel)}.`);
  }

  let verdict: 'accepted' | 'used' | 'wrong' | KeywayError;
  let firstCodes: string[] | undefined;
  if (channel === 'totp') {
    const checked = await checkAuthenticatorCode(deps, challenge, user, code, now);
    if (typeof checked === 'string' || checked instanceof KeywayError) verdict = checked;
    else [verdict, firstCodes] = ['accepted', checked.recoveryCodes];
  } else if (challenge.code?.channel !== channel) {
    verdict = new KeywayError(
      'mfa_code_invalid',
      `No code was sent ${channel === 'email' ? 'by e-mail' : 'by text message'} for this sign-in yet. Ask for one first.`,
    );
  } else if (!sentCodeMatches) {
    verdict = 'wrong';
  } else {
    verdict = now < challenge.code.expiresAt ? 'accepted' : codeExpired();
  }

  if (verdict instanceof KeywayError) return verdict;
  if (verdict === 'used') return codeUsed('This code has already been used. Wait for the next one.');
  if (spend === 'prove') {
    if (verdict === 'accepted') {
      if (!(await deps.challenges.prove(challenge.idHash))) return expired();
      await deps.lock.clear(user.id);
      return found;
    }
  }
  if (verdict === 'wrong') {
    const account = await countWrongCode(deps, user);
    if (account) return account;
    const failures = await deps.challenges.recordFailure(challenge.idHash);
    const left = deps.timings.maxFailedAttempts - failures;
    if (left <= 0) return tooManyAttempts();
    return new KeywayError(
      'mfa_code_invalid',
      `That code is not right. ${left} more ${left === 1 ? 'try' : 'tries'} before you have to sign in again.`,
    );
  }
  if (!(await deps.challenges.consume(challenge.idHash))) return expired();
  await deps.lock.clear(user.id);
  return firstCodes ? { ...found, recoveryCodes: firstCodes } : found;
}

/**
 * A recovery code instead of the second factor, for one challenge (server/mfa/recovery-codes.ts); runs
 * inside one transaction like checkCode. A code that is wrong, already used or another user's counts as
 * a wrong code for the challenge and for the account (failure-lock.ts), exactly like a wrong OTP: the
 * codes are long, but every guess is still a guess. On success the challenge is spent and the user is
 * told (after commit) how many codes remain.
 */
export async function checkRecoveryCode(
  deps: CheckDeps,
  found: LiveChallenge | undefined,
  typed: string,
): Promise<(LiveChallenge & { remaining: number }) | KeywayError> {
  if (!found) return expired();
  const { challenge, user } = found;
  if (challenge.failedAttempts >= deps.timings.maxFailedAttempts) return tooManyAttempts();
  const locked = await deps.lock.lockError(user.id);
  if (locked) return locked;
  if (challenge.consumedAt !== undefined || challenge.expiresAt <= deps.clock()) return expired();
  const use = await deps.recoveryCodes.use(user.id, typed);
  if (!use.used) {
    const account = await countWrongCode(deps, user);
    if (account) return account;
    const failures = await deps.challenges.recordFailure(challenge.idHash);
    const left = deps.timings.maxFailedAttempts - failures;
    if (left <= 0) return tooManyAttempts();
    return new KeywayError(
      'mfa_code_invalid',
      `That recovery code is not right, or it was used before. ${left} more ${left === 1 ? 'try' : 'tries'} before you have to sign in again.`,
    );
  }
  if (!(await deps.challenges.consume(challenge.idHash))) return expired();
  await deps.lock.clear(user.id);
  deps.notices.tell(user, { kind: 'recovery-code-used', remaining: use.remaining });
  return { ...found, remaining: use.remaining };
}

/**
 * Counts a wrong second-factor code against the account (failure-lock.ts); when it locks the second
 * step, the user is told by e-mail (pass held notices, notices.ts `tellAfterCommit`, inside a
 * transaction) and the lock's error is returned.
 */
export async function countWrongCode(
  deps: Pick<CheckDeps, 'lock' | 'notices' | 'audit'>,
  user: UserRecord,
): Promise<KeywayError | undefined> {
  const outcome = await deps.lock.recordFailure(user.id);
  if (!outcome.locked) return undefined;
  await deps.audit.record({
    type: 'second-factor.locked-out',
    actor: { kind: 'system' },
    userId: user.id,
    details: outcome.minutes === undefined ? {} : { minutes: outcome.minutes },
  });
  deps.notices.tell(user, { kind: 'second-factor-locked', minutes: outcome.minutes });
  return deps.lock.lockError(user.id);
}

/**
 * A code from one of the user's confirmed authenticators or, while they have none, from the one this
 * challenge is enrolling (accepting it confirms that authenticator).
 */
async function checkAuthenticatorCode(
  deps: CheckDeps,
  challenge: Challenge,
  user: UserRecord,
  code: string,
  now: number,
): Promise<'accepted' | 'used' | 'wrong' | KeywayError | { recoveryCodes: string[] | undefined }> {
  const { authenticators } = deps;
  const userId = user.id;
  const confirmed = await authenticators.confirmedOf(userId);
  const pending =
    confirmed.length === 0 && challenge.pendingAuthenticatorId !== undefined
      ? await authenticators.findPending(challenge.pendingAuthenticatorId, userId)
      : undefined;
  const candidates: Authenticator[] = pending ? [pending] : confirmed;
  if (candidates.length === 0) {
    return new KeywayError(
      'mfa_channel_not_allowed',
      'No authenticator app is set up for this account yet. Set one up first, or verify another way.',
    );
  }
  const outcome = await acceptAuthenticatorCode(authenticators, candidates, code, now);
  if (outcome.verdict === 'accepted' && outcome.authenticator === pending) {
    await authenticators.confirm(outcome.authenticator.id, DEFAULT_AUTHENTICATOR_NAME);
    await deps.audit.record({ type: 'factor.added', actor: { kind: 'user', userId }, details: { kind: 'totp' } });
    deps.notices.tell(user, { kind: 'authenticator-added' });
    // The user's first second factor: their recovery codes, shown once on this answer.
    return { recoveryCodes: await deps.recoveryCodes.firstSet(userId) };
  }
  return outcome.verdict;
}

/**
 * A six-digit code checked against each of `candidates`; the matching one's time step is spent, so a
 * code is accepted once. Run inside a transaction (the step is read, then written).
 */
export async function acceptAuthenticatorCode(
  authenticators: AuthenticatorStore,
  candidates: readonly Authenticator[],
  code: string,
  now: number,
): Promise<{ verdict: 'accepted'; authenticator: Authenticator } | { verdict: 'used' | 'wrong' }> {
  let used = false;
  for (const authenticator of candidates) {
    const check = checkTotp(await authenticators.secretOf(authenticator), code, now, authenticator.lastStep);
    if (check.outcome === 'used') used = true;
    if (check.outcome !== 'accepted') continue;
    if (!(await authenticators.acceptStep(authenticator.id, check.step))) return { verdict: 'used' };
    return { verdict: 'accepted', authenticator };
  }
  return { verdict: used ? 'used' : 'wrong' };
}

function describe(channel: MfaChannel): string {
  return channel === 'totp' ? 'authenticator apps' : channel === 'email' ? 'codes by e-mail' : 'codes by text message';
}

function codeUsed(message: string): KeywayError {
  return new KeywayError('mfa_code_used', message);
}

function codeExpired(): KeywayError {
  return new KeywayError('mfa_code_expired', 'This code has expired. Ask for a new one.');
}
