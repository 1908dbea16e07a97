import { RecoveryCode, type MfaChannel } from '../../protocol/mfa';
import type { MfaServices } from '../services';
import type { LiveChallenge } from './challenges';
import { enrollmentRequired } from './policy';
import { channelOptions } from './sign-in-gate';

/**
 * What the server's web pages (the OpenID Provider's sign-in and the account page) offer at the second
 * step: one rule for both, so a user meets the same choices wherever they sign in.
 */
export type WebStepView =
  | { kind: 'choose' }
  | { kind: 'code'; channel: CodeWay; notice?: string; purpose?: 'enroll' }
  | { kind: 'enroll' }
  | { kind: 'passkey' }
  | { kind: 'recover' };
/** The channels whose step is a typed code (a passkey's is a WebAuthn ceremony). */
type CodeWay = Exclude<MfaChannel, 'passkey'>;
export type WebStepWay = MfaChannel | 'enroll';

/** The policy, the user's factors, and every channel with whether it is available to this user now. */
export async function webStepSituation(mfa: MfaServices, live: LiveChallenge) {
  const policy = await mfa.policy.forUser(live.user.id);
  const factors = await mfa.gate.factorsOf(live.user);
  return { policy, factors, options: channelOptions(policy, live.user, factors) };
}

/**
 * Every way this user can pass the step now: available channels, and enrolment when policy requires it
 * and a first enrolment is allowed (enrolment.ts) — or, where the page can ask for one (`canProve`), an
 * e-mail/SMS code first proves the owner. Never on the password alone.
 */
export async function webStepWays(mfa: MfaServices, live: LiveChallenge, canProve = false): Promise<WebStepWay[]> {
  const { policy, factors, options } = await webStepSituation(mfa, live);
  const channels: WebStepWay[] = options.filter((option) => option.available).map((option) => option.channel);
  const enrol =
    enrollmentRequired(policy, factors) &&
    ((await mfa.secondStep.enrolmentAllowed(live)) || (canProve && (await proofChannel(mfa, live)) !== undefined));
  return enrol ? ['enroll', ...channels] : channels;
}

/** The channel whose code proves the owner before a first enrolment: e-mail, else SMS, if available. */
export async function proofChannel(mfa: MfaServices, live: LiveChallenge): Promise<'email' | 'sms' | undefined> {
  const { options } = await webStepSituation(mfa, live);
  const usable = (channel: MfaChannel) => options.some((option) => option.channel === channel && option.available);
  return usable('email') ? 'email' : usable('sms') ? 'sms' : undefined;
}

/** A code for this channel is typed on the enrolment page while the user has no authenticator yet. */
export async function webStepView(
  mfa: MfaServices,
  live: LiveChallenge,
  channel: MfaChannel,
  canProve = false,
): Promise<WebStepView> {
  const ways = await webStepWays(mfa, live, canProve);
  if (channel === 'totp' && !ways.includes('totp'))
    return ways.includes('enroll') ? { kind: 'enroll' } : { kind: 'choose' };
  if (!ways.includes(channel)) return { kind: 'choose' };
  return channel === 'passkey' ? { kind: 'passkey' } : { kind: 'code', channel };
}

/** Whether the page offers "Use a recovery code": the user has at least one unused code. */
export async function offersRecovery(mfa: MfaServices, live: LiveChallenge): Promise<boolean> {
  return ((await mfa.recoveryCodes.remaining(live.user.id)) ?? 0) > 0;
}

/** A recovery code as typed into a page's form; undefined when it cannot be one (protocol/mfa.ts). */
export function typedRecoveryCode(field: unknown): string | undefined {
  return RecoveryCode.safeParse(field).data;
}
