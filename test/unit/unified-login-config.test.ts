import { describe, expect, it } from 'vitest';
import { KeywayCore } from '../../electron/core/keyway-core';
import { refreshTokenAccount } from '../../electron/core/secrets/accounts';
import type { View } from '../../electron/ipc/view';
import { memorySecretStore, memorySettingsStore } from './support/memory-ports';

/**
 * At a silent sign-in of a unified-login profile, core asks the Keyway server for the pushed
 * configuration (GET /api/v1/me/config) with the provider's access token, but only when the provider is
 * the server's own (its issuer on the server's origin): an external identity provider's access token is
 * never handed to the Keyway server (electron/core/onboarding/service.ts unifiedLoginConfig).
 */

const SERVER = 'https://keyway.example';
const INSTALLATION = 'installation-unit-0001';
const ACCESS_TOKEN = 'provider-access-token-0123456789';

interface Sent {
  url: string;
  authorization: string | null;
}

function silentSignIn(issuer: string) {
  const sent: Sent[] = [];
  const secrets = memorySecretStore();
  secrets.entries.set(refreshTokenAccount(INSTALLATION, SERVER), 'stored-refresh-token-0123456789');
  const settings = memorySettingsStore({
    version: 1,
    installationId: INSTALLATION,
    activeOrigin: SERVER,
    profiles: [
      {
        origin: SERVER,
        serverName: 'Example',
        user: { loginId: 'ana', displayName: 'Ana', email: 'ana@example.com' },
        signIn: { method: 'oidc', issuer, clientId: 'keyway-desktop' },
        features: { forgotPassword: false, manualLogin: true },
        acceptedLicenseVersion: '1',
        preferences: { language: 'en' },
        createdAt: 0,
      },
    ],
  });
  // A provider (discovery and token endpoint) at `issuer`, and the Keyway server's /me/config.
  const fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    sent.push({ url, authorization: new Headers(init?.headers).get('authorization') });
    if (url === `${issuer}/.well-known/openid-configuration`) {
      return Promise.resolve(
        Response.json({
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
        }),
      );
    }
    if (url === `${issuer}/token`) {
      return Promise.resolve(
        Response.json({
          access_token: ACCESS_TOKEN,
          token_type: 'Bearer',
          expires_in: 600,
          refresh_token: 'rotated-refresh-token-0123456789',
        }),
      );
    }
    if (url === `${SERVER}/api/v1/me/config`) {
      return Promise.resolve(
        Response.json({
          license: { version: '1', text: 'Terms.' },
          config: { version: 7, profile: 'Corp', settings: { language: 'fr' } },
        }),
      );
    }
    return Promise.reject(new TypeError('fetch failed'));
  };
  const core = new KeywayCore({
    plainHttpLoopback: false,
    secrets,
    settings,
    fetch,
    clock: { now: () => 0 },
    policy: {},
    browser: { open: () => Promise.reject(new Error('no browser in unit tests')) },
  });
  return { core, sent, settings };
}

async function started(core: KeywayCore): Promise<View> {
  await core.start();
  await core.settled();
  return core.getView();
}

describe("a unified-login profile's pushed configuration at a silent sign-in", () => {
  it("is asked of the Keyway server with the provider's access token when the provider is the server's own", async () => {
    const { core, sent } = silentSignIn(`${SERVER}/oidc`);
    const home = await started(core);
    expect(home).toMatchObject({ screen: 'home', language: 'fr', settingsUpdated: true });
    expect(sent).toContainEqual({ url: `${SERVER}/api/v1/me/config`, authorization: `Bearer ${ACCESS_TOKEN}` });
  });

  it("attack: never hands an external identity provider's access token to the Keyway server", async () => {
    const { core, sent } = silentSignIn('https://idp.example');
    expect((await started(core)).screen).toBe('home');
    expect(sent.some((each) => each.url.startsWith('https://idp.example/'))).toBe(true);
    expect(sent.filter((each) => each.url.startsWith(`${SERVER}/`))).toEqual([]);
    expect(sent.filter((each) => each.authorization?.includes(ACCESS_TOKEN) === true)).toEqual([]);
  });
});
