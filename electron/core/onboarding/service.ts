import type { License, UserSummary } from '../../../protocol/api';
import type { DevicePublicKey, RecoveryCodes, VerifiedSession } from '../../../protocol/mfa';
import { KeywayError, type KeywayErrorShape } from '../../../protocol/errors';
import { ClientVersion } from '../../../protocol/client-config';
import { assertPlainHttpAllowed } from '../../../protocol/server-origin';
import { receiveConfig, type ReceivedConfig } from '../managed-config';
import { hostname } from 'node:os';
import QRCode from 'qrcode';
import { createDeviceKey, deviceKeyAccount, loadDeviceKey, proveDevice, saveDeviceKey } from '../mfa/device-key';
import { CustomSchemeRedirect } from '../oidc/custom-scheme-redirect';
import { OidcClient } from '../oidc/oidc-client';
import { runPasskeyBrowserStep } from '../oidc/passkey-browser-step';
import type { Clock, ExternalBrowser, Fetch, Policy, SecretStore, SettingsStore } from '../ports';
import { refreshTokenAccount } from '../secrets/accounts';
import { recoveryNotice } from '../settings/recovery-notice';
import { ServerApi } from '../server-api/server-api';
import type { Profile, Settings } from '../settings/schema';
import { providerIsTheServers } from './forget-everywhere';
import { EFFECT_RESULTS } from './machine';
import { homeOf, profileFrom, summaries, summary, withProfile } from './profiles';
import type { SecurityAction } from './security/step';
import type { ResumeOutcome } from './start/step';
import { sessionRefused } from './try-again';
import type { BrowserProgress } from './browser-sign-in/step';
import type { EffectProgress } from './machine';
import type {
  EffectOf,
  EffectOutcomes,
  OnboardingEffect,
  OnboardingEvent,
  PendingProfile,
  ProfileSummary,
  SignedIn,
} from './states';
import { toShape } from './step';

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
  /** This Keyway's version (Electron's app.getVersion()), sent on redeem for the deployment's status. */
  readonly appVersion?: string;
}

/** How long a browser step (unified login, a passkey) may take by default. */
const BROWSER_TIMEOUT_MS = 5 * 60_000;

/** What a successful sign-in hands over, whichever way it happened. */
interface Session {
  readonly refreshToken: string | null;
  /** An access token to the Keyway server API, when the session is one of its own (not an IdP's). */
  readonly accessToken?: string;
  readonly user: UserSummary | null;
  /** The server's current license (password sessions); null when the sign-in path does not tell. */
  readonly license: License | null;
  /** The deployment profile's pushed settings (password sessions; managed-config.ts). */
  readonly config?: ReceivedConfig;
}

/**
 * Runs the machine's effects: the only place where onboarding touches the network, the browser, the
 * keychain and the settings file. Each effect resolves to exactly one event; it never rejects.
 */
export class OnboardingService {
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

  /** `uiLanguage`: Keyway's language now, sent to the provider as `ui_locales` (OIDC Core §3.1.2.1). */
  constructor(
    private readonly deps: CoreDependencies,
    private readonly uiLanguage: () => string = () => 'en',
  ) {
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
        profiles: summaries(settings),
        resume: active ? summary(active) : null,
        notice: recoveryNotice(this.deps.settings.takeRecovery?.() ?? null),
        ...(active?.managed?.settings.language === undefined
          ? {}
          : { organisationLanguage: active.managed.settings.language }),
      };
    } catch (error) {
      return { type: 'start.failed', error: toShape(error) };
    }
  }

  /**
   * Runs one effect and says what it became, by the table of the step that started it (EFFECT_RESULTS):
   * what the effect's runner answered (`done`) or the coded error it threw (`failed`). Never rejects.
   * `report`: progress the effect tells before it ends (the browser opened, a device code, a timer),
   * as the step's `progress` words it.
   */
  async run(effect: OnboardingEffect, report: (event: OnboardingEvent) => void): Promise<OnboardingEvent | null> {
    // The runner table and the results table are indexed by the same effect type, so the types line
    // up at runtime; TypeScript cannot correlate the two unions through `effect.type`, hence the casts.
    const results = EFFECT_RESULTS[effect.type] as {
      done: (outcome: unknown, effect: OnboardingEffect) => OnboardingEvent | null;
      failed: (error: ReturnType<typeof toShape>, effect: OnboardingEffect) => OnboardingEvent | null;
      progress?: (progress: unknown, effect: OnboardingEffect) => OnboardingEvent | null;
    };
    const runner = this.#runners[effect.type] as (effect: OnboardingEffect, report: Report<never>) => Promise<unknown>;
    const relay = (progress: unknown): void => {
      const event = results.progress?.(progress, effect) ?? null;
      if (event !== null) report(event);
    };
    try {
      return results.done(await runner(effect, relay), effect);
    } catch (error) {
      return results.failed(toShape(error), effect);
    }
  }

  /** One runner per effect: I/O only; where its answer leads is the step's business. */
  readonly #runners: { readonly [T in OnboardingEffect['type']]: Runner<T> } = {
    resume: (effect) => this.resume(effect.target),
    redeem: async (effect) => {
      const settings = await this.deps.settings.read();
      const clientVersion = ClientVersion.safeParse(this.deps.appVersion);
      const config = await this.api(effect.deployment.origin).redeem({
        code: effect.deployment.codeText,
        installationId: settings.installationId,
        // Only a plain version (1.4.2) is sent; a development build's odd one is left out.
        ...(clientVersion.success ? { clientVersion: clientVersion.data } : {}),
      });
      return answeredFor(effect.deployment.origin, config.server.origin, config);
    },
    discover: async (effect) => {
      const response = await this.api(effect.origin).discover({ loginId: effect.loginId });
      return answeredFor(effect.origin, response.server.origin, response);
    },
    acceptLicense: async (effect) => {
      const settings = await this.deps.settings.read();
      const profiles = settings.profiles.map((p) =>
        p.origin === effect.origin ? { ...p, acceptedLicenseVersion: effect.version } : p,
      );
      await this.deps.settings.write({ ...settings, profiles });
      return summaries({ ...settings, profiles });
    },
    signIn: (effect) => this.passwordSignIn(effect.target, effect.password, effect.pending),
    requestPasswordReset: async (effect) => {
      const answer = await this.api(effect.origin).requestPasswordReset(effect.loginId);
      return { minutes: answer.linkValidMinutes };
    },
    mfaSend: async (effect) => {
      const sent = await this.api(effect.origin).sendCode({ challengeId: effect.challengeId, channel: effect.channel });
      const now = this.deps.clock.now();
      return { hint: sent.hint, expiresAt: now + sent.expiresIn * 1000, resendAt: now + sent.resendAfter * 1000 };
    },
    mfaEnroll: async (effect) => enrollmentView(await this.api(effect.origin).enroll(effect.challengeId)),
    mfaVerify: (effect) => this.verifySecondFactor(effect),
    mfaRecover: (effect) =>
      this.secondFactor(effect, (rememberDevice) =>
        this.api(effect.target.origin).recover({
          challengeId: effect.challengeId,
          recoveryCode: effect.recoveryCode,
          ...rememberDevice,
        }),
      ),
    passkeySignIn: (effect, report) => this.passkeySignIn(effect, report),
    passkeyAdd: async (effect, report) => {
      const settings = await this.deps.settings.read();
      const api = this.api(effect.origin);
      await this.passkeyBrowserStep(effect.origin, 'add', report, (returnTo, state) =>
        this.withAccessToken(settings, effect.origin, (token) =>
          api.startPasskeyRegistration(token, { password: effect.password, returnTo, state }),
        ),
      );
      return this.security(effect.origin, { kind: 'load' });
    },
    oidcSignIn: (effect, report) => this.browserSignIn(effect, report),
    oidcDevice: (effect, report) => this.browserSignIn(effect, report),
    oidcReopen: async () => {
      if (this.#browserFlow?.url)
        await this.deps.browser.open(this.#browserFlow.url, new URL(this.#browserFlow.url).origin);
      return null;
    },
    oidcCancel: () => {
      this.#browserFlow?.abort.abort();
      return Promise.resolve(null);
    },
    signOut: (effect) => this.signOut(effect.origin, effect.forget),
    saveSession: (effect) => this.saveUnsavedSession(effect.origin),
    security: (effect) => this.security(effect.origin, effect.action),
    otp: async (effect) => {
      const api = this.api(effect.origin);
      const settings = await this.deps.settings.read();
      if (effect.action.kind === 'load') {
        const options = await this.withAccessToken(settings, effect.origin, (token) => api.otpOptions(token));
        return { kind: 'options', authenticator: options.authenticator };
      }
      const proof = effect.action.proof;
      const issued = await this.withAccessToken(settings, effect.origin, (token) => api.issueOtp(token, proof));
      const issuedAt = this.deps.clock.now();
      return { kind: 'issued', otp: issued.otp, issuedAt, expiresAt: issuedAt + issued.expiresIn * 1000 };
    },
    otpTimer: (effect, report) => {
      // Not awaited: a running OTP must not count as work in progress (KeywayCore.settled()).
      const timer = setTimeout(
        () => report({ kind: 'expired' }),
        Math.max(0, effect.expiresAt - this.deps.clock.now()),
      );
      timer.unref();
      return Promise.resolve(null);
    },
  };

  /** "Try again" after the keychain refused a session: stores the refresh token kept in memory. */
  private async saveUnsavedSession(origin: string): Promise<null> {
    const refreshToken = this.#unsavedRefreshTokens.get(origin);
    if (refreshToken !== undefined) {
      const settings = await this.deps.settings.read();
      await this.deps.secrets.set(refreshTokenAccount(settings.installationId, origin), refreshToken);
      this.#unsavedRefreshTokens.delete(origin);
    }
    return null;
  }

  private async passwordSignIn(
    target: ProfileSummary,
    password: string,
    pending: PendingProfile | null,
  ): Promise<EffectOutcomes['signIn']> {
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
    if ('status' in tokens) return { mfa: tokens };
    const profile = pending
      ? profileFrom(pending, tokens.user, settings, this.deps.clock.now())
      : this.existing(settings, target.origin);
    return this.completeSignIn(settings, profile, {
      refreshToken: tokens.refreshToken,
      user: tokens.user,
      license: tokens.license,
      config: tokens.config,
    });
  }

  private verifySecondFactor(effect: EffectOf<'mfaVerify'>): Promise<SignedIn> {
    return this.secondFactor(effect, (rememberDevice) =>
      this.api(effect.target.origin).verify({
        challengeId: effect.challengeId,
        channel: effect.channel,
        code: effect.code,
        ...rememberDevice,
      }),
    );
  }

  /**
   * The passkey as the second factor: the browser step, then its single-use code for the session on
   * the same path as a verified code (remembering this device when asked).
   */
  private async passkeySignIn(
    effect: EffectOf<'passkeySignIn'>,
    report: (progress: BrowserProgress) => void,
  ): Promise<SignedIn> {
    const api = this.api(effect.target.origin);
    const code = await this.passkeyBrowserStep(effect.target.origin, 'signIn', report, (returnTo, state) =>
      api.startPasskeyStep({ challengeId: effect.challengeId, returnTo, state }),
    );
    if (code === null) throw new KeywayError('server_bad_response', 'The passkey step ended without a result.');
    return this.secondFactor(effect, (rememberDevice) =>
      api.completePasskeyStep({ challengeId: effect.challengeId, code, ...rememberDevice }),
    );
  }

  /** One passkey step in the browser, as the flow "Open the browser again" and Cancel act on. */
  private async passkeyBrowserStep(
    origin: string,
    purpose: 'signIn' | 'add',
    report: (progress: BrowserProgress) => void,
    start: (returnTo: string, state: string) => Promise<{ readonly stepUrl: string }>,
  ): Promise<string | null> {
    this.#browserFlow?.abort.abort();
    const flow = { abort: new AbortController(), url: null as string | null };
    this.#browserFlow = flow;
    try {
      return await runPasskeyBrowserStep(
        {
          browser: this.deps.browser,
          customScheme: this.customScheme,
          timeoutMs: this.deps.browserTimeoutMs ?? BROWSER_TIMEOUT_MS,
          loopbackAllowed: this.deps.loopbackRedirect ?? true,
        },
        {
          origin,
          purpose,
          signal: flow.abort.signal,
          onUrl: (url) => {
            flow.url = url;
            report({ kind: 'browserOpened' });
          },
        },
        start,
      );
    } finally {
      if (this.#browserFlow === flow) this.#browserFlow = null;
    }
  }

  /** After a second factor: the device key when asked to remember this device, then the session. */
  private async secondFactor(
    effect: { readonly target: ProfileSummary; readonly pending: PendingProfile | null; readonly remember: boolean },
    verify: (rememberDevice: {
      rememberDevice?: { publicKey: DevicePublicKey; name: string };
    }) => Promise<VerifiedSession>,
  ): Promise<SignedIn> {
    const settings = await this.deps.settings.read();
    const device = effect.remember ? createDeviceKey() : null;
    const session = await verify(
      device ? { rememberDevice: { publicKey: device.publicKey, name: `Keyway on ${hostname()}`.slice(0, 100) } } : {},
    );
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
    const signedIn = await this.completeSignIn(settings, profile, {
      refreshToken: session.refreshToken,
      user: session.user,
      license: session.license,
      config: session.config,
    });
    // Recovery codes pass through to the screen, never into the settings or the keychain.
    const result: SignedIn = {
      ...signedIn,
      ...(session.recoveryCodes ? { recoveryCodes: session.recoveryCodes } : {}),
      ...(session.recoveryCodesLeft === undefined ? {} : { recoveryCodesLeft: session.recoveryCodesLeft }),
    };
    return notice !== null && result.notice === null ? { ...result, notice } : result;
  }

  /** The profile's security page: reads and changes authenticators and remembered devices. */
  private async security(origin: string, action: SecurityAction): Promise<EffectOutcomes['security']> {
    const settings = await this.deps.settings.read();
    const keyAccount = deviceKeyAccount(settings.installationId, origin);
    const api = this.api(origin);
    let recoveryCodes: RecoveryCodes | null = null;
    switch (action.kind) {
      case 'load':
        break;
      case 'regenerateRecoveryCodes':
        recoveryCodes = await this.withAccessToken(settings, origin, (token) =>
          api.regenerateRecoveryCodes(token, action.password),
        );
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
      case 'removePasskey':
        await this.withAccessToken(settings, origin, (token) => api.removePasskey(token, action.id, action.password));
        break;
      case 'add': {
        const enrollment = await this.withAccessToken(settings, origin, (token) =>
          api.addAuthenticator(token, action.password),
        );
        return {
          kind: 'enrolling',
          enrolling: { ...(await enrollmentView(enrollment)), enrollmentId: enrollment.enrollmentId },
        };
      }
      case 'confirm':
        recoveryCodes = await this.withAccessToken(settings, origin, (token) =>
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
      kind: 'loaded',
      overview,
      thisDevice: (await loadDeviceKey(this.deps.secrets, keyAccount))?.deviceId ?? null,
      ...(recoveryCodes ? { recoveryCodes: recoveryCodes.recoveryCodes } : {}),
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
    effect: EffectOf<'oidcSignIn' | 'oidcDevice'>,
    report: (progress: BrowserProgress) => void,
  ): Promise<SignedIn> {
    const { target, pending, provider, loginHint } = effect;
    this.#browserFlow?.abort.abort();
    const flow = { abort: new AbortController(), url: null as string | null };
    this.#browserFlow = flow;
    try {
      const session =
        effect.type === 'oidcDevice'
          ? await this.#oidc.signInWithDeviceCode(provider, loginHint, flow.abort.signal, (code) =>
              report({ kind: 'deviceCode', code }),
            )
          : await this.#oidc.signIn(provider, loginHint, this.uiLanguage(), flow.abort.signal, (url) => {
              flow.url = url;
              report({ kind: 'browserOpened' });
            });
      const pushed = await this.unifiedLoginConfig(target.origin, provider.issuer, session.accessToken);
      const settings = await this.deps.settings.read();
      const user = session.user ?? { loginId: target.loginId, displayName: target.displayName, email: '' };
      const profile = pending
        ? profileFrom(pending, user, settings, this.deps.clock.now())
        : this.existing(settings, target.origin);
      return await this.completeSignIn(settings, profile, {
        refreshToken: session.refreshToken,
        user,
        ...pushed,
      });
    } finally {
      if (this.#browserFlow === flow) this.#browserFlow = null;
    }
  }

  /** A silent sign-in with the stored session; whether a failure means the session ended is start/'s rule. */
  private async resume(target: ProfileSummary): Promise<ResumeOutcome> {
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
      return { kind: 'unreadable', error: toShape(error) };
    }
    const profile = settings.profiles.find((p) => p.origin === target.origin);
    if (refreshToken === null || !profile) return { kind: 'noSession' };
    try {
      const session = await this.refresh(profile, refreshToken);
      return { kind: 'signedIn', signedIn: await this.completeSignIn(settings, profile, session) };
    } catch (error) {
      // A token the server refuses is worthless: remove it so no later start tries it again.
      if (sessionRefused(toShape(error)))
        await this.deps.secrets.delete(refreshTokenAccount(settings.installationId, target.origin)).catch(() => false);
      throw error;
    }
  }

  private async refresh(profile: Profile, refreshToken: string): Promise<Session> {
    if (profile.signIn.method === 'oidc') {
      const session = await this.#oidc.refresh(profile.signIn, refreshToken);
      const pushed = await this.unifiedLoginConfig(profile.origin, profile.signIn.issuer, session.accessToken);
      // Providers may keep the same refresh token when they do not rotate; keep whichever is current.
      return { refreshToken: session.refreshToken ?? refreshToken, user: session.user, ...pushed };
    }
    const tokens = await this.api(profile.origin).refresh(refreshToken);
    return {
      refreshToken: tokens.refreshToken,
      accessToken: tokens.accessToken,
      user: tokens.user,
      license: tokens.license,
      config: tokens.config,
    };
  }

  /**
   * What a password session's answer carries (the license, the deployment profile's pushed settings), for
   * a unified-login session: GET /me/config with the provider's access token (protocol/me-config.ts).
   * Only when the provider is the Keyway server's own (forget-everywhere.ts): an external IdP's token is
   * never sent to anyone else. Best effort: a server that predates the route, or any failure, says nothing
   * (license null, config undefined: what was pushed before stays), and the sign-in goes on.
   */
  private async unifiedLoginConfig(
    origin: string,
    issuer: string,
    accessToken: string,
  ): Promise<{ license: License | null; config?: ReceivedConfig }> {
    if (!providerIsTheServers(issuer, origin)) return { license: null };
    try {
      const answer = await this.api(origin).meConfig(accessToken);
      return { license: answer.license, config: answer.config };
    } catch {
      return { license: null };
    }
  }

  /** Stores the session (refresh token to the keychain, profile to settings) and says who signed in. */
  private async completeSignIn(settings: Settings, profile: Profile, session: Session): Promise<SignedIn> {
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
    // The organisation's pushed settings: kept with the profile, announced on Home when they changed on a
    // profile that was here before (a first sign-in has nothing to compare with).
    const received = receiveConfig(profile.managed, session.config);
    const isNew = !settings.profiles.some((p) => p.origin === profile.origin);
    const updated: Profile = { ...profile, user: session.user ?? profile.user };
    if (received.stored === undefined) delete updated.managed;
    else updated.managed = received.stored;
    const next = withProfile(settings, updated);
    await this.deps.settings.write(next);
    return {
      home: {
        ...homeOf(updated),
        organisation: {
          updated: received.changed && !isNew,
          language: received.stored?.settings.language ?? null,
        },
      },
      profiles: summaries(next),
      notice,
      license: session.license,
      acceptedLicenseVersion: updated.acceptedLicenseVersion,
    };
  }

  private async signOut(origin: string, forget: boolean): Promise<EffectOutcomes['signOut']> {
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
    return { profiles: summaries(settings), forgot: forget };
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

  private api(origin: string): ServerApi {
    assertPlainHttpAllowed(origin, this.deps.plainHttpLoopback);
    return new ServerApi(origin, this.deps.fetch, this.deps.networkTimeoutMs);
  }
}

/**
 * An authenticator to enrol, as the screens show it (MFA enrolment and the security page). The QR code
 * is drawn here, on this device: the secret never goes to a third-party renderer.
 */
async function enrollmentView(enrollment: {
  otpauthUri: string;
  secret: string;
}): Promise<{ qrDataUrl: string; secret: string }> {
  const svg = await QRCode.toString(enrollment.otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`, secret: enrollment.secret };
}

/**
 * The server's answer names the server it speaks for; it must be the one asked, or a server could hand
 * the user to another one (its answer would then be believed for the wrong origin).
 */
function answeredFor<T>(asked: string, answered: string, answer: T): T {
  if (answered !== asked)
    throw new KeywayError('server_bad_response', `The server at ${new URL(asked).host} answered for another server.`);
  return answer;
}

/** What a runner reports while its effect runs, in the step's terms (EffectProgress); the step words it. */
type Report<T extends OnboardingEffect['type']> = (progress: EffectProgress[T]) => void;
type Runner<T extends OnboardingEffect['type']> = (
  effect: EffectOf<T>,
  report: Report<T>,
) => Promise<EffectOutcomes[T]>;
