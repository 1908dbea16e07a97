import type { DeploymentConfig, DiscoveryResponse } from '../../../protocol/api';
import { KeywayError, type KeywayErrorShape } from '../../../protocol/errors';
import { isLoopbackHost, parseServerOrigin } from '../../../protocol/server-origin';
import type { OnboardingState, PendingProfile, ProfileSummary, Screen, Step } from './states';

/**
 * Where a sign-in goes once Keyway knows the server and how the user signs in: Import (another
 * profile exists), License (new profile or a changed license), then Password or the browser (OIDC).
 * Pure functions used by the machine's transitions.
 */

export function fromDeployment(state: OnboardingState, config: DeploymentConfig): Step {
  const pending: PendingProfile = {
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
  const { context } = state;
  const offerImport = context.profiles.length > 0 && context.policy.disableImport !== true;
  return go(state, offerImport ? { kind: 'importProfile', pending } : { kind: 'license', pending });
}

export function afterDiscovery(
  state: OnboardingState,
  discovering: Extract<Screen, { kind: 'discovering' }>,
  response: DiscoveryResponse,
): Step {
  const { context } = state;
  if (context.policy.forceUnifiedLogin === true && response.signIn.method === 'password') {
    return go(state, withError(discovering.returnTo, unifiedLoginRequired()));
  }
  const existing = context.profiles.find((p) => p.origin === response.server.origin);
  const pending: PendingProfile = {
    server: response.server,
    loginId: discovering.loginId,
    displayName: existing?.loginId === discovering.loginId ? existing.displayName : discovering.loginId,
    loginHint: discovering.loginId,
    signIn: response.signIn,
    license: response.license,
    features: response.features,
    importFrom: null,
    entry: discovering.returnTo,
  };
  if (existing?.acceptedLicenseVersion === response.license.version) return proceedToSignIn(state, pending);
  const offerImport = !existing && context.profiles.length > 0 && context.policy.disableImport !== true;
  return go(state, offerImport ? { kind: 'importProfile', pending } : { kind: 'license', pending });
}

/** After the license: the password page, or the system browser for unified login. */
export function proceedToSignIn(state: OnboardingState, pending: PendingProfile): Step {
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
    return go(state, { kind: 'password', target, pending, error: null });
  }
  const { issuer, clientId, enrolmentTicket } = pending.signIn;
  const provider = { issuer, clientId, enrolmentTicket };
  return {
    state: {
      ...state,
      screen: {
        kind: 'browserSignIn',
        target,
        pending,
        provider,
        loginHint: pending.loginHint,
        opened: false,
        mode: 'redirect',
        device: null,
        error: null,
        returnTo: backFrom(pending),
      },
    },
    effects: [{ type: 'oidcSignIn', target, pending, provider, loginHint: pending.loginHint }],
  };
}

/** The host the user typed on Manual Login: a bare host means https; an explicit URL is checked. */
export function parseManualServer(text: string): string {
  const host = text.trim();
  if (host === '')
    throw new KeywayError('invalid_input', 'Enter the server’s host name, for example keyway.example.com.');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) return parseServerOrigin(host);
  // A bare host means https, except this computer (development), which serves plain http.
  const bareHost = host.replace(/:\d+$/, '').toLowerCase();
  return parseServerOrigin(`${isLoopbackHost(bareHost) ? 'http' : 'https'}://${host}`);
}

/** The screen Back (or Cancel) leads to from a pending profile's sign-in step. */
export function backFrom(pending: PendingProfile): Screen {
  return pending.entry === 'license' ? { kind: 'license', pending } : pending.entry;
}

/** Puts an error on the screens that show one; other screens are returned as they are. */
export function withError(screen: Screen, error: KeywayErrorShape): Screen {
  return screen.kind === 'loginId' || screen.kind === 'manualLogin' || screen.kind === 'welcome'
    ? { ...screen, error }
    : screen;
}

const unifiedLoginRequired = (): KeywayErrorShape =>
  new KeywayError(
    'unified_login_required',
    'Your organization’s policy allows only sign-in through its identity provider, and this account uses a password.',
  ).toShape();

const go = (state: OnboardingState, screen: Screen): Step => ({ state: { ...state, screen }, effects: [] });
