import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileSettingsStore } from '../../electron/core/adapters/file-settings-store';
import type { Policy } from '../../electron/core/ports';
import type { View } from '../../electron/ipc/view';
import { memorySecrets } from '../support/memory-secrets';
import { ANA, startServerWithAna, type TestServer } from './server/server-fixture';
import { providerSignInBrowser, signInByManualLogin, testCore } from '../support/keyway-core';

/**
 * Issue 18: a client signed in by unified login (OIDC, the server's own OpenID Provider, the real code
 * flow) gets its deployment profile's pushes too. Core asks GET /api/v1/me/config with the provider's
 * access token after the browser sign-in and at every silent sign-in, keeps the config with the profile,
 * applies it under the machine policy, and Home says when a new push arrived.
 */

type Installation = ReturnType<typeof installation>;

function installation(test: TestServer, policy: Policy = {}) {
  const secrets = memorySecrets();
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-it-unified-config-'));
  const open = () =>
    testCore({ secrets, profileDir, policy, browser: providerSignInBrowser(ANA.password), browserTimeoutMs: 15_000 })
      .core;
  return { test, open, profileDir };
}

/** The first sign-in on this installation: Manual Login, discovery, license, the provider's page. */
async function firstSignIn({ test, open }: Installation): Promise<View> {
  return signInByManualLogin(open(), test.origin, ANA.email);
}

/** A later start of Keyway on the same installation: the silent sign-in. */
async function laterStart({ open }: Installation): Promise<View> {
  const core = open();
  await core.start();
  await core.settled();
  return core.getView();
}

async function managedOf({ profileDir }: Installation) {
  const [profile] = (await createFileSettingsStore(profileDir).read()).profiles;
  return profile?.managed;
}

describe('pushed settings for a unified-login client (GET /me/config)', () => {
  it('applies the profile at the browser sign-in, and says so on Home when a new push arrives at a later start', async () => {
    const test = await startServerWithAna();
    await test.server.admin.setSignInMethod(ANA.loginId, 'oidc');
    await test.server.admin.createProfile('Corp', { language: 'fr' });
    await test.server.admin.assignProfile('Corp', { domain: 'example.com' });
    const first = await test.server.admin.pushProfile('Corp');
    const app = installation(test);

    const home = await firstSignIn(app);
    expect(home).toMatchObject({ screen: 'home', language: 'fr' });
    // A first sign-in has nothing to compare with: nothing is "updated".
    expect(home).not.toHaveProperty('settingsUpdated');
    expect(await managedOf(app)).toEqual({ version: first.version, profile: 'Corp', settings: { language: 'fr' } });

    // Nothing new: a later start does not announce anything.
    expect(await laterStart(app)).not.toHaveProperty('settingsUpdated');

    await test.server.admin.editProfile('Corp', { language: 'de', updateChannel: 'beta' });
    const second = await test.server.admin.pushProfile('Corp');
    const updated = await laterStart(app);
    expect(updated).toMatchObject({ screen: 'home', settingsUpdated: true, language: 'de' });
    expect(await managedOf(app)).toEqual({
      version: second.version,
      profile: 'Corp',
      settings: { language: 'de', updateChannel: 'beta' },
    });

    // Taken off the profile: the next start drops what was pushed (and says the settings changed).
    await test.server.admin.unassignProfile({ domain: 'example.com' });
    const dropped = await laterStart(app);
    expect(dropped).toMatchObject({ screen: 'home', settingsUpdated: true });
    expect(dropped).not.toHaveProperty('language');
    expect(await managedOf(app)).toBeUndefined();
  });

  it('the machine policy beats the pushed language, and a newly pinned license is shown before Home', async () => {
    const test = await startServerWithAna();
    await test.server.admin.setSignInMethod(ANA.loginId, 'oidc');
    await test.server.admin.createProfile('Corp', { language: 'fr' });
    await test.server.admin.assignProfile('Corp', { user: ANA.loginId });
    await test.server.admin.pushProfile('Corp');
    const app = installation(test, { defaultLanguage: 'en' });
    const home = await firstSignIn(app);
    expect(home.screen).toBe('home');
    // Kept with the profile, but IT's machine policy names a language Keyway speaks: that one stays.
    expect(home).not.toHaveProperty('language');
    expect((await managedOf(app))?.settings).toEqual({ language: 'fr' });

    await test.server.admin.publishLicense('2026-09', 'Terms of September.');
    await test.server.admin.editProfile('Corp', { licenseVersion: '2026-09' });
    await test.server.admin.pushProfile('Corp');
    expect(await laterStart(app)).toMatchObject({ screen: 'license', isUpdate: true, version: '2026-09' });
  });
});
