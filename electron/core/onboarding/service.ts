import type { SessionTokens } from '../../../protocol/api';
import { KeywayError, type KeywayErrorShape } from '../../../protocol/errors';
import type { Clock, Fetch, Policy, SecretStore, SettingsStore } from '../ports';
import { refreshTokenAccount } from '../secrets/accounts';
import { ServerApi } from '../server-api/server-api';
import { defaultPreferences, type Profile, type Settings } from '../settings/schema';
import { toShape } from './machine';
import type { HomeInfo, OnboardingEffect, OnboardingEvent, PendingDeployment, ProfileSummary } from './states';

export interface CoreDependencies {
  readonly secrets: SecretStore;
  readonly settings: SettingsStore;
  readonly fetch: Fetch;
  readonly clock: Clock;
  readonly policy: Policy;
}

/**
 * Runs the machine's effects: the only place where onboarding touches the network, the keychain and
 * the settings file. Each effect resolves to exactly one event; failures become events too, never throws.
 */
export class OnboardingService {
  /** Access tokens live in memory only; refresh tokens in the keychain. */
  readonly #accessTokens = new Map<string, { token: string; expiresAt: number }>();
  /** The profiles as last read or written, for failure events that must not lose them. */
  #profiles: ProfileSummary[] = [];

  constructor(private readonly deps: CoreDependencies) {}

  async start(): Promise<OnboardingEvent> {
    try {
      const settings = await this.deps.settings.read();
      // Persist what reading created or migrated (e.g. the installation ID) before anything uses it.
      await this.deps.settings.write(settings);
      const active = settings.profiles.find((p) => p.origin === settings.activeOrigin);
      return { type: 'started', profiles: this.remember(settings), resume: active ? summary(active) : null };
    } catch (error) {
      return { type: 'startFailed', error: toShape(error) };
    }
  }

  /** Never rejects: an unexpected failure becomes the effect's failure event. */
  async run(effect: OnboardingEffect): Promise<OnboardingEvent> {
    try {
      return await this.perform(effect);
    } catch (error) {
      const shape = toShape(error);
      switch (effect.type) {
        case 'redeem':
          return { type: 'redeem.failed', error: shape };
        case 'signIn':
          return { type: 'signIn.failed', error: shape };
        case 'resume':
          return { type: 'resume.failed', error: shape, sessionEnded: false };
        case 'acceptLicense':
          return { type: 'profiles.changed', profiles: this.#profiles };
        case 'signOut':
          return { type: 'signedOut', profiles: this.#profiles, forgot: false };
      }
    }
  }

  private perform(effect: OnboardingEffect): Promise<OnboardingEvent> {
    switch (effect.type) {
      case 'redeem':
        return this.redeem(effect.deployment.origin, effect.deployment.codeText);
      case 'signIn':
        return this.signIn(effect.target, effect.password, effect.pending);
      case 'resume':
        return this.resume(effect.target);
      case 'acceptLicense':
        return this.acceptLicense(effect.origin, effect.version);
      case 'signOut':
        return this.signOut(effect.origin, effect.forget);
    }
  }

  private async redeem(origin: string, code: string): Promise<OnboardingEvent> {
    try {
      const settings = await this.deps.settings.read();
      const config = await this.api(origin).redeem({ code, installationId: settings.installationId });
      if (config.server.origin !== origin) {
        throw new KeywayError(
          'server_bad_response',
          `The server at ${new URL(origin).host} answered for another server.`,
        );
      }
      return { type: 'redeem.succeeded', config };
    } catch (error) {
      return { type: 'redeem.failed', error: toShape(error) };
    }
  }

  private async signIn(
    target: ProfileSummary,
    password: string,
    pending: PendingDeployment | null,
  ): Promise<OnboardingEvent> {
    try {
      const settings = await this.deps.settings.read();
      const tokens = await this.api(target.origin).signInWithPassword({
        loginId: target.loginId,
        password,
        installationId: settings.installationId,
      });
      const existing = settings.profiles.find((p) => p.origin === target.origin);
      const profile = pending ? this.profileFrom(pending, settings) : existing;
      if (!profile)
        throw new KeywayError(
          'settings_corrupt',
          'This server is no longer in Keyway’s settings. Add it again with its deployment link.',
        );
      return await this.completeSignIn(settings, profile, tokens);
    } catch (error) {
      return { type: 'signIn.failed', error: toShape(error) };
    }
  }

  private async resume(target: ProfileSummary): Promise<OnboardingEvent> {
    let settings: Settings;
    let refreshToken: string | null;
    try {
      settings = await this.deps.settings.read();
      refreshToken = await this.deps.secrets.get(refreshTokenAccount(settings.installationId, target.origin));
    } catch (error) {
      return { type: 'resume.failed', error: toShape(error), sessionEnded: true };
    }
    if (refreshToken === null) return { type: 'resume.failed', error: null, sessionEnded: true };
    const profile = settings.profiles.find((p) => p.origin === target.origin);
    if (!profile) return { type: 'resume.failed', error: null, sessionEnded: true };
    try {
      const tokens = await this.api(target.origin).refresh(refreshToken);
      return await this.completeSignIn(settings, profile, tokens);
    } catch (error) {
      const shape = toShape(error);
      const ended = shape.code === 'session_invalid' || shape.code === 'unauthorized';
      // A token the server refuses is worthless: remove it so no later start tries it again.
      if (ended)
        await this.deps.secrets.delete(refreshTokenAccount(settings.installationId, target.origin)).catch(() => false);
      return { type: 'resume.failed', error: shape, sessionEnded: ended };
    }
  }

  /** Stores the session (refresh token to the keychain, profile to settings) and reports where to go. */
  private async completeSignIn(settings: Settings, profile: Profile, tokens: SessionTokens): Promise<OnboardingEvent> {
    this.#accessTokens.set(profile.origin, {
      token: tokens.accessToken,
      expiresAt: this.deps.clock.now() + tokens.accessTokenExpiresIn * 1000,
    });
    let notice: KeywayErrorShape | null = null;
    try {
      await this.deps.secrets.set(refreshTokenAccount(settings.installationId, profile.origin), tokens.refreshToken);
    } catch (error) {
      // Signed in for now, but the session cannot outlive this run: say so, and never write it to a file.
      notice = toShape(error);
    }
    const updated: Profile = { ...profile, user: tokens.user };
    const next: Settings = {
      ...settings,
      profiles: [...settings.profiles.filter((p) => p.origin !== profile.origin), updated],
      activeOrigin: profile.origin,
    };
    await this.deps.settings.write(next);
    return {
      type: 'signIn.succeeded',
      home: homeOf(updated),
      profiles: this.remember(next),
      notice,
      licenseUpdate: updated.acceptedLicenseVersion === tokens.license.version ? null : tokens.license,
    };
  }

  private async acceptLicense(origin: string, version: string): Promise<OnboardingEvent> {
    const settings = await this.deps.settings.read();
    const profiles = settings.profiles.map((p) =>
      p.origin === origin ? { ...p, acceptedLicenseVersion: version } : p,
    );
    await this.deps.settings.write({ ...settings, profiles });
    return { type: 'profiles.changed', profiles: this.remember({ ...settings, profiles }) };
  }

  private async signOut(origin: string, forget: boolean): Promise<OnboardingEvent> {
    this.#accessTokens.delete(origin);
    let settings = await this.deps.settings.read();
    const account = refreshTokenAccount(settings.installationId, origin);
    const token = await this.deps.secrets.get(account).catch(() => null);
    if (token !== null) {
      // Revoke on the server first; if it cannot be reached, the local copy is still wiped.
      await this.api(origin)
        .revoke(token)
        .catch(() => undefined);
    }
    await this.deps.secrets.delete(account).catch(() => false);
    if (forget) {
      settings = {
        ...settings,
        profiles: settings.profiles.filter((p) => p.origin !== origin),
        activeOrigin: settings.activeOrigin === origin ? null : settings.activeOrigin,
      };
      await this.deps.settings.write(settings);
    }
    return { type: 'signedOut', profiles: this.remember(settings), forgot: forget };
  }

  private profileFrom(pending: PendingDeployment, settings: Settings): Profile {
    const { config } = pending;
    const source = settings.profiles.find((p) => p.origin === pending.importFrom);
    return {
      origin: config.server.origin,
      serverName: config.server.name,
      user: config.user,
      signIn: config.signIn,
      features: config.features,
      acceptedLicenseVersion: config.license.version,
      preferences: source ? { ...source.preferences } : { ...defaultPreferences },
      createdAt: this.deps.clock.now(),
    };
  }

  private remember(settings: Settings): ProfileSummary[] {
    this.#profiles = summaries(settings);
    return this.#profiles;
  }

  private api(origin: string): ServerApi {
    return new ServerApi(origin, this.deps.fetch);
  }
}

const summary = (p: Profile): ProfileSummary => ({
  origin: p.origin,
  serverName: p.serverName,
  loginId: p.user.loginId,
  displayName: p.user.displayName,
});
const summaries = (s: Settings): ProfileSummary[] => s.profiles.map(summary);
const homeOf = (p: Profile): HomeInfo => ({
  origin: p.origin,
  serverName: p.serverName,
  loginId: p.user.loginId,
  displayName: p.user.displayName,
  email: p.user.email,
});
