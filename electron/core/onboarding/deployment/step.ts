import type { DeploymentConfig } from '../../../../protocol/api';
import { parseDeploymentInput } from '../../../../protocol/deployment-link';
import type { KeywayErrorShape } from '../../../../protocol/errors';
import { assertServerAllowed } from '../../policy';
import { managedSettings } from '../managed';
import { newProfile } from '../path';
import type { OnboardingState, ParsedDeployment, PendingProfile, Screen, Step } from '../states';
import { always, go, hostOf, never, toShape, type EffectResults, type StepDefinition } from '../step';
import { TRY_AGAIN } from '../try-again';

/**
 * A deployment link or pasted code: Welcome (the paste field) → Confirm server (a server this machine
 * has never trusted) → redeeming the code → the new-profile path (path.ts). A known server skips Confirm.
 */

export interface WelcomeScreen {
  readonly kind: 'welcome';
  readonly input: string;
  readonly error: KeywayErrorShape | null;
}
export interface ConfirmServerScreen {
  readonly kind: 'confirmServer';
  readonly deployment: ParsedDeployment;
  readonly error: KeywayErrorShape | null;
  readonly returnTo: Screen;
}
export interface RedeemingScreen {
  readonly kind: 'redeeming';
  readonly deployment: ParsedDeployment;
  readonly returnTo: Screen;
}

export interface DeploymentEffect {
  readonly type: 'redeem';
  readonly deployment: ParsedDeployment;
}

export const welcome = (input = '', error: KeywayErrorShape | null = null): WelcomeScreen => ({
  kind: 'welcome',
  input,
  error,
});

/** Parses pasted text or a deep link, applies policy, and moves to Confirm server (or straight on). */
export function startDeployment(state: OnboardingState, input: string, from: Screen): Step {
  const returnTo = from.kind === 'welcome' ? welcome() : from;
  try {
    const code = parseDeploymentInput(input);
    assertServerAllowed(code.origin, state.context.policy);
    const deployment = { origin: code.origin, codeText: code.text };
    // Only a server this machine has never trusted needs the user's explicit yes.
    if (state.context.profiles.some((p) => p.origin === code.origin)) {
      return go(state, { kind: 'redeeming', deployment, returnTo }, { type: 'redeem', deployment });
    }
    return go(state, { kind: 'confirmServer', deployment, error: null, returnTo });
  } catch (error) {
    return go(state, welcome(input, toShape(error)));
  }
}

/** The profile a redeemed deployment would create, held until sign-in succeeds. */
function pendingFrom(config: DeploymentConfig): PendingProfile {
  return {
    server: config.server,
    loginId: config.user.loginId,
    displayName: config.user.displayName,
    loginHint: config.user.email,
    signIn: config.signIn,
    license: config.license,
    features: config.features,
    importFrom: null,
    // Back on the password page of a deployment returns to its license.
    entry: 'license',
  };
}

export const welcomeStep: StepDefinition<WelcomeScreen> = {
  on: (state, screen, event) => {
    if (event.type === 'welcome.inputChanged') return go(state, welcome(event.text));
    if (event.type === 'welcome.applied') return startDeployment(state, screen.input, screen);
    return null;
  },
  view: (screen, context) => ({
    screen: 'welcome',
    input: screen.input,
    canApply: screen.input.trim() !== '',
    error: screen.error,
    ...(context.notice ? { notice: context.notice } : {}),
    managed: managedSettings(context.policy),
  }),
  acceptsLinks: always,
};

export const confirmServerStep: StepDefinition<ConfirmServerScreen> = {
  on: (state, screen, event) => {
    if (event.type === 'server.confirmed') {
      const { deployment, returnTo } = screen;
      return go(state, { kind: 'redeeming', deployment, returnTo }, { type: 'redeem', deployment });
    }
    if (event.type === 'cancel.pressed') return go(state, screen.returnTo);
    return null;
  },
  view: (screen) => ({
    screen: 'confirmServer',
    serverHost: hostOf(screen.deployment.origin),
    origin: screen.deployment.origin,
    secure: screen.deployment.origin.startsWith('https:'),
    error: screen.error,
  }),
  // The user is deciding whether to trust this server: another link waits until they have.
  acceptsLinks: never,
};

export const redeemingStep: StepDefinition<RedeemingScreen> = {
  on: (state, screen, event) => {
    if (event.type === 'redeem.succeeded') return newProfile(state, pendingFrom(event.config), { known: false });
    if (event.type === 'redeem.failed') {
      // A dead code cannot be retried: back to the paste field. A network failure can: stay on Confirm.
      if (!TRY_AGAIN.redeem(event.error)) {
        return go(state, welcome(screen.deployment.codeText, event.error));
      }
      const { deployment, returnTo } = screen;
      return go(state, { kind: 'confirmServer', deployment, error: event.error, returnTo });
    }
    return null;
  },
  view: (screen) => ({ screen: 'progress', step: 'redeeming', serverHost: hostOf(screen.deployment.origin) }),
  acceptsLinks: never,
};

/** What redeeming a deployment code becomes. */
export type DeploymentResultEvent =
  | { readonly type: 'redeem.succeeded'; readonly config: DeploymentConfig }
  | { readonly type: 'redeem.failed'; readonly error: KeywayErrorShape };

export const deploymentResults: EffectResults<
  DeploymentEffect,
  { readonly redeem: DeploymentConfig },
  DeploymentResultEvent
> = {
  redeem: {
    done: (config) => ({ type: 'redeem.succeeded', config }),
    failed: (error) => ({ type: 'redeem.failed', error }),
  },
};
