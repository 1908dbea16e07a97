import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createFileSettingsStore } from '../../electron/core/adapters/file-settings-store';
import { KeywayCore } from '../../electron/core/keyway-core';
import type { View } from '../../electron/ipc/view';
import { chromiumLaunchOptions } from '../e2e/support/chromium';
import { memorySecrets } from '../support/memory-secrets';
import { startMfaServer } from './server/mfa-fixture';
import { ANA, type TestServer } from './server/server-fixture';

/**
 * Issue 17 end to end: Keyway core (real) against the reference server (real), and the "system browser"
 * a real Chromium page with a virtual authenticator (Chrome DevTools Protocol WebAuthn domain: ctap2,
 * internal transport, resident keys, user verification). The server listens on `localhost`: a WebAuthn
 * RP ID must be a domain, never an IP address such as 127.0.0.1.
 */

type Ceremony = 'press' | 'ignore';

async function virtualAuthenticator(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return cdp;
}

/** Keyway with a browser port that loads each URL in the test's Chromium page and presses the passkey button. */
function keyway(page: Page, opened: string[], ceremony: { next: Ceremony }): KeywayCore {
  return new KeywayCore({
    plainHttpLoopback: true,
    secrets: memorySecrets(),
    settings: createFileSettingsStore(mkdtempSync(path.join(os.tmpdir(), 'keyway-it-passkey-'))),
    fetch: globalThis.fetch,
    clock: { now: () => Date.now() },
    policy: {},
    browser: {
      open: async (url) => {
        opened.push(url);
        await page.goto(url);
        if (ceremony.next === 'press') {
          // Not awaited: Keyway waits for the return, as it would for a person in the browser.
          void page
            .locator('#passkey-button')
            .click()
            .catch(() => undefined);
        }
      },
    },
    browserTimeoutMs: 30_000,
  });
}

async function deployAndSignIn(test: TestServer, core: KeywayCore): Promise<View> {
  const { code } = await test.server.admin.createDeployment(ANA.loginId);
  await core.start();
  core.send({ type: 'welcome.inputChanged', text: code });
  core.send({ type: 'welcome.applied' });
  core.send({ type: 'server.confirmed' });
  await core.settled();
  core.send({ type: 'license.accepted' });
  core.send({ type: 'password.submitted', password: ANA.password });
  await core.settled();
  return core.getView();
}

describe('passkeys in Keyway against the reference server, in real Chromium', () => {
  it('adds a passkey from Sign-in security, signs in with password + passkey to Home, and removes it', async () => {
    const test = await startMfaServer({ channels: 'totp,passkey', mode: 'optional' }, { host: 'localhost' });
    const browser = await chromium.launch(chromiumLaunchOptions());
    onTestFinished(() => browser.close());
    const page = await (await browser.newContext()).newPage();
    await virtualAuthenticator(page);
    const opened: string[] = [];
    const ceremony = { next: 'press' as Ceremony };
    const core = keyway(page, opened, ceremony);

    // No second factor yet: the password alone reaches Home.
    expect(await deployAndSignIn(test, core)).toMatchObject({ screen: 'home' });
    core.send({ type: 'security.opened' });
    await core.settled();
    expect(core.getView()).toMatchObject({ screen: 'security', passkeys: [] });

    // Add a passkey: the password, then the registration page in the browser, then the reloaded list.
    core.send({ type: 'passkey.addRequested', password: ANA.password });
    expect(core.getView()).toMatchObject({ screen: 'passkeyStep', purpose: 'add' });
    await core.settled();
    const added = core.getView();
    expect(added).toMatchObject({ screen: 'security', error: null, passkeys: [{ lastUsedAt: null }] });
    expect(new URL(opened.at(-1) ?? '').origin).toBe(test.origin);

    // Sign out and in again: the passkey is now a second factor, used in the browser.
    core.send({ type: 'back.pressed' });
    core.send({ type: 'signOut.requested' });
    await core.settled();
    core.send({ type: 'password.submitted', password: ANA.password });
    await core.settled();
    const mfa = core.getView();
    expect(mfa.screen === 'mfa' ? mfa.channels.map((c) => c.channel) : mfa.screen).toContain('passkey');
    core.send({ type: 'mfaChannel.chosen', channel: 'passkey' });
    core.send({ type: 'passkey.requested', remember: false });
    expect(core.getView()).toMatchObject({ screen: 'passkeyStep', purpose: 'signIn' });
    await core.settled();
    expect(core.getView()).toMatchObject({ screen: 'home' });
    expect(new URL(opened.at(-1) ?? '').pathname).toMatch(/^\/mfa\/passkey\/step\//);

    // Listed as used; removed with the password.
    core.send({ type: 'security.opened' });
    await core.settled();
    const listed = core.getView();
    const used = listed.screen === 'security' ? listed.passkeys : [];
    expect(used).toHaveLength(1);
    expect(used[0]?.lastUsedAt).toBeGreaterThan(0);
    const id = used[0]?.id ?? '';
    core.send({ type: 'passkey.removeRequested', id, password: 'not the password' });
    await core.settled();
    expect(core.getView()).toMatchObject({
      screen: 'security',
      passkeys: [{ id }],
      error: { code: 'reauthentication_required' },
    });
    core.send({ type: 'passkey.removeRequested', id, password: ANA.password });
    await core.settled();
    expect(core.getView()).toMatchObject({ screen: 'security', passkeys: [], error: null });
  }, 120_000);
});
