import type { MfaChannel } from '../../protocol/mfa';
import { KeywayError } from '../../protocol/errors';
import type { Storage } from '../storage/storage';

export type MfaMode = 'optional' | 'enforced';

/** The organisation's MFA policy; one per server. */
export interface MfaPolicy {
  /** Allowed channels, in the fixed order totp, email, sms, passkey; never empty. */
  channels: MfaChannel[];
  mode: MfaMode;
  /** How long "remember this device" trusts a device, in days (1–365). */
  trustDays: number;
}

export const DEFAULT_MFA_POLICY: MfaPolicy = { channels: ['totp'], mode: 'optional', trustDays: 30 };
const MAX_TRUST_DAYS = 365;
const CHANNEL_ORDER: readonly MfaChannel[] = ['totp', 'email', 'sms', 'passkey'];

/** What a user's deployment profile says about MFA (deployment-profiles/profile-settings.ts), once pushed. */
export interface ProfileMfa {
  mode?: MfaMode;
  channels?: readonly MfaChannel[];
}

/** The MFA part of a user's deployment profile as a caller already read it (undefined: none, or it sets none). */
export interface KnownProfileMfa {
  mfa: ProfileMfa | undefined;
}

/**
 * The policy that applies to a user: the server's, tightened by their deployment profile. The stricter
 * wins wherever both speak, because either one is an admin's decision that a user must meet and neither
 * may quietly undo the other: `enforced` beats `optional` (a profile cannot relax the server's enforced
 * MFA, and can enforce it for its users where the server's is optional), and the allowed channels are
 * those both allow (a profile can forbid e-mail codes for its users; it cannot allow SMS where the server
 * does not). When the two share no channel, the server's channels apply: the policy needs at least one,
 * and the server's own policy is the floor an admin set for everyone. Device trust stays the server's.
 */
export function effectiveMfaPolicy(server: MfaPolicy, profile: ProfileMfa | undefined): MfaPolicy {
  if (profile === undefined) return server;
  const mode: MfaMode = server.mode === 'enforced' || profile.mode === 'enforced' ? 'enforced' : 'optional';
  const allowed = profile.channels;
  const both = allowed === undefined ? server.channels : server.channels.filter((each) => allowed.includes(each));
  return { channels: both.length > 0 ? both : server.channels, mode, trustDays: server.trustDays };
}

/** What a user brings to the second step. */
export interface UserFactors {
  /** At least one confirmed TOTP authenticator. */
  hasAuthenticator: boolean;
  hasPhone: boolean;
  /** At least one registered passkey (passkey-store.ts). */
  hasPasskey: boolean;
}

/**
 * When the password alone is not enough: the policy enforces MFA, or the user opted in by confirming
 * an authenticator (while the policy still allows authenticator apps; with TOTP switched off, their
 * authenticator is dormant and optional mode signs them in with the password).
 */
export function mfaApplies(policy: MfaPolicy, factors: UserFactors): boolean {
  return (
    policy.mode === 'enforced' ||
    (factors.hasAuthenticator && policy.channels.includes('totp')) ||
    // A passkey opts the user in the same way, while the policy allows passkeys.
    (factors.hasPasskey && policy.channels.includes('passkey'))
  );
}

/**
 * The client should offer enrolment: MFA is enforced, authenticator apps are allowed, and the user has
 * none yet. E-mail or SMS, when allowed and available, may still be used instead.
 */
export function enrollmentRequired(policy: MfaPolicy, factors: UserFactors): boolean {
  return (
    policy.mode === 'enforced' &&
    policy.channels.includes('totp') &&
    !factors.hasAuthenticator &&
    // A user with an allowed passkey already has a strong factor: nothing to enrol.
    !(factors.hasPasskey && policy.channels.includes('passkey'))
  );
}

/** Whether the user can receive or produce a code on the channel today (policy aside). */
export function channelAvailable(channel: MfaChannel, factors: UserFactors): boolean {
  if (channel === 'totp') return factors.hasAuthenticator;
  if (channel === 'sms') return factors.hasPhone;
  if (channel === 'passkey') return factors.hasPasskey;
  return true;
}

function policyOfRow(row: { channels: string; mode: string; trust_days: number }): MfaPolicy {
  return { channels: parseChannels(row.channels), mode: parseMode(row.mode), trustDays: row.trust_days };
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === '1';
}

/** "totp,email" → ['totp', 'email']: known names only, no repeats, in the fixed order. */
export function parseChannels(text: string): MfaChannel[] {
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !CHANNEL_ORDER.includes(name as MfaChannel));
  if (unknown.length > 0) {
    throw new KeywayError(
      'invalid_input',
      `Unknown MFA channel ${unknown.map((name) => `"${name}"`).join(', ')}: use totp, email, sms and/or passkey.`,
      { detail: { field: 'mfa-channels', reason: 'unknown-channel' } },
    );
  }
  if (names.length === 0) {
    throw new KeywayError('invalid_input', 'Allow at least one MFA channel (totp, email, sms, passkey).', {
      detail: { field: 'mfa-channels', reason: 'no-allowed-channel' },
    });
  }
  return CHANNEL_ORDER.filter((channel) => names.includes(channel));
}

export function parseMode(text: string): MfaMode {
  if (text === 'optional' || text === 'enforced') return text;
  throw new KeywayError('invalid_input', `The MFA mode must be "optional" or "enforced", not "${text}".`, {
    detail: { field: 'mfa-mode', reason: 'not-a-choice' },
  });
}

export function checkTrustDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_TRUST_DAYS) {
    throw new KeywayError('invalid_input', `Device trust must be a whole number of days from 1 to ${MAX_TRUST_DAYS}.`, {
      detail: { field: 'mfa-trust-days', reason: 'out-of-range' },
    });
  }
  return days;
}

/**
 * NIST SP 800-63B §5.1.3: e-mail is not an out-of-band authenticator at all, and the PSTN (SMS) is a
 * restricted one. Said once, whenever the admin allows either.
 */
export function weakChannelNotice(policy: MfaPolicy): string | undefined {
  const email = policy.channels.includes('email');
  const sms = policy.channels.includes('sms');
  if (!email && !sms) return undefined;
  return (
    'Note: NIST SP 800-63B does not count e-mail as an out-of-band authenticator and counts SMS only as a ' +
    `restricted one (SIM swaps, interception); you allowed ${email && sms ? 'both' : email ? 'e-mail' : 'SMS'}, ` +
    'so prefer authenticator apps (totp) where you can.'
  );
}

/**
 * The policy row (migration 3 inserts the defaults). `read()` is the server's policy, for everyone;
 * `forUser()` is the one a user must meet: the server's tightened by their deployment profile.
 */
export class MfaPolicyStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    /** The MFA settings of the user's pushed deployment profile (server/deployment-profiles), if any. */
    private readonly profileOf: (userId: number) => Promise<ProfileMfa | undefined> = () => Promise.resolve(undefined),
  ) {}

  /**
   * The policy this user must meet (effectiveMfaPolicy): every sign-in and MFA decision about a user asks
   * this. `known`, when given, is the MFA part of the user's profile the caller already read (a password
   * sign-in reads the profile once, sessions/session-service.ts); without it, it is read here.
   */
  async forUser(userId: number, known?: KnownProfileMfa): Promise<MfaPolicy> {
    const profile = known === undefined ? await this.profileOf(userId) : known.mfa;
    return effectiveMfaPolicy(await this.read(), profile);
  }

  /** The server's own policy (admins, pages shown before anyone is known). */
  async read(): Promise<MfaPolicy> {
    const row = await this.storage
      .q()
      .selectFrom('mfa_policy')
      .select(['channels', 'mode', 'trust_days'])
      .where('id', '=', 1)
      .executeTakeFirst();
    return row ? policyOfRow(row) : DEFAULT_MFA_POLICY;
  }

  /**
   * `forUser()` and the factors the policy is weighed against (a confirmed authenticator, a passkey), in
   * ONE statement: the policy row with two EXISTS. Every decision after a correct password needs the
   * three (mfaApplies), and they were three statements, each a round trip on PostgreSQL (issue 16;
   * test/integration/server/sign-in-commits.test.ts pins the count). Same answers as forUser() with
   * authenticators.ts hasConfirmed and passkey-store.ts hasAny: EXISTS over the same conditions. The
   * phone is on the user's record, read already. Without a policy row (migration 3 inserts it; nothing
   * deletes it) the factors are read on their own, so a missing row never hides a factor.
   */
  async forUserWithFactors(
    user: { id: number; phone?: string | undefined },
    known?: KnownProfileMfa,
  ): Promise<{ policy: MfaPolicy; factors: UserFactors }> {
    const profile = known === undefined ? await this.profileOf(user.id) : known.mfa;
    const row = await this.storage
      .q()
      .selectFrom('mfa_policy')
      .select((eb) => [
        'channels',
        'mode',
        'trust_days',
        eb
          .exists(
            eb
              .selectFrom('mfa_authenticators')
              .select('id')
              .where('user_id', '=', user.id)
              .where('confirmed_at', 'is not', null),
          )
          .as('has_authenticator'),
        eb.exists(eb.selectFrom('passkeys').select('id').where('user_id', '=', user.id)).as('has_passkey'),
      ])
      .where('id', '=', 1)
      .executeTakeFirst();
    const server = row ? policyOfRow(row) : DEFAULT_MFA_POLICY;
    const factors = row
      ? // SQLite answers EXISTS with 1 or 0, PostgreSQL with true or false.
        { hasAuthenticator: truthy(row.has_authenticator), hasPasskey: truthy(row.has_passkey) }
      : await this.factorsWithoutPolicyRow(user.id);
    return {
      policy: effectiveMfaPolicy(server, profile),
      factors: { ...factors, hasPhone: user.phone !== undefined },
    };
  }

  private async factorsWithoutPolicyRow(userId: number): Promise<Omit<UserFactors, 'hasPhone'>> {
    const q = this.storage.q();
    const authenticator = await q
      .selectFrom('mfa_authenticators')
      .select('id')
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is not', null)
      .executeTakeFirst();
    const passkey = await q.selectFrom('passkeys').select('id').where('user_id', '=', userId).executeTakeFirst();
    return { hasAuthenticator: authenticator !== undefined, hasPasskey: passkey !== undefined };
  }

  /**
   * Changes the given fields and keeps the others; returns the policy now in force. Read and write are
   * one transaction, so two admins changing different fields at once both keep their change (SQLite:
   * IMMEDIATE; PostgreSQL: SERIALIZABLE, the loser is retried and reads the winner's row).
   */
  update(change: Partial<MfaPolicy>): Promise<MfaPolicy> {
    return this.storage.transaction(async () => {
      const current = await this.read();
      const next: MfaPolicy = {
        channels: change.channels === undefined ? current.channels : parseChannels(change.channels.join(',')),
        mode: change.mode === undefined ? current.mode : parseMode(change.mode),
        trustDays: change.trustDays === undefined ? current.trustDays : checkTrustDays(change.trustDays),
      };
      const values = {
        channels: next.channels.join(','),
        mode: next.mode,
        trust_days: next.trustDays,
        updated_at: this.clock(),
      };
      await this.storage
        .q()
        .insertInto('mfa_policy')
        .values({ id: 1, ...values })
        .onConflict((conflict) => conflict.column('id').doUpdateSet(values))
        .execute();
      return next;
    });
  }
}
