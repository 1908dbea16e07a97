import { KeywayError } from '../../protocol/errors';
import type { AuditLog } from '../audit/audit-log';
import { AUDIT_EVENTS } from '../audit/events';
import { PasskeyReturnUri, PasskeyState, type PasskeyStep, type PasskeySummary } from '../../protocol/mfa';
import { randomToken } from '../security/digest';
import { reauthenticate } from '../sessions/reauthenticate';
import type { SessionService } from '../sessions/session-service';
import type { Storage } from '../storage/storage';
import type { UserRecord, UserStore } from '../users/user-store';
import type { ChallengeStore, LiveChallenge } from './challenges';
import type { CodeTimings } from './codes';
import type { SecondFactorLock } from './failure-lock';
import { expired, tooManyAttempts } from './mfa-errors';
import { tellAfterCommit, type SecurityNotices } from './notices';
import { authenticatorName } from './passkey-aaguids';
import type { Passkey, PasskeyStepRecord, PasskeyStepStore, PasskeyStore } from './passkey-store';
import type { MfaPolicyStore } from './policy';
import type { RecoveryCodeStore } from './recovery-codes';
import type { ChallengeRef, SecondStep } from './second-step';
import { secondsUntil } from './sign-in-gate';
import { countWrongCode } from './verify-code';
import type { WebAuthn } from './webauthn';
import { refuseIfLockedByAdmin } from '../users/user-lock';

const SECOND_FACTOR_REASONS = AUDIT_EVENTS['second-factor.failed'].reasons;

/** A page that adds a passkey for Keyway must be used this soon. */
const REGISTER_STEP_TTL_MS = 10 * 60 * 1000;
export const MFA_STEP_PATH = '/mfa/passkey/step';
export const REGISTER_STEP_PATH = '/passkeys/add';
const MAX_NAME = 100;
export const DEFAULT_PASSKEY_NAME = 'Passkey';

interface PasskeyDeps {
  clock: () => number;
  storage: Storage;
  origin: () => string;
  users: UserStore;
  sessions: SessionService;
  policy: MfaPolicyStore;
  challenges: ChallengeStore;
  secondStep: SecondStep;
  lock: SecondFactorLock;
  notices: SecurityNotices;
  /** The audit log (server/audit): a wrong result code counts as a failed second factor there too. */
  audit: AuditLog;
  timings: CodeTimings;
  /** A first passkey that is the user's first second factor brings their recovery codes. */
  recoveryCodes: RecoveryCodeStore;
  store: PasskeyStore;
  steps: PasskeyStepStore;
  webauthn: WebAuthn;
}

/** Where a finished or refused step page sends the browser back to Keyway. */
export function returnUrl(step: Pick<PasskeyStepRecord, 'returnTo' | 'state'>, params: Record<string, string>): string {
  const query = new URLSearchParams({ state: step.state, ...params });
  return `${step.returnTo}?${query.toString()}`;
}

/** A passkey just added, and the user's recovery codes when it was their first second factor (shown once). */
export interface AddedPasskey {
  passkey: Passkey;
  recoveryCodes: string[] | undefined;
}

/** Where the register step goes next: back to Keyway, or first a page with the new recovery codes. */
export interface RegisterStepOutcome {
  redirect: string;
  recoveryCodes: string[] | undefined;
}

/** Passkeys as a second factor, for passwordless sign-in, and their management (issue 17). */
export class Passkeys {
  constructor(private readonly deps: PasskeyDeps) {}

  get webauthn(): WebAuthn {
    return this.deps.webauthn;
  }

  async list(userId: number): Promise<PasskeySummary[]> {
    return (await this.deps.store.ofUser(userId)).map((each) => ({
      id: each.id,
      name: each.name,
      createdAt: each.createdAt,
      lastUsedAt: each.lastUsedAt ?? null,
      authenticator: authenticatorName(each.aaguid),
    }));
  }

  /** Passkeys are allowed by the policy, and this user has at least one. */
  async usableBy(userId: number): Promise<boolean> {
    return (
      (await this.deps.policy.forUser(userId)).channels.includes('passkey') && (await this.deps.store.hasAny(userId))
    );
  }

  // ---- The browser step of a Keyway sign-in (contract: /api/v1/mfa/passkey/start, /complete) ----

  async startMfaStep(challengeId: string, returnTo: string, state: string): Promise<PasskeyStep> {
    const target = checkReturn(returnTo, state);
    const { challenge, user } = await this.deps.secondStep.live({ challengeId });
    await this.requireUsable(user);
    const token = await this.deps.steps.create({
      kind: 'mfa',
      userId: user.id,
      challengeHash: challenge.idHash,
      ...target,
      expiresAt: challenge.expiresAt,
    });
    return {
      stepUrl: `${this.deps.origin()}${MFA_STEP_PATH}/${token}`,
      expiresIn: secondsUntil(challenge.expiresAt, this.deps.clock()),
    };
  }

  /** The step page's step, while it can still be used; else the error that says why not. */
  async liveStep(token: string, kind: 'mfa' | 'register'): Promise<{ step: PasskeyStepRecord; user: UserRecord }> {
    const step = await this.deps.steps.find(token);
    const now = this.deps.clock();
    if (step?.kind !== kind || step.finishedAt !== undefined || step.expiresAt <= now) {
      throw new KeywayError(
        'mfa_challenge_expired',
        'This passkey page has expired or was already used. Go back to Keyway and start again.',
      );
    }
    const user = await this.deps.users.findById(step.userId);
    if (!user) throw expired();
    if (kind === 'mfa') {
      const challenge =
        step.challengeHash === undefined ? undefined : await this.deps.challenges.byHash(step.challengeHash);
      if (!challenge || challenge.consumedAt !== undefined || challenge.expiresAt <= now) throw expired();
      if (challenge.failedAttempts >= this.deps.timings.maxFailedAttempts) throw tooManyAttempts();
    }
    return { step, user };
  }

  /**
   * The answer posted by the MFA step page: verified for the challenge's user; the page is then spent
   * and its single-use result code returned in the URL back to Keyway.
   */
  async finishMfaStep(token: string, answer: unknown): Promise<string> {
    const { step, user } = await this.liveStep(token, 'mfa');
    await this.requireUsable(user);
    await this.deps.webauthn.verifyAuthentication(answer, {
      purpose: 'second-factor',
      binding: `step:${step.idHash}`,
      userId: user.id,
    });
    const code = randomToken();
    if (!(await this.deps.steps.finish(step.idHash, code))) throw expired();
    return returnUrl(step, { code });
  }

  /**
   * Spends a result code and the challenge, then runs `onVerified` (which issues the session) in the
   * same transaction. A wrong code counts against the challenge and the account-wide failure limit.
   */
  async complete<T>(
    challengeId: string,
    code: string,
    onVerified: (verified: LiveChallenge) => T | Promise<T>,
  ): Promise<T> {
    const { storage, notices } = this.deps;
    const result = await tellAfterCommit(storage, notices, async (held) => {
      const found = await this.deps.secondStep.lookup({ challengeId });
      const outcome = await this.spendCode(found, code, held);
      // The verdict is audited in the transaction that spends the code or counts the failure.
      if (found) await this.auditVerdict(found, outcome);
      if (outcome instanceof KeywayError) return { error: outcome };
      return { value: await onVerified(outcome) };
    });
    if ('error' in result) throw result.error;
    return result.value;
  }

  private async auditVerdict(found: LiveChallenge, outcome: LiveChallenge | KeywayError): Promise<void> {
    const common = {
      actor: { kind: 'user', userId: found.user.id },
      installationId: found.challenge.installationId,
      details: { channel: 'passkey' },
    } as const;
    if (!(outcome instanceof KeywayError)) {
      await this.deps.audit.record({ type: 'second-factor.succeeded', ...common });
      return;
    }
    const reason = SECOND_FACTOR_REASONS.find((each) => each === outcome.code);
    await this.deps.audit.record({ type: 'second-factor.failed', ...common, reason });
  }

  private async spendCode(
    found: LiveChallenge | undefined,
    code: string,
    held: SecurityNotices,
  ): Promise<LiveChallenge | KeywayError> {
    const { timings, lock, challenges, steps, clock, audit } = this.deps;
    if (!found) return expired();
    const { challenge, user } = found;
    if (challenge.failedAttempts >= timings.maxFailedAttempts) return tooManyAttempts();
    const locked = await lock.lockError(user.id);
    if (locked) return locked;
    if (challenge.consumedAt !== undefined || challenge.expiresAt <= clock()) return expired();
    if (!(await this.deps.policy.forUser(user.id)).channels.includes('passkey')) {
      return new KeywayError('mfa_channel_not_allowed', 'Your organisation does not allow passkeys.');
    }
    if (!(await steps.spendResult(challenge.idHash, code))) {
      const account = await countWrongCode({ lock, notices: held, audit }, user);
      if (account) return account;
      const left = timings.maxFailedAttempts - (await challenges.recordFailure(challenge.idHash));
      if (left <= 0) return tooManyAttempts();
      return new KeywayError(
        'mfa_code_invalid',
        'The passkey result is not valid for this sign-in. Use the passkey again.',
      );
    }
    if (!(await challenges.consume(challenge.idHash))) return expired();
    await lock.clear(user.id);
    return found;
  }

  // ---- A passkey as the second factor on the server's own pages (provider MFA page, /account) ----

  /** Options for the challenge's user's passkeys, bound to this page (`binding`). */
  async secondFactorOptions(live: LiveChallenge, binding: string) {
    return this.deps.webauthn.authenticationOptions(live.user, 'second-factor', binding);
  }

  /** Verifies the answer for the challenge's user and spends the challenge; returns it for the session. */
  async verifySecondFactor(ref: ChallengeRef, answer: unknown, binding: string): Promise<LiveChallenge> {
    const live = await this.deps.secondStep.live(ref);
    await this.requireUsable(live.user);
    const locked = await this.deps.lock.lockError(live.user.id);
    if (locked) throw locked;
    await this.deps.webauthn.verifyAuthentication(answer, {
      purpose: 'second-factor',
      binding,
      userId: live.user.id,
    });
    // One transaction: the challenge spent, the lock cleared and the success recorded.
    await this.deps.storage.transaction(async () => {
      if (!(await this.deps.challenges.consume(live.challenge.idHash))) throw expired();
      await this.deps.lock.clear(live.user.id);
      await this.deps.audit.record({
        type: 'second-factor.succeeded',
        actor: { kind: 'user', userId: live.user.id },
        installationId: live.challenge.installationId,
        details: { channel: 'passkey' },
      });
    });
    return live;
  }

  /** Passwordless: the passkey (discoverable, user verified) names the user. */
  async verifyPasswordless(answer: unknown, binding: string): Promise<UserRecord> {
    if (!(await this.deps.policy.read()).channels.includes('passkey')) {
      throw new KeywayError('mfa_channel_not_allowed', 'Your organisation does not allow passkeys.');
    }
    const passkey = await this.deps.webauthn.verifyAuthentication(answer, {
      purpose: 'passwordless',
      binding,
      userId: undefined,
    });
    const user = await this.deps.users.findById(passkey.userId);
    if (!user) throw new KeywayError('passkey_refused', 'This passkey belongs to no account any more.');
    // An admin's lock (users/user-lock.ts) stops a passkey as it stops a password; told only after the
    // passkey proved itself, so nobody learns it without holding the user's passkey.
    refuseIfLockedByAdmin(user);
    // The server allows passkeys; the user's deployment profile may not (mfa/policy.ts effectiveMfaPolicy).
    if (!(await this.deps.policy.forUser(user.id)).channels.includes('passkey')) {
      throw new KeywayError('mfa_channel_not_allowed', 'Your organisation does not allow passkeys.');
    }
    // Only unified-login users sign in without a password; the others are refused here, before the
    // success is recorded (the verification's counter update commits on its own, webauthn.ts).
    if (user.signInMethod !== 'oidc') {
      throw new KeywayError(
        'passkey_refused',
        'This account signs in with a password in Keyway: use the password there, then your passkey.',
      );
    }
    await this.deps.audit.record({
      type: 'sign-in.succeeded',
      actor: { kind: 'user', userId: user.id },
      details: { method: 'passkey' },
    });
    return user;
  }

  // ---- Management: adding (a browser page, for Keyway and /account), renaming, removing ----

  async startRegisterStep(user: UserRecord, password: string, returnTo: string, state: string): Promise<PasskeyStep> {
    const target = checkReturn(returnTo, state);
    await reauthenticate(this.deps.sessions, user, password);
    await this.requireAllowed(user);
    const expiresAt = this.deps.clock() + REGISTER_STEP_TTL_MS;
    const token = await this.deps.steps.create({ kind: 'register', userId: user.id, ...target, expiresAt });
    return {
      stepUrl: `${this.deps.origin()}${REGISTER_STEP_PATH}/${token}`,
      expiresIn: secondsUntil(expiresAt, this.deps.clock()),
    };
  }

  /**
   * The answer posted by Keyway's "add a passkey" page; the page is spent. Keyway's return address
   * carries only `result=added` (a URL is no place for codes: it is logged and kept in history), so new
   * recovery codes are returned for the page to show once before that link.
   */
  async finishRegisterStep(token: string, answer: unknown, name: unknown): Promise<RegisterStepOutcome> {
    const { step, user } = await this.liveStep(token, 'register');
    const { recoveryCodes } = await this.register(user, answer, `step:${step.idHash}`, name);
    if (!(await this.deps.steps.finish(step.idHash, undefined))) throw expired();
    return { redirect: returnUrl(step, { result: 'added' }), recoveryCodes };
  }

  /**
   * Verifies a registration answer and stores the passkey under `name`; the user is e-mailed once it is
   * committed. The caller re-authenticated the user when the page was opened (Keyway's step, /account).
   */
  async register(user: UserRecord, answer: unknown, binding: string, name: unknown): Promise<AddedPasskey> {
    await this.requireAllowed(user);
    const cleanName = checkName(name);
    const verified = await this.deps.webauthn.verifyRegistration(answer, { binding, userId: user.id });
    return tellAfterCommit(this.deps.storage, this.deps.notices, async (held) => {
      const passkey = await this.deps.store.add({ ...verified, name: cleanName });
      await this.deps.audit.record({
        type: 'factor.added',
        actor: { kind: 'user', userId: user.id },
        details: { kind: 'passkey' },
      });
      held.tell(user, { kind: 'passkey-added', passkeyName: cleanName });
      // The user's first second factor (no set yet: no authenticator or passkey made one): their
      // recovery codes, in this transaction so two first enrolments at once make one set.
      const recoveryCodes = await this.deps.recoveryCodes.firstSet(user.id);
      return { passkey, recoveryCodes };
    });
  }

  /** /account's "Add a passkey": the password again, then the ceremony's options bound to `binding`. */
  async startAccountRegistration(user: UserRecord, password: string, binding: string) {
    await reauthenticate(this.deps.sessions, user, password);
    await this.requireAllowed(user);
    return this.deps.webauthn.registrationOptions(user, binding);
  }

  async rename(user: UserRecord, id: string, name: unknown): Promise<void> {
    if (!(await this.deps.store.rename(id, user.id, checkName(name)))) {
      throw new KeywayError('not_found', 'This account has no such passkey.');
    }
  }

  /** Removes a passkey after asking for the password again; the user is e-mailed once it is gone. */
  async remove(user: UserRecord, id: string, password: string): Promise<void> {
    await reauthenticate(this.deps.sessions, user, password);
    await tellAfterCommit(this.deps.storage, this.deps.notices, async (held) => {
      const passkey = (await this.deps.store.ofUser(user.id)).find((each) => each.id === id);
      if (!passkey || !(await this.deps.store.remove(id, user.id))) {
        throw new KeywayError('not_found', 'This account has no such passkey.');
      }
      await this.deps.audit.record({
        type: 'factor.removed',
        actor: { kind: 'user', userId: user.id },
        details: { kind: 'passkey', count: 1 },
      });
      held.tell(user, { kind: 'passkey-removed', passkeyName: passkey.name });
    });
  }

  private async requireAllowed(user: UserRecord): Promise<void> {
    if (!(await this.deps.policy.forUser(user.id)).channels.includes('passkey')) {
      throw new KeywayError('mfa_channel_not_allowed', 'Your organisation does not allow passkeys.');
    }
  }

  private async requireUsable(user: UserRecord): Promise<void> {
    await this.requireAllowed(user);
    if (!(await this.deps.store.hasAny(user.id))) {
      throw new KeywayError('mfa_channel_not_allowed', 'No passkey is set up for this account. Verify another way.');
    }
  }
}

/** The contract's return address and state, or `return_uri_invalid` / `invalid_input`. */
function checkReturn(returnTo: string, state: string): { returnTo: string; state: string } {
  if (!PasskeyReturnUri.safeParse(returnTo).success) {
    throw new KeywayError(
      'return_uri_invalid',
      'The return address must be http://127.0.0.1:<port>/passkey-callback or dev.keyway.app:/passkey/callback.',
    );
  }
  if (!PasskeyState.safeParse(state).success) {
    throw new KeywayError('invalid_input', 'The state must be 16 to 128 URL-safe characters.');
  }
  return { returnTo, state };
}

function checkName(name: unknown): string {
  const text = typeof name === 'string' ? name.trim() : '';
  if (text.length > MAX_NAME)
    throw new KeywayError('invalid_input', `A passkey name has at most ${MAX_NAME} characters.`);
  return text === '' ? DEFAULT_PASSKEY_NAME : text;
}
