import { KeywayError, type KeywayErrorShape } from '../../../protocol/errors';
import { enterBrowserSignIn } from './browser-sign-in/step';
import { importOffered, importScreen } from './import/step';
import { licenseScreen } from './license/step';
import { enterPassword } from './password/step';
import type { OnboardingState, PendingProfile, ProfileSummary, Screen, Step } from './states';
import { go } from './step';

/**
 * The new-profile path, in order, once Keyway knows the server and how the user signs in (from a
 * redeemed deployment or from discovery). Every step of it enters through this table, so a step is
 * inserted in one place: add it to PATH, say when it is skipped, and let its screen continue with
 * `continueAfter`. Nothing is saved until sign-in succeeds, so Decline or Cancel leaves nothing behind.
 */
type Stage = 'import' | 'license' | 'signIn';
const PATH: readonly Stage[] = ['import', 'license', 'signIn'];

/** What the entry point knows about this server on this machine. */
export interface PathFacts {
  /** A profile for this server exists already. */
  readonly known: boolean;
  /** That profile accepted this very license version (discovery only; a deployment always shows it). */
  readonly licenseAccepted?: boolean;
}

const ENTER: Record<Stage, (state: OnboardingState, pending: PendingProfile, facts: PathFacts) => Step | null> = {
  import: (state, pending, facts) => (importOffered(state.context, facts) ? go(state, importScreen(pending)) : null),
  license: (state, pending, facts) => (facts.licenseAccepted === true ? null : go(state, licenseScreen(pending))),
  signIn: (state, pending) => signIn(state, pending),
};

/** Starts the path for a pending profile: its first stage that is not skipped. */
export function newProfile(state: OnboardingState, pending: PendingProfile, facts: PathFacts): Step {
  return from(0, state, pending, facts);
}

/** The stage after `stage`, for a screen of the path that is done (Import chosen, License accepted). */
export function continueAfter(stage: Stage, state: OnboardingState, pending: PendingProfile): Step {
  // Later stages were entered on purpose: nothing before sign-in is skipped once the path is under way.
  return from(PATH.indexOf(stage) + 1, state, pending, { known: false });
}

function from(index: number, state: OnboardingState, pending: PendingProfile, facts: PathFacts): Step {
  for (const stage of PATH.slice(index)) {
    const step = ENTER[stage](state, pending, facts);
    if (step) return step;
  }
  throw new Error('The new-profile path ends with sign-in, which is never skipped.');
}

/** The screen Back (or Cancel) leads to from a pending profile's sign-in step. */
export function backFrom(pending: PendingProfile): Screen {
  return pending.entry === 'license' ? licenseScreen(pending) : pending.entry;
}

/** The last stage: the password page, or the system browser for unified login. */
function signIn(state: OnboardingState, pending: PendingProfile): Step {
  const target: ProfileSummary = {
    origin: pending.server.origin,
    serverName: pending.server.name,
    loginId: pending.loginId,
    displayName: pending.displayName,
    method: pending.signIn.method,
    acceptedLicenseVersion: pending.license.version,
  };
  if (pending.signIn.method === 'password') {
    if (state.context.policy.forceUnifiedLogin === true)
      return go(state, { kind: 'welcome', input: '', error: unifiedLoginRequired() });
    return enterPassword(state, target, pending);
  }
  return enterBrowserSignIn(state, target, pending, pending.signIn, backFrom(pending));
}

export const unifiedLoginRequired = (): KeywayErrorShape =>
  new KeywayError(
    'unified_login_required',
    'Your organization’s policy allows only sign-in through its identity provider, and this account uses a password.',
  ).toShape();
