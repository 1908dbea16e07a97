import type { DeviceProof, MfaChannelOption, MfaRequired } from '../../protocol/mfa';
import type { UserRecord } from '../users/user-store';
import type { AuthenticatorStore } from './authenticators';
import type { Challenge, ChallengeStore } from './challenges';
import { maskEmail, maskPhone } from './destinations';
import type { DeviceStore } from './devices';
import type { FirstEnrolment } from './enrolment';
import type { RecoveryCodeStore } from './recovery-codes';
import type { PasskeyStore } from './passkey-store';
import {
  channelAvailable,
  enrollmentRequired,
  mfaApplies,
  type KnownProfileMfa,
  type MfaPolicy,
  type MfaPolicyStore,
  type UserFactors,
} from './policy';

export interface SignInContext {
  installationId?: string | undefined;
  deviceProof?: DeviceProof | undefined;
}

export interface GateDeps {
  clock: () => number;
  policy: MfaPolicyStore;
  authenticators: AuthenticatorStore;
  challenges: ChallengeStore;
  devices: DeviceStore;
  enrolment: FirstEnrolment;
  recoveryCodes?: RecoveryCodeStore | undefined;
  passkeys: PasskeyStore;
}

/**
 * The step after a correct password, for the password API and the OpenID Provider's pages alike:
 * either the password is enough, or a challenge starts (policy.ts says when).
 */
export class MfaGate {
  constructor(private readonly deps: GateDeps) {}

  async factorsOf(user: UserRecord): Promise<UserFactors> {
    return {
      hasAuthenticator: await this.deps.authenticators.hasConfirmed(user.id),
      hasPhone: user.phone !== undefined,
      hasPasskey: await this.deps.passkeys.hasAny(user.id),
    };
  }

  /**
   * The API's answer after a correct password: undefined when the password alone signs in (MFA does
   * not apply, or a remembered device proved itself), else MfaRequired with a new challenge. A proof
   * that fails only means MFA is asked; the answer does not say why.
   */
  async afterPassword(
    user: UserRecord,
    context: SignInContext,
    /** The MFA part of the user's profile, when the caller already read it (MfaPolicyStore.forUser). */
    known?: KnownProfileMfa,
  ): Promise<MfaRequired | undefined> {
    // The policy and the user's factors in one statement (policy.ts forUserWithFactors).
    const { policy, factors } = await this.deps.policy.forUserWithFactors(user, known);
    if (!mfaApplies(policy, factors)) return undefined;
    if (context.deviceProof && (await this.deps.devices.checkProof(user.id, context.deviceProof, policy.trustDays))) {
      return undefined;
    }
    const { id, challenge } = await this.deps.challenges.start(user.id, { installationId: context.installationId });
    return {
      status: 'mfa_required',
      challengeId: id,
      expiresIn: secondsUntil(challenge.expiresAt, this.deps.clock()),
      channels: channelOptions(policy, user, factors),
      // Offered only where a first enrolment is allowed (enrolment.ts): never on the password alone.
      enrollmentRequired:
        enrollmentRequired(policy, factors) && (await this.deps.enrolment.allowedFor(user.id, context.installationId)),
      trustDays: policy.trustDays,
      recoveryCode: ((await this.deps.recoveryCodes?.remaining(user.id)) ?? 0) > 0,
    };
  }

  /**
   * The provider's pages: a challenge bound to the interaction, or undefined when the password is enough.
   * `enrolmentTicket` is the authorization request's `keyway_enrolment` parameter: when it is this
   * user's fresh redemption's ticket, the challenge is bound to that installation too (enrolment.ts).
   */
  async startForInteraction(
    user: UserRecord,
    interactionUid: string,
    enrolmentTicket?: unknown,
  ): Promise<Challenge | undefined> {
    const { policy, factors } = await this.deps.policy.forUserWithFactors(user);
    if (!mfaApplies(policy, factors)) return undefined;
    const installationId = await this.deps.enrolment.installationForTicket(user.id, enrolmentTicket);
    return (await this.deps.challenges.start(user.id, { interactionUid, installationId })).challenge;
  }
}

/** Every channel the policy allows, with whether this user can use it and where its code goes. */
export function channelOptions(policy: MfaPolicy, user: UserRecord, factors: UserFactors): MfaChannelOption[] {
  return policy.channels.map((channel) => ({
    channel,
    hint: channel === 'email' ? maskEmail(user.email) : channel === 'sms' && user.phone ? maskPhone(user.phone) : '',
    available: channelAvailable(channel, factors),
  }));
}

/** Whole seconds until `at`, at least 1 (the contract's expiresIn is positive). */
export function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}
