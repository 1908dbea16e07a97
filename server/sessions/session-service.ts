import type { Me, SessionTokens } from '../../protocol/api';
import { KeywayError } from '../../protocol/errors';
import type { MfaPasswordSignInRequest, MfaRequired, PasswordSignInResponse } from '../../protocol/mfa';
import type { AuditLog } from '../audit/audit-log';
import type { PushedProfile, SessionSettings } from '../deployment-profiles/deployment-profiles';
import { profileMfaOf } from '../deployment-profiles/profile-settings';
import type { SignInPolicy } from '../discovery/sign-in-policy';
import type { ServerIdentity } from '../identity';
import { sha256Hex } from '../security/digest';
import { identifierKey } from '../users/identifiers';
import { verifyAgainstDummy, verifyPassword } from '../users/password-hash';
import { isLockedByAdmin, lockedByAdminError, refuseIfLockedByAdmin } from '../users/user-lock';
import { ACCOUNT_LOCK_PREFIX, type UserRecord, type UserStore } from '../users/user-store';
import { userSummary } from '../users/user-summary';
import type { KnownProfileMfa } from '../mfa/policy';
import type { Storage } from '../storage/storage';
import type { IssuedTokens, SessionStore } from './session-store';
import type { SignInThrottle } from './sign-in-throttle';

/** Decides, after a correct password, whether a second factor is needed (server/mfa/sign-in-gate.ts). */
export interface SecondFactorGate {
  afterPassword(
    user: UserRecord,
    context: Pick<MfaPasswordSignInRequest, 'installationId' | 'deviceProof'>,
    /** The MFA part of the user's deployment profile, already read by the sign-in (see UserProfiles). */
    known?: KnownProfileMfa,
  ): Promise<MfaRequired | undefined>;
}

/**
 * The user's deployment profile (server/deployment-profiles), as session answers and a password sign-in
 * use it. A sign-in reads it ONCE, right after finding the user, and hands it to the three decisions it
 * takes part in: the sign-in method (a profile may move its users to unified login), the MFA policy (the
 * stricter of the server's and the profile's wins, mfa/policy.ts) and the answer's license and settings.
 * Each used to read it again: three lookups and a user read a sign-in, each a round trip on PostgreSQL
 * (test/integration/server/sign-in-commits.test.ts pins one).
 */
export interface UserProfiles {
  /** The pushed profile in force for the user, in one statement; undefined when none applies or none was pushed. */
  read(user: UserRecord): Promise<PushedProfile | undefined>;
  /** What a session answer carries from that profile: its license and client settings. */
  answer(pushed: PushedProfile | undefined): Promise<SessionSettings>;
}

/** A profile as one request read it: `pushed` undefined means the user has none in force (not "unread"). */
interface ReadProfile {
  pushed: PushedProfile | undefined;
}

/**
 * Who may check a password: the password API (password users only), the OpenID Provider's sign-in
 * page, and a signed-in user confirming a sensitive change (both: any user).
 */
export type PasswordCheck = 'password-api' | 'oidc' | 'admin-console' | 'reauthentication';

/** How each check is recorded in the audit log; a re-authentication for a change is audited as that change. */
const AUDITED_METHOD = {
  'password-api': 'password',
  oidc: 'oidc-provider',
  'admin-console': 'admin-console',
  reauthentication: undefined,
} as const satisfies Record<PasswordCheck, string | undefined>;

/** Password sign-in, refresh rotation, revocation and access-token checks. */
export class SessionService {
  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionStore,
    private readonly throttle: SignInThrottle,
    private readonly identity: ServerIdentity,
    private readonly storage: Storage,
    private readonly signInPolicy: SignInPolicy,
    private readonly secondFactor: SecondFactorGate,
    /** password-reset/sign-out-everywhere.ts, run inside `storage.transaction`. */
    private readonly signOutEverywhere: (userId: number) => Promise<{ apiSessions: number }>,
    private readonly audit: AuditLog,
    /** The user's license and deployment profile (server/deployment-profiles); the built-in license otherwise. */
    private readonly profiles?: UserProfiles,
  ) {}

  /**
   * SessionTokens when the password is enough; MfaRequired when a second factor must follow.
   * Everything a correct password leads to (the lock-out count cleared, sign-in.succeeded recorded, the
   * second-factor challenge or the new session) is ONE transaction, so on SQLite a sign-in makes one
   * durable commit of its own besides its per-source rate-limit count (test/integration/server/
   * sign-in-commits.test.ts). It was three (the audit event's transaction, then the session's), and
   * every commit is an fsync that blocks the one event loop (test/bench/gap-causes.ts).
   */
  async signIn(request: MfaPasswordSignInRequest): Promise<PasswordSignInResponse> {
    // A user on unified login signs in at the OpenID Provider, not with the password API.
    const answer = await this.authenticate(
      request.loginId,
      request.password,
      'password-api',
      request.installationId,
      undefined,
      async (user, profile) =>
        (await this.secondFactor.afterPassword(
          user,
          request,
          profile && { mfa: profileMfaOf(profile.pushed?.settings) },
        )) ?? this.startSession(user, request.installationId, profile),
    );
    // The session started inside the transaction, where the store prunes nothing (session-store.ts).
    this.sessions.pruneNowAndThen();
    return answer;
  }

  /**
   * A new session for a user who has signed in (password, and the second factor when it applied).
   * `profile`: the user's deployment profile, when this request already read it (a password sign-in).
   */
  async startSession(
    user: UserRecord,
    installationId: string | undefined,
    profile?: ReadProfile,
  ): Promise<SessionTokens> {
    // The record is this request's own read (the password check, or the second step's challenge lookup):
    // a second step finishing after an admin locked its user gets no session.
    refuseIfLockedByAdmin(user);
    return this.tokensFor(user, await this.sessions.start(user.id, installationId), profile);
  }

  /**
   * Checks a login ID and password under the lock-out rules, for the password API and for the OpenID
   * Provider's sign-in page alike. Throws `invalid_credentials` (the same for an unknown name, a wrong
   * password and, on the password API, a unified-login user) or `account_locked`.
   */
  async authenticate(
    loginId: string,
    password: string,
    via: PasswordCheck,
    installationId?: string,
    /** The provider pages' known-browser cookie value (rememberBrowser), if the browser sent one. */
    browser?: string,
  ): Promise<UserRecord>;
  async authenticate<T>(
    loginId: string,
    password: string,
    via: PasswordCheck,
    installationId: string | undefined,
    browser: string | undefined,
    /**
     * Runs in the transaction that clears the count and records the success; its result is returned.
     * `profile` is the user's deployment profile as this check read it (the password API reads it for
     * the sign-in method), so that what follows need not read it again; undefined when it was not read.
     */
    then: (user: UserRecord, profile: ReadProfile | undefined) => Promise<T>,
  ): Promise<T>;
  async authenticate<T>(
    loginId: string,
    password: string,
    via: PasswordCheck,
    installationId?: string,
    browser?: string,
    then?: (user: UserRecord, profile: ReadProfile | undefined) => Promise<T>,
  ): Promise<UserRecord | T> {
    // The user and the lock-out row of its account (or of the unknown name) in one statement.
    const unknownSubject = unknownLockSubject(loginId);
    const found = await this.users.findByNameWithLock(loginId, unknownSubject);
    const user = found.user;
    const subject = await this.lockSubject(user, loginId, installationId, browser);
    // Audited for the sign-in paths; a re-authentication for a change is audited as that change.
    const method = AUDITED_METHOD[via];
    const failed = (reason: 'invalid_credentials' | 'account_locked' | 'account_locked_by_admin') =>
      method === undefined
        ? Promise.resolve()
        : this.audit.record({
            type: 'sign-in.failed',
            actor: { kind: 'anonymous' },
            userId: user?.id,
            installationId,
            reason,
            details: { method },
          });
    // Checked before the password, so a locked subject answers account_locked whether or not it is right.
    // The row read with the user is this subject's unless a device of the user's own has its count.
    const readSubject = user === undefined ? unknownSubject : `${ACCOUNT_LOCK_PREFIX}${user.id}`;
    const lockedFor =
      subject === readSubject ? this.throttle.remainingOf(found.lockedUntil) : await this.throttle.lockedFor(subject);
    if (lockedFor !== undefined) {
      await failed('account_locked');
      throw lockedError(lockedFor);
    }
    // The password API reads the user's profile here, once, for the sign-in method below and for what
    // `then` decides (the MFA policy, the answer's settings): see UserProfiles. A profile pushed between
    // this read and the success transaction applies from the next sign-in, as if this one had finished
    // just before the push.
    const profile =
      user !== undefined && via === 'password-api' && this.profiles
        ? { pushed: await this.profiles.read(user) }
        : undefined;
    const allowed =
      user !== undefined &&
      (via !== 'password-api' ||
        (await this.signInPolicy.kindForUser(
          user,
          profile && { signInMethod: profile.pushed?.settings.signInMethod },
        )) === 'password');
    const valid = allowed ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
    if (!valid || !user) {
      // One transaction: the counter, the failure and the lock-out it may cause are recorded together.
      const locked = await this.storage.transaction(async () => {
        const seconds = await this.throttle.recordFailure(subject);
        await failed('invalid_credentials');
        if (seconds !== undefined && method !== undefined) {
          await this.audit.record({
            type: 'sign-in.locked-out',
            actor: { kind: 'system' },
            userId: user?.id,
            details: { method, seconds },
          });
        }
        return seconds;
      });
      if (locked !== undefined) throw lockedError(locked);
      throw new KeywayError('invalid_credentials', 'The login ID or password is not correct.');
    }
    // An admin's lock (user-lock.ts), told only to whoever knows the password: a stranger trying names
    // sees invalid_credentials as for any account.
    if (isLockedByAdmin(user)) {
      await failed('account_locked_by_admin');
      throw lockedByAdminError();
    }
    // Failures from a parallel attempt may have locked the account while this one was verifying. The
    // success, the cleared count and what the caller does next (`then`) commit together or not at all.
    // PostgreSQL: READ COMMITTED, as resetUnlessLocked is written for (its conditional DELETE re-checks
    // the lock on the committed row); the rest only inserts fresh rows or, for `then`, decides by a
    // conditional statement of its own (a device proof's nonce is spent by a DELETE whose row count
    // decides). SERIALIZABLE added a BEGIN … COMMIT of predicate locks to every sign-in for nothing.
    const outcome = await this.storage.transaction(async (): Promise<{ locked: number } | { done: UserRecord | T }> => {
      const seconds = await this.throttle.resetUnlessLocked(subject);
      if (seconds !== undefined) {
        await failed('account_locked');
        return { locked: seconds };
      }
      if (method !== undefined) {
        await this.audit.record({
          type: 'sign-in.succeeded',
          actor: { kind: 'user', userId: user.id },
          installationId,
          details: { method },
        });
      }
      return { done: then ? await then(user, profile) : user };
    }, SUCCESS_ISOLATION);
    if ('locked' in outcome) throw lockedError(outcome.locked);
    return outcome.done;
  }

  async refresh(refreshToken: string): Promise<SessionTokens> {
    const rotation = await this.sessions.rotate(refreshToken);
    if (rotation.outcome === 'replayed') {
      throw new KeywayError(
        'session_invalid',
        'This session was ended because its refresh token was used twice. Please sign in again.',
      );
    }
    // The user with its aliases comes with the rotation (read by its statement on PostgreSQL, inside its
    // transaction on SQLite: session-store.ts rotate), not by a read of its own: one round trip fewer.
    const user = rotation.outcome === 'rotated' ? rotation.user : undefined;
    if (rotation.outcome !== 'rotated' || !user) {
      throw new KeywayError('session_invalid', 'This session has ended. Please sign in again.');
    }
    // lockUser revokes every family with the lock, in one transaction; this refuses a family that
    // escaped it all the same (a rotation is no way around the lock). The new tokens are never sent.
    if (isLockedByAdmin(user)) {
      await this.sessions.revokeByRefreshToken(rotation.tokens.refreshToken);
      throw lockedByAdminError();
    }
    return this.tokensFor(user, rotation.tokens);
  }

  /**
   * Revokes the family of a refresh token. With `everywhere` ("forget this server"), a live token also
   * signs its user out everywhere; a used, revoked, expired or unknown token only gets the plain
   * revocation, since it proves no current session (a replayed token must not end the user's others).
   */
  async revoke(refreshToken: string, everywhere = false, providerToken = false): Promise<void> {
    // One transaction: the token found live is the one whose user is signed out (a rotation committing
    // in between would otherwise leave the new token alive).
    await this.storage.transaction(async () => {
      // A provider token (unified login) is looked up among the OpenID Provider's live refresh tokens.
      const live = providerToken
        ? await this.sessions.userOfLiveProviderRefreshToken(refreshToken)
        : await this.sessions.userOfLiveRefreshToken(refreshToken);
      const userId = everywhere ? live : undefined;
      if (userId !== undefined) {
        const { apiSessions } = await this.signOutEverywhere(userId);
        await this.audit.record({
          type: 'sessions.revoked',
          actor: { kind: 'user', userId },
          details: { sessions: apiSessions },
        });
      }
      if (!providerToken) await this.sessions.revokeByRefreshToken(refreshToken);
    });
  }

  /** The signed-in user for an `Authorization: Bearer …` header. */
  async me(authorization: string | undefined): Promise<Me> {
    const user = await this.userOfBearer(authorization);
    return { user: userSummary(user), server: { name: this.identity.name, origin: this.identity.origin } };
  }

  /** The user behind a live access token in an `Authorization: Bearer …` header; else `unauthorized`. */
  async userOfBearer(authorization: string | undefined): Promise<UserRecord> {
    const token = /^Bearer ([A-Za-z0-9_-]{16,4096})$/.exec(authorization ?? '')?.[1];
    const userId = token === undefined ? undefined : await this.sessions.userOfAccessToken(token);
    const user = userId === undefined ? undefined : await this.users.findById(userId);
    if (!user || isLockedByAdmin(user)) {
      throw new KeywayError('unauthorized', 'Sign in first: the access token is missing, expired or revoked.');
    }
    return user;
  }

  /**
   * Whose failures a password attempt counts toward. Unknown names are throttled like accounts, so a
   * lock-out does not reveal whether an account exists. An installation (or browser) that signed this user in
   * before gets its own count (NIST's bound applies to it alone): anyone can lock the account for
   * everyone else by failing its password, but not for the devices the user already uses.
   */
  private async lockSubject(
    user: UserRecord | undefined,
    loginId: string,
    installationId: string | undefined,
    browser: string | undefined,
  ): Promise<string> {
    if (!user) return unknownLockSubject(loginId);
    if (installationId !== undefined && (await this.sessions.hasSignedInFrom(user.id, installationId))) {
      return `${ACCOUNT_LOCK_PREFIX}${user.id}:installation:${sha256Hex(installationId)}`;
    }
    // The same for a browser on the provider's pages (OWASP's "device cookie"): its cookie came from a
    // finished sign-in of this very user, so a stranger cannot forge or borrow one.
    if (browser !== undefined && (await this.sessions.knowsBrowser(user.id, browser))) {
      return `${ACCOUNT_LOCK_PREFIX}${user.id}:browser:${sha256Hex(browser)}`;
    }
    return `${ACCOUNT_LOCK_PREFIX}${user.id}`;
  }

  /** A browser that just finished a sign-in of this user: the value of its known-browser cookie. */
  rememberBrowser(userId: number): Promise<string> {
    return this.sessions.rememberBrowser(userId);
  }

  private async refuseIfLocked(subject: string): Promise<void> {
    const seconds = await this.throttle.lockedFor(subject);
    if (seconds !== undefined) throw lockedError(seconds);
  }

  private async tokensFor(user: UserRecord, tokens: IssuedTokens, profile?: ReadProfile): Promise<SessionTokens> {
    if (!this.profiles) return { ...tokens, user: userSummary(user), license: this.identity.license };
    const pushed = profile === undefined ? await this.profiles.read(user) : profile.pushed;
    const { license, config } = await this.profiles.answer(pushed);
    return { ...tokens, user: userSummary(user), license, config };
  }
}

/** PostgreSQL's isolation for what a correct password leads to; why it is enough is said in authenticate. */
const SUCCESS_ISOLATION = { isolation: 'read committed' } as const;

/** Whose failures a name no user has counts toward (lockSubject). */
function unknownLockSubject(loginId: string): string {
  return `unknown:${identifierKey(loginId)}`;
}

function lockedError(seconds: number): KeywayError {
  const minutes = Math.ceil(seconds / 60);
  return new KeywayError(
    'account_locked',
    `Too many wrong passwords. This account is locked for ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    { retryAfter: seconds },
  );
}
