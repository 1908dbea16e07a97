import type { License, UserSummary } from '../../../protocol/api';
import { KeywayError, type KeywayErrorShape } from '../../../protocol/errors';
import { assertPlainHttpAllowed } from '../../../protocol/server-origin';
import { hostname } from 'node:os';
import QRCode from 'qrcode';
import { createDeviceKey, deviceKeyAccount, loadDeviceKey, proveDevice, saveDeviceKey } from '../mfa/device-key';
import { CustomSchemeRedirect } from '../oidc/custom-scheme-redirect';
import { OidcClient } from '../oidc/oidc-client';
import type { Clock, ExternalBrowser, Fetch, Policy, SecretStore, SettingsStore } from '../ports';
import { refreshTokenAccount } from '../secrets/accounts';
import { recoveryNotice } from '../settings/recovery-notice';
import { ServerApi } from '../server-api/server-api';
import type { Profile, Settings } from '../settings/schema';
import { providerIsTheServers } from './forget-everywhere';
import { toShape } from './machine';
import { homeOf, profileFrom, summaries, summary, withProfile } from './profiles';
import { performSelfService, selfServiceFailure } from './self-service-effects';
import type { OnboardingEffect, OnboardingEvent, PendingProfile, ProfileSummary } from './states';

export interface CoreDependencies {
  readonly secrets: SecretStore;
  readonly settings: SettingsStore;
  readonly fetch: Fetch;
  readonly clock: Clock;
  readonly policy: Policy;
  readonly browser: ExternalBrowser;
  /** How long to wait for the browser sign-in before giving up (default 5 minutes). */
  readonly browserTimeoutMs?: number;
  /** How long any one request to the server or the identity provider may take (default 15 s). */
  readonly networkTimeoutMs?: number;
  /**
   * False where a loopback listener cannot work (a sandboxed package, a VPN client that blocks it):
   * unified login then uses the private-use scheme redirect. Default true.
   */
  readonly loopbackRedirect?: boolean;
  /**
   * Whether plain http to a loopback server or identity provider is allowed: true only in development
   * builds (main: `!app.isPackaged`) and the harness; packaged builds use https only (server-origin.ts).
   * Required, so every host decides.
   */
  readonly plainHttpLoopback: boolean;
}

/** What a successful sign-in hands over, whichever way it happened. */
interface Session {
  readonly refreshToken: string | null;
  /** An access token to the Keyway server API, when the session is one of its own (not an IdP's). */
  readonly accessToken?: string;
  readonly user: UserSummary | null;
  /** The server's current license (password sessions); null when the sign-in path does not tell. */
  readonly license: License | null;
}

/**
 * Runs the machine's effects: the only place where onboarding touches the network, the browser, the
 * keychain and the settings file. Each effect resolves to exactly one event; it never rejects.
 */
export class OnboardingService {
  /** The profiles as last read or written, for failure events that must not lose them. */
  #profiles: ProfileSummary[] = [];
  /** Access tokens to the Keyway server API, in memory only (password sessions). */
  readonly #accessTokens = new Map<string, string>();
  readonly #oidc: OidcClient;
  /** Receives `dev.keyway.app:` callbacks that the OS hands to Keyway (see KeywayCore.openDeepLink). */
  readonly customScheme = new CustomSchemeRedirect();
  #browserFlow: { abort: AbortController; url: string | null } | null = null;
  /**
   * Refresh tokens the keychain refused (locked or unreachable), by origin: in memory only, so the
   * session lasts this run and "Try again" can store it once the keychain is back. Never on disk.
   */
  readonly #unsavedRefreshTokens = new Map<string, string>();

  constructor(private readonly deps: CoreDependencies) {
    this.#oidc = new OidcClient(
      deps.fetch,
      deps.browser,
      this.customScheme,
      deps.browserTimeoutMs,
      deps.loopbackRedirect,
      deps.networkTimeoutMs,
      deps.plainHttpLoopback,
    );
  }

  async start(): Promise<OnboardingEvent> {
    try {
      const settings = await this.deps.settings.read();
      // Persist what reading created or migrated (e.g. the installation ID) before anything uses it.
      await this.deps.settings.write(settings);
      const active = settings.profiles.find((p) => p.origin === settings.activeOrigin);
      return {
        type: 'started',
        profiles: this.remember(settings),
        resume: active ? summary(active) : null,
        notice: recoveryNotice(this.deps.settings.takeRecovery?.() ?? null),
      };
    } catch (error) {
      return { type: 'startFailed', error: toShape(error) };
    }
  }

  async run(effect: OnboardingEffect, emit: (event: OnboardingEvent) => void): Promise<OnboardingEvent | null> {
    try {
      return await this.perform(effect, emit);
    } catch (error) {
      const shape = toShape(error);
      switch (effect.type) {
        case 'redeem':
          return { type: 'redeem.failed', error: shape };
        case 'discover':
          return { type: 'discovery.failed', error: shape };
        case 'signIn':
        case 'oidcSignIn':
        case 'oidcDevice':
          return { type: 'signIn.failed', error: shape };
        case 'resume':
          return { type: 'resume.failed', error: shape, sessionEnded: false };
        case 'signOut':
          return { type: 'signedOut', profiles: this.#profiles, forgot: false };
        case 'mfaSend':
        case 'mfaEnroll':
        case 'mfaVerify':
          return { type: 'mfa.failed', error: shape };
        case 'security':
          return { type: 'security.failed', error: shape };
        case 'saveSession':
          return { type: 'session.saveFailed', error: shape };
        case 'requestPasswordReset':
        case 'otp':
        case 'otpTimer':
          return selfServiceFailure(effect, shape);
        case 'acceptLicense':
        case 'oidcReopen':
        case 'oidcCancel':
          return { type: 'profiles.changed', profiles: this.#profiles };
      }
    }
  }

  private async perform(
    effect: OnboardingEffect,
    emit: (event: OnboardingEvent) => void,
  ): Promise<OnboardingEvent | null> {
    switch (effect.type) {
      case 'requestPasswordReset':
      case 'otp':
      case 'otpTimer':
        return performSelfService(effect, {
          api: (origin) => this.api(origin),
          withAccessToken: async (origin, call) => this.withAccessToken(await this.deps.settings.read(), origin, call),
          clock: this.deps.clock,
          emit,
        });
      case 'redeem': {
        const settings = await this.deps.settings.read();
        const config = await this.api(effect.deployment.origin).redeem({
          code: effect.deployment.codeText,
          installationId: settings.installationId,
        });
        if (config.server.origin !== effect.deployment.origin) {
          throw new KeywayError(
            'server_bad_response',
            `The server at ${new URL(effect.deployment.origin).host} answered for another server.`,
          );
        }
        return { type: 'redeem.succeeded', config };
      }
      case 'discover': {
        const response = await this.api(effect.origin).discover({ loginId: effect.loginId });
        if (response.server.origin !== effect.origin) {
          throw new KeywayError(
            'server_bad_response',
            `The server at ${new URL(effect.origin).host} answered for another server.`,
          );
        }
        return { type: 'discovery.succeeded', response };
      }
      case 'signIn':
        return this.passwordSignIn(effect.target, effect.password, effect.pending);
      case 'oidcSignIn':
      case 'oidcDevice':
        return this.browserSignIn(effect, emit);
      case 'mfaSend': {
        const sent = await this.api(effect.origin).sendCode({
          challengeId: effect.challengeId,
          channel: effect.channel,
        });
        const now = this.deps.clock.now();
        return {
          type: 'mfa.codeSent',
          sent: { hint: sent.hint, expiresAt: now + sent.expiresIn * 1000, resendAt: now + sent.resendAfter * 1000 },
        };
      }
      case 'mfaEnroll': {
        const enrollment = await this.api(effect.origin).enroll(effect.challengeId);
        // The QR code is drawn here, on this device: the secret never goes to a third-party renderer.
        const svg = await QRCode.toString(enrollment.otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
        return {
          type: 'mfa.enrollment',
          enrollment: {
            qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
            secret: enrollment.secret,
          },
        };
      }
      case 'mfaVerify':
        return this.verifySecondFactor(effect);
      case 'security':
        return this.security(effect.origin, effect.action);
      case 'oidcReopen':
        if (this.#browserFlow?.url)
          await this.deps.browser.open(this.#browserFlow.url, new URL(this.#browserFlow.url).origin);
        return null;
      case 'oidcCancel':
        this.#browserFlow?.abort.abort();
        return null;
      case 'resume':
        return this.resume(effect.target);
      case 'acceptLicense': {
        const settings = await this.deps.settings.read();
        const profiles = settings.profiles.map((p) =>
          p.origin === effect.origin ? { ...p, acceptedLicenseVersion: effect.version } : p,
        );
        await this.deps.settings.write({ ...settings, profiles });
        return { type: 'profiles.changed', profiles: this.remember({ ...settings, profiles }) };
      }
      case 'signOut':
        return this.signOut(effect.origin, effect.forget);
      case 'saveSession':
        return this.saveUnsavedSession(effect.origin);
    }
  }

  /** "Try again" after the keychain refused a session: stores the refresh token kept in memory. */
  private async saveUnsavedSession(origin: string): Promise<OnboardingEvent> {
    const refreshToken = this.#unsavedRefreshTokens.get(origin);
    if (refreshToken !== undefined) {
      const settings = await this.deps.settings.read();
      await this.deps.secrets.set(refreshTokenAccount(settings.installationId, origin), refreshToken);
      this.#unsavedRefreshTokens.delete(origin);
    }
    return { type: 'session.saved' };
  }

  private async passwordSignIn(
    target: ProfileSummary,
    password: string,
    pending: PendingProfile | null,
  ): Promise<OnboardingEvent> {
    const settings = await this.deps.settings.read();
    const api = this.api(target.origin);
    // A remembered device proves itself with its key over a fresh nonce; a failure just means MFA.
    const key = await loadDeviceKey(this.deps.secrets, deviceKeyAccount(settings.installationId, target.origin));
    const deviceProof = key
      ? await api.deviceNonce().then(
          (n) => proveDevice(key, n.nonce),
          () => undefined,
        )
      : undefined;
    const tokens = await api.signInWithPassword({
      loginId: target.loginId,
      password,
      installationId: settings.installationId,
      ...(deviceProof ? { deviceProof } : {}),
    });
    if ('status' in tokens) return { type: 'mfa.required', challenge: tokens };
    const profile = pending
      ? profileFrom(pending, tokens.user, settings, this.deps.clock.now())
      : this.existing(settings, target.origin);
    return this.completeSignIn(settings, profile, {
      refreshToken: tokens.refreshToken,
      user: tokens.user,
      license: tokens.license,
    });
  }

  private async verifySecondFactor(effect: Extract<OnboardingEffect, { type: 'mfaVerify' }>): Promise<OnboardingEvent> {
    const settings = await this.deps.settings.read();
    const device = effect.remember ? createDeviceKey() : null;
    const session = await this.api(effect.target.origin).verify({
      challengeId: effect.challengeId,
      channel: effect.channel,
      code: effect.code,
      ...(device
        ? { rememberDevice: { publicKey: device.publicKey, name: `Keyway on ${hostname()}`.slice(0, 100) } }
        : {}),
    });
    let notice: KeywayErrorShape | null = null;
    if (device && session.trustedDevice) {
      try {
        await saveDeviceKey(this.deps.secrets, deviceKeyAccount(settings.installationId, effect.target.origin), {
          ...device.stored,
          deviceId: session.trustedDevice.deviceId,
        });
      } catch (error) {
        notice = toShape(error);
      }
    }
    const profile = effect.pending
      ? profileFrom(effect.pending, session.user, settings, this.deps.clock.now())
      : this.existing(settings, effect.target.origin);
    const result = await this.completeSignIn(settings, profile, {
      refreshToken: session.refreshToken,
      user: session.user,
      license: session.license,
    });
    return result.type === 'signIn.succeeded' && notice !== null && result.notice === null
      ? { ...result, notice }
      : result;
  }

  /** The profile's security page: reads and changes authenticators and remembered devices. */
  private async security(
    origin: string,
    action: Extract<OnboardingEffect, { type: 'security' }>['action'],
  ): Promise<OnboardingEvent> {
    const settings = await this.deps.settings.read();
    const keyAccount = deviceKeyAccount(settings.installationId, origin);
    const api = this.api(origin);
    switch (action.kind) {
      case 'load':
        break;
      case 'removeDevice':
        await this.withAccessToken(settings, origin, (token) => api.removeTrustedDevice(token, action.deviceId));
        // Forgetting this very device also drops its key: it would prove nothing any more.
        if ((await loadDeviceKey(this.deps.secrets, keyAccount))?.deviceId === action.deviceId) {
          await this.deps.secrets.delete(keyAccount).catch(() => false);
        }
        break;
      case 'removeAuthenticator':
        await this.withAccessToken(settings, origin, (token) =>
          api.removeAuthenticator(token, action.id, action.password),
        );
        break;
      case 'add': {
        const enrollment = await this.withAccessToken(settings, origin, (token) =>
          api.addAuthenticator(token, action.password),
        );
        return {
          type: 'security.enrolling',
          enrolling: { ...(await enrollmentView(enrollment)), enrollmentId: enrollment.enrollmentId },
        };
      }
      case 'confirm':
        await this.withAccessToken(settings, origin, (token) =>
          api.confirmAuthenticator(token, {
            enrollmentId: action.enrollmentId,
            code: action.code,
            name: `Authenticator (${hostname()})`.slice(0, 100),
          }),
        );
        break;
    }
    const overview = await this.withAccessToken(settings, origin, (token) => api.mfaOverview(token));
    return {
      type: 'security.loaded',
      overview,
      thisDevice: (await loadDeviceKey(this.deps.secrets, keyAccount))?.deviceId ?? null,
    };
  }

  /** Runs `call` with this session's access token, refreshing the session once when it has expired. */
  private async withAccessToken<T>(
    settings: Settings,
    origin: string,
    call: (token: string) => Promise<T>,
  ): Promise<T> {
    const current = this.#accessTokens.get(origin);
    if (current) {
      try {
        return await call(current);
      } catch (error) {
        if (!(error instanceof KeywayError) || error.code !== 'unauthorized') throw error;
      }
    }
    const account = refreshTokenAccount(settings.installationId, origin);
    const refreshToken = this.#unsavedRefreshTokens.get(origin) ?? (await this.deps.secrets.get(account));
    if (refreshToken === null)
      throw new KeywayError('session_invalid', 'Your session has ended. Please sign in again.');
    const tokens = await this.api(origin).refresh(refreshToken);
    if (this.#unsavedRefreshTokens.has(origin)) this.#unsavedRefreshTokens.set(origin, tokens.refreshToken);
    else await this.deps.secrets.set(account, tokens.refreshToken);
    this.#accessTokens.set(origin, tokens.accessToken);
    return call(tokens.accessToken);
  }

  private async browserSignIn(
    effect: Extract<OnboardingEffect, { type: 'oidcSignIn' | 'oidcDevice' }>,
    emit: (event: OnboardingEvent) => void,
  ): Promise<OnboardingEvent> {
    const { target, pending, provider, loginHint } = effect;
    this.#browserFlow?.abort.abort();
    const flow = { abort: new AbortController(), url: null as string | null };
    this.#browserFlow = flow;
    try {
      const session =
        effect.type === 'oidcDevice'
          ? await this.#oidc.signInWithDeviceCode(provider, loginHint, flow.abort.signal, (code) =>
              emit({ type: 'oidc.device', code }),
            )
          : await this.#oidc.signIn(provider, loginHint, flow.abort.signal, (url) => {
              flow.url = url;
              emit({ type: 'oidc.opened' });
            });
      const settings = await this.deps.settings.read();
      const user = session.user ?? { loginId: target.loginId, displayName: target.displayName, email: '' };
      const profile = pending
        ? profileFrom(pending, user, settings, this.deps.clock.now())
        : this.existing(settings, target.origin);
      return await this.completeSignIn(settings, profile, { refreshToken: session.refreshToken, user, license: null });
    } finally {
      if (this.#browserFlow === flow) this.#browserFlow = null;
    }
  }

  private async resume(target: ProfileSummary): Promise<OnboardingEvent> {
    let settings: Settings;
    let refreshToken: string | null;
    try {
      settings = await this.deps.settings.read();
      const account = refreshTokenAccount(settings.installationId, target.origin);
      refreshToken = this.#unsavedRefreshTokens.get(target.origin) ?? (await this.deps.secrets.get(account));
      // A locked keychain may answer "nothing stored": ask it whether it can store at all before
      // concluding that the session ended. If it can, it may have been unlocked just now (between the
      // read and the probe), so read once more before sending the user to the password page.
      if (refreshToken === null && this.deps.secrets.probe) {
        await this.deps.secrets.probe();
        refreshToken = await this.deps.secrets.get(account);
      }
    } catch (error) {
      const shape = toShape(error);
      // The keychain is locked or away: the session may be fine, so offer Try again, not the password.
      return { type: 'resume.failed', error: shape, sessionEnded: !shape.code.startsWith('keychain_') };
    }
    const profile = settings.profiles.find((p) => p.origin === target.origin);
    if (refreshToken === null || !profile) return { type: 'resume.failed', error: null, sessionEnded: true };
    try {
      const session = await this.refresh(profile, refreshToken);
      return await this.completeSignIn(settings, profile, session);
    } catch (error) {
      const shape = toShape(error);
      const ended = shape.code === 'session_invalid' || shape.code === 'unauthorized';
      // A token the server refuses is worthless: remove it so no later start tries it again.
      if (ended)
        await this.deps.secrets.delete(refreshTokenAccount(settings.installationId, target.origin)).catch(() => false);
      return { type: 'resume.failed', error: shape, sessionEnded: ended };
    }
  }

  private async refresh(profile: Profile, refreshToken: string): Promise<Session> {
    if (profile.signIn.method === 'oidc') {
      const session = await this.#oidc.refresh(profile.signIn, refreshToken);
      // Providers may keep the same refresh token when they do not rotate; keep whichever is current.
      return { refreshToken: session.refreshToken ?? refreshToken, user: session.user, license: null };
    }
    const tokens = await this.api(profile.origin).refresh(refreshToken);
    return {
      refreshToken: tokens.refreshToken,
      accessToken: tokens.accessToken,
      user: tokens.user,
      license: tokens.license,
    };
  }

  /** Stores the session (refresh token to the keychain, profile to settings) and reports where to go. */
  private async completeSignIn(settings: Settings, profile: Profile, session: Session): Promise<OnboardingEvent> {
    let notice: KeywayErrorShape | null = null;
    if (session.accessToken) this.#accessTokens.set(profile.origin, session.accessToken);
    const account = refreshTokenAccount(settings.installationId, profile.origin);
    this.#unsavedRefreshTokens.delete(profile.origin);
    try {
      if (session.refreshToken === null) await this.deps.secrets.delete(account);
      else await this.deps.secrets.set(account, session.refreshToken);
    } catch (error) {
      // Signed in for now, but the session cannot outlive this run: say so, keep the token in memory
      // for "Try again", and never write it to a file.
      notice = toShape(error);
      if (session.refreshToken !== null) this.#unsavedRefreshTokens.set(profile.origin, session.refreshToken);
    }
    const updated: Profile = { ...profile, user: session.user ?? profile.user };
    const next = withProfile(settings, updated);
    await this.deps.settings.write(next);
    const license = session.license;
    return {
      type: 'signIn.succeeded',
      home: homeOf(updated),
      profiles: this.remember(next),
      notice,
      licenseUpdate: license === null || updated.acceptedLicenseVersion === license.version ? null : license,
    };
  }

  private async signOut(origin: string, forget: boolean): Promise<OnboardingEvent> {
    this.#accessTokens.delete(origin);
    let settings = await this.deps.settings.read();
    const account = refreshTokenAccount(settings.installationId, origin);
    const unsaved = this.#unsavedRefreshTokens.get(origin) ?? null;
    this.#unsavedRefreshTokens.delete(origin);
    const token = unsaved ?? (await this.deps.secrets.get(account).catch(() => null));
    const profile = settings.profiles.find((p) => p.origin === origin);
    if (token !== null && profile) {
      // Revoke at the server first; if it cannot be reached, the local copy is still wiped. Forgetting a
      // server also signs the user out everywhere on it (sessions/revoke `everywhere`).
      if (profile.signIn.method === 'oidc') {
        // An RFC 7009 revocation endpoint cannot sign out other devices. When the provider is the Keyway
        // server's own (issuer on the server's origin), the server's API can, given the provider token
        // while it is still live: so this goes BEFORE the revocation. An external IdP (Entra, Okta) is
        // skipped: their sessions are theirs, and the token would mean nothing to the Keyway server.
        if (forget && providerIsTheServers(profile.signIn.issuer, origin)) {
          await this.api(origin)
            .revoke(token, true, 'oidc')
            .catch(() => undefined);
        }
        await this.#oidc.revoke(profile.signIn, token).catch(() => undefined);
      } else {
        await this.api(origin)
          .revoke(token, forget)
          .catch(() => undefined);
      }
    }
    await this.deps.secrets.delete(account).catch(() => false);
    if (forget) {
      // Forgetting a server removes everything Keyway kept for it, the device key included.
      await this.deps.secrets.delete(deviceKeyAccount(settings.installationId, origin)).catch(() => false);
      settings = {
        ...settings,
        profiles: settings.profiles.filter((p) => p.origin !== origin),
        activeOrigin: settings.activeOrigin === origin ? null : settings.activeOrigin,
      };
      await this.deps.settings.write(settings);
    }
    return { type: 'signedOut', profiles: this.remember(settings), forgot: forget };
  }

  private existing(settings: Settings, origin: string): Profile {
    const profile = settings.profiles.find((p) => p.origin === origin);
    if (!profile)
      throw new KeywayError(
        'settings_corrupt',
        'This server is no longer in Keyway’s settings. Add it again with its deployment link.',
      );
    return profile;
  }

  private remember(settings: Settings): ProfileSummary[] {
    this.#profiles = summaries(settings);
    return this.#profiles;
  }

  private api(origin: string): ServerApi {
    assertPlainHttpAllowed(origin, this.deps.plainHttpLoopback);
    return new ServerApi(origin, this.deps.fetch, this.deps.networkTimeoutMs);
  }
}

/** The QR code is drawn here, on this device: the secret never goes to a third-party renderer. */
async function enrollmentView(enrollment: {
  otpauthUri: string;
  secret: string;
}): Promise<{ qrDataUrl: string; secret: string }> {
  const svg = await QRCode.toString(enrollment.otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`, secret: enrollment.secret };
}
