import type { ManagedSetting, View } from '../../ipc/view';
import type { Policy } from '../ports';
import { assertNever, canRetrySave } from './machine';
import { asksForCode, usableChannels } from './mfa-step';
import { canRequestReset } from './password-reset-step';
import type { PasswordResetRequest } from './self-service-states';
import type { OnboardingState, ProfileSummary } from './states';

const hostOf = (origin: string): string => new URL(origin).host;

/** What IT manages on this machine, for the "managed by your organization" note (worded by the renderer). */
export function managedSettings(policy: Policy): ManagedSetting[] {
  const managed: ManagedSetting[] = [];
  if (policy.presetServer) managed.push({ setting: 'presetServer', value: hostOf(policy.presetServer) });
  if (policy.allowedServers) managed.push({ setting: 'allowedServers', value: policy.allowedServers.join(', ') });
  if (policy.disableManualLogin) managed.push({ setting: 'disableManualLogin', value: null });
  if (policy.disableImport) managed.push({ setting: 'disableImport', value: null });
  if (policy.forceUnifiedLogin) managed.push({ setting: 'forceUnifiedLogin', value: null });
  if (policy.defaultLanguage) managed.push({ setting: 'defaultLanguage', value: policy.defaultLanguage });
  return managed;
}

/** The view the renderer shows for a state: the only thing that crosses to the UI, never a secret. */
export function toView(state: OnboardingState): View {
  const { screen, context } = state;
  switch (screen.kind) {
    case 'starting':
      return { screen: 'progress', step: 'starting', serverHost: null };
    case 'welcome':
      return {
        screen: 'welcome',
        input: screen.input,
        canApply: screen.input.trim() !== '',
        error: screen.error,
        ...(context.notice ? { notice: context.notice } : {}),
        managed: managedSettings(context.policy),
      };
    case 'manualLogin':
      return { screen: 'manualLogin', host: screen.host, loginId: screen.loginId, error: screen.error };
    case 'loginId':
      return {
        screen: 'loginId',
        serverName: screen.serverName,
        serverHost: hostOf(screen.origin),
        loginId: screen.loginId,
        canGoBack: screen.canGoBack,
        // The start-up notice shows in the error slot of the screens that have no notice of their own.
        error: screen.error ?? context.notice ?? null,
      };
    case 'discovering':
      return { screen: 'progress', step: 'discovering', serverHost: hostOf(screen.origin) };
    case 'browserSignIn':
      return {
        screen: 'browserSignIn',
        serverHost: hostOf(screen.target.origin),
        identityProviderHost: hostOf(screen.provider.issuer),
        loginId: screen.target.loginId,
        opened: screen.opened,
        device: screen.mode === 'device' ? screen.device : null,
        error: screen.error,
      };
    case 'confirmServer':
      return {
        screen: 'confirmServer',
        serverHost: hostOf(screen.deployment.origin),
        origin: screen.deployment.origin,
        secure: screen.deployment.origin.startsWith('https:'),
        error: screen.error,
      };
    case 'redeeming':
      return { screen: 'progress', step: 'redeeming', serverHost: hostOf(screen.deployment.origin) };
    case 'importProfile':
      return {
        screen: 'import',
        serverName: screen.pending.server.name,
        candidates: context.profiles.map((p) => ({
          origin: p.origin,
          serverName: p.serverName,
          serverHost: hostOf(p.origin),
          loginId: p.loginId,
        })),
      };
    case 'license':
      return {
        screen: 'license',
        serverName: screen.pending.server.name,
        ...screen.pending.license,
        isUpdate: false,
      };
    case 'licenseUpdate':
      return { screen: 'license', serverName: screen.home.serverName, ...screen.license, isUpdate: true };
    case 'password':
      return {
        screen: 'password',
        ...targetView(screen.target),
        displayName: screen.target.displayName,
        error: screen.error ?? context.notice ?? null,
        ...(canRequestReset(screen) ? { forgotPassword: forgotPasswordView(screen.reset ?? null) } : {}),
      };
    case 'oneTimePassword':
      return {
        screen: 'oneTimePassword',
        serverHost: hostOf(screen.home.origin),
        loginId: screen.home.loginId,
        phase: screen.phase,
        canUseAuthenticator: screen.authenticator,
        otp: screen.otp,
        error: screen.error,
      };
    case 'mfa':
      return {
        screen: 'mfa',
        serverHost: hostOf(screen.target.origin),
        loginId: screen.target.loginId,
        channels: usableChannels(screen.challenge).map(({ channel, hint }) => ({ channel, hint })),
        channel: screen.channel,
        sent: screen.sent,
        enrollment: screen.enrollment,
        trustDays: screen.challenge.trustDays,
        asksForCode: asksForCode(screen),
        busy: screen.busy,
        error: screen.error,
      };
    case 'signingIn':
      return { screen: 'progress', step: 'signingIn', serverHost: hostOf(screen.target.origin) };
    case 'resuming':
      return { screen: 'progress', step: 'resuming', serverHost: hostOf(screen.target.origin) };
    case 'resumeFailed':
      return { screen: 'resumeFailed', ...targetView(screen.target), error: screen.error };
    case 'home':
      return {
        screen: 'home',
        displayName: screen.home.displayName,
        loginId: screen.home.loginId,
        email: screen.home.email,
        serverName: screen.home.serverName,
        serverHost: hostOf(screen.home.origin),
        notice: screen.notice ?? context.notice ?? null,
        ...(canRetrySave(screen.notice) ? { canRetry: true } : {}),
        managed: managedSettings(context.policy),
        canManageSecurity: context.profiles.find((p) => p.origin === screen.home.origin)?.method === 'password',
      };
    case 'security':
      return {
        screen: 'security',
        serverHost: hostOf(screen.home.origin),
        loaded: screen.overview !== null,
        authenticators: screen.overview?.authenticators ?? [],
        devices: (screen.overview?.trustedDevices ?? []).map((d) => ({
          ...d,
          thisDevice: d.deviceId === screen.thisDevice,
        })),
        enrolling: screen.enrolling ? { qrDataUrl: screen.enrolling.qrDataUrl, secret: screen.enrolling.secret } : null,
        busy: screen.busy,
        error: screen.error,
      };
    case 'signingOut':
      return {
        screen: 'progress',
        step: screen.forget ? 'forgetting' : 'signingOut',
        serverHost: hostOf(screen.home.origin),
      };
    default:
      return assertNever(screen);
  }
}

function targetView(target: ProfileSummary): { serverName: string; serverHost: string; loginId: string } {
  return { serverName: target.serverName, serverHost: hostOf(target.origin), loginId: target.loginId };
}

function forgotPasswordView(
  reset: PasswordResetRequest | null,
): NonNullable<Extract<View, { screen: 'password' }>['forgotPassword']> {
  if (reset === null) return { status: 'offered', minutes: null };
  return reset.status === 'sending' ? { status: 'sending', minutes: null } : { status: 'sent', minutes: reset.minutes };
}
