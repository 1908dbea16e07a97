import type { MfaChannel } from '../../protocol/mfa';
import type { MfaServices } from '../services';
import type { LiveChallenge } from './challenges';
import { enrollmentRequired } from './policy';
import { channelOptions } from './sign-in-gate';

/**
 * What the server's web pages (the OpenID Provider's sign-in and the account page) offer at the second
 * step: one rule for both, so a user meets the same choices wherever they sign in.
 */
export type WebStepView =
  { kind: 'choose' } | { kind: 'code'; channel: MfaChannel; notice?: string } | { kind: 'enroll' };
export type WebStepWay = MfaChannel | 'enroll';

/** The policy, the user's factors, and every channel with whether it is available to this user now. */
export function webStepSituation(mfa: MfaServices, live: LiveChallenge) {
  const policy = mfa.policy.read();
  const factors = mfa.gate.factorsOf(live.user);
  return { policy, factors, options: channelOptions(policy, live.user, factors) };
}

/** Every way this user can pass the step now: available channels, and enrolment when policy requires it. */
export function webStepWays(mfa: MfaServices, live: LiveChallenge): WebStepWay[] {
  const { policy, factors, options } = webStepSituation(mfa, live);
  const channels: WebStepWay[] = options.filter((option) => option.available).map((option) => option.channel);
  // Enrolment is a way only where a first enrolment is allowed: never on these pages' password alone.
  const enrol =
    enrollmentRequired(policy, factors) && mfa.enrolment.allowedFor(live.user.id, live.challenge.installationId);
  return enrol ? ['enroll', ...channels] : channels;
}

/** A code for this channel is typed on the enrolment page while the user has no authenticator yet. */
export function webStepView(mfa: MfaServices, live: LiveChallenge, channel: MfaChannel): WebStepView {
  const ways = webStepWays(mfa, live);
  if (channel === 'totp' && !ways.includes('totp'))
    return ways.includes('enroll') ? { kind: 'enroll' } : { kind: 'choose' };
  return ways.includes(channel) ? { kind: 'code', channel } : { kind: 'choose' };
}
