import { describe, expect, it } from 'vitest';
import { PUSHED_LANGUAGES } from '../../protocol/client-config';
import { SessionTokens } from '../../protocol/api';
import { chooseLanguage } from '../../electron/core/language';
import { pushedLanguageInForce, pushedUpdateChannel, receiveConfig } from '../../electron/core/managed-config';
import { initialState, transition, type OnboardingState } from '../../electron/core/onboarding/machine';
import type { HomeInfo, ProfileSummary } from '../../electron/core/onboarding/states';
import { toView } from '../../electron/core/onboarding/view';
import type { Policy } from '../../electron/core/ports';
import { decideUpdates } from '../../electron/core/updates/update-decision';
import { UI_LANGUAGES } from '../../electron/ipc/view';
import { ORIGIN } from './support/fixtures';

/**
 * What the organisation's deployment profile pushes, as the client receives, stores, announces and
 * applies it; the machine policy beats every pushed value (electron/core/managed-config.ts).
 */

const v1 = { version: 1, profile: 'Corp', settings: { language: 'fr' as const } };
const v2 = { version: 2, profile: 'Corp', settings: { language: 'de' as const, updateChannel: 'beta' as const } };

const ana: ProfileSummary = {
  origin: ORIGIN,
  serverName: 'Example Corp',
  loginId: 'ana',
  displayName: 'Ana Example',
  method: 'password',
  acceptedLicenseVersion: '1',
};

function homeAfterSignIn(policy: Policy, organisation: HomeInfo['organisation']) {
  const resumed: OnboardingState = transition(initialState({ policy, profiles: [] }), {
    type: 'started',
    profiles: [ana],
    resume: ana,
  }).state;
  const home: HomeInfo = {
    origin: ORIGIN,
    serverName: 'Example Corp',
    loginId: 'ana',
    displayName: 'Ana Example',
    email: 'ana@example.com',
    ...(organisation === undefined ? {} : { organisation }),
  };
  const step = transition(resumed, {
    type: 'signIn.succeeded',
    home,
    profiles: [ana],
    notice: null,
    licenseUpdate: null,
  });
  return toView(step.state);
}

describe('pushed client configuration', () => {
  it('a new push is a change; the same version again is not; no profile any more clears it', () => {
    expect(receiveConfig(undefined, v1)).toEqual({ stored: v1, changed: true });
    expect(receiveConfig(v1, v1)).toEqual({ stored: v1, changed: false });
    expect(receiveConfig(v1, v2)).toEqual({ stored: v2, changed: true });
    expect(receiveConfig(v1, null)).toEqual({ stored: undefined, changed: true });
    expect(receiveConfig(undefined, null)).toEqual({ stored: undefined, changed: false });
    // A server that predates profiles says nothing: what was pushed before stays.
    expect(receiveConfig(v1, undefined)).toEqual({ stored: v1, changed: false });
  });

  it('machine policy beats a pushed language, which beats the operating system', () => {
    expect(pushedLanguageInForce({}, 'fr')).toBe('fr');
    expect(pushedLanguageInForce({ defaultLanguage: 'de-AT' }, 'fr')).toBeNull();
    // A policy naming a language Keyway does not speak fixes nothing (chooseLanguage skips it).
    expect(pushedLanguageInForce({ defaultLanguage: 'es' }, 'fr')).toBe('fr');
    expect(pushedLanguageInForce({}, undefined)).toBeNull();
    expect(chooseLanguage({ organisation: 'fr', system: ['de-DE'] })).toEqual({
      language: 'fr',
      source: 'organisation',
    });
    expect(chooseLanguage({ policy: 'en', organisation: 'fr', system: ['de-DE'] })).toEqual({
      language: 'en',
      source: 'policy',
    });
  });

  it('a machine policy that turns updates off beats a pushed update channel', () => {
    expect(pushedUpdateChannel(undefined, v2)).toBe('beta');
    expect(pushedUpdateChannel(true, v2)).toBeNull();
    expect(pushedUpdateChannel(false, v1)).toBeNull();
    const base = {
      isPackaged: true,
      presetServer: undefined,
      activeOrigin: 'https://keyway.example.com',
      appVersion: '1.2.3',
    };
    const pushed = (disableAutoUpdate: boolean | undefined) =>
      decideUpdates({ ...base, disableAutoUpdate, pushedChannel: pushedUpdateChannel(disableAutoUpdate, v2) });
    expect(pushed(undefined)).toMatchObject({ enabled: true, feed: { channel: 'beta' } });
    expect(pushed(true)).toMatchObject({ enabled: false, reason: 'policy' });
    expect(decideUpdates({ ...base, disableAutoUpdate: undefined })).toMatchObject({ feed: { channel: 'latest' } });
  });

  it('Home announces an update and carries the pushed language, unless the machine policy fixes one', () => {
    expect(homeAfterSignIn({}, { updated: true, language: 'fr' })).toMatchObject({
      screen: 'home',
      settingsUpdated: true,
      language: 'fr',
    });
    const locked = homeAfterSignIn({ defaultLanguage: 'en' }, { updated: true, language: 'fr' });
    expect(locked).toMatchObject({ screen: 'home', settingsUpdated: true });
    expect(locked).not.toHaveProperty('language');
    // The policy's lock shows in the "managed by your organisation" note as before.
    expect(locked).toMatchObject({ managed: [{ setting: 'defaultLanguage', value: 'en' }] });
    const quiet = homeAfterSignIn({}, { updated: false, language: 'fr' });
    expect(quiet).not.toHaveProperty('settingsUpdated');
    expect(homeAfterSignIn({}, undefined)).not.toHaveProperty('settingsUpdated');
  });

  it('the wire: a pushed language is one Keyway speaks, and a hostile config is refused', () => {
    expect([...PUSHED_LANGUAGES]).toEqual([...UI_LANGUAGES]);
    const tokens = {
      accessToken: 'a'.repeat(32),
      accessTokenExpiresIn: 60,
      refreshToken: 'r'.repeat(32),
      user: { loginId: 'ana', displayName: 'Ana', email: 'ana@example.com' },
      license: { version: '1', text: 'Terms.' },
    };
    expect(SessionTokens.safeParse({ ...tokens, config: v1 }).success).toBe(true);
    expect(SessionTokens.safeParse({ ...tokens, config: null }).success).toBe(true);
    expect(SessionTokens.safeParse(tokens).success).toBe(true);
    for (const hostile of [
      { ...v1, settings: { language: 'xx' } },
      { ...v1, settings: { presetServer: 'https://evil.example' } },
      { ...v1, settings: { updateChannel: 'nightly' } },
      { ...v1, version: 0 },
      { ...v1, version: 1.5 },
      { ...v1, extra: true },
    ]) {
      expect(SessionTokens.safeParse({ ...tokens, config: hostile }).success).toBe(false);
    }
  });
});
