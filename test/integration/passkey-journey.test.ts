import type { Page } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import type { KeywayCore } from '../../electron/core/keyway-core';
import type { View } from '../../electron/ipc/view';
import { CustomSchemeRedirect } from '../../electron/core/oidc/custom-scheme-redirect';
import { runPasskeyBrowserStep } from '../../electron/core/oidc/passkey-browser-step';
import { ServerApi } from '../../electron/core/server-api/server-api';
import type { Fetch } from '../../electron/core/ports';
import { chromiumPerFile } from '../support/chromium-per-file';
import { passRecoveryCodes } from '../support/provider-pages';
import { VirtualAuthenticator } from '../support/virtual-authenticator';
import { startMfaServer } from './server/mfa-fixture';
import { ANA, type TestServer } from './server/server-fixture';
import { testCore } from '../support/keyway-core';

/**
 * Issue 17 end to end: Keyway core (real) against the reference server (real), and the "system browser"
 * a real Chromium page with a virtual authenticator (test/support/virtual-authenticator.ts). The server
 * listens on `localhost`: a WebAuthn RP ID must be a domain, never an IP address such as 127.0.0.1.
 */

type Ceremony = 'press' | 'ignore';

/** Keyway with a browser port that loads each URL in the test's Chromium page and presses the passkey button. */
function keyway(
  page: Page,
  opened: string[],
  ceremony: { next: Ceremony },
  fetchImpl: Fetch = globalThis.fetch,
): KeywayCore {
  return testCore({
    profilePrefix: 'keyway-it-passkey-',
    fetch: fetchImpl,
    browser: {
      open: async (url) => {
        opened.push(url);
        await page.goto(url);
        if (ceremony.next === 'press') {
          // Not awaited: Keyway waits for the return, as it would for a person in the browser.
          // A user's first passkey is their first second factor: the add page shows the new recovery codes
          // once (server/http/routes/passkeys.ts), and a person goes on from there back to Keyway.
          void page
            .locator('#passkey-button')
            .click()
            .then(() => passRecoveryCodes(page, (at) => at.origin !== new URL(url).origin))
            .catch(() => undefined);
        }
      },
    },
    browserTimeoutMs: 30_000,
  }).core;
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

/** One Chromium for the file; each test's "system browser" is a fresh context (no cookies, no credentials). */
const chromiumFile = chromiumPerFile();

/** The server (passkeys allowed, on `localhost`) and the "system browser": a page with a virtual authenticator. */
async function passkeyWorld(): Promise<{
  test: TestServer;
  page: Page;
  opened: string[];
  ceremony: { next: Ceremony };
}> {
  const test = await startMfaServer({ channels: 'totp,passkey', mode: 'optional' }, { host: 'localhost' });
  const { page } = await chromiumFile.newPage();
  await VirtualAuthenticator.attach(page);
  return { test, page, opened: [], ceremony: { next: 'press' } };
}

describe('passkeys in Keyway against the reference server, in real Chromium', () => {
  it('adds a passkey from Sign-in security, signs in with password + passkey to Home, and removes it', async () => {
    const { test, page, opened, ceremony } = await passkeyWorld();
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

  it('refuses a result code for another challenge and a replayed one; a hostile callback leaves Keyway waiting', async () => {
    const { test, page, opened, ceremony } = await passkeyWorld();
    // Records what Keyway asks the server to send the browser back to (the loopback listener).
    const returns: string[] = [];
    const recording: Fetch = (input, init) => {
      const url = input instanceof Request ? input.url : input.toString();
      if (url.endsWith('/mfa/passkey/start') && typeof init?.body === 'string')
        returns.push((JSON.parse(init.body) as { returnTo: string }).returnTo);
      return globalThis.fetch(input, init);
    };
    const core = keyway(page, opened, ceremony, recording);
    await deployAndSignIn(test, core);
    core.send({ type: 'security.opened' });
    await core.settled();
    core.send({ type: 'passkey.addRequested', password: ANA.password });
    await core.settled();
    expect(core.getView()).toMatchObject({ screen: 'security', passkeys: [{ lastUsedAt: null }] });

    // Keyway waits for the passkey step; another page on this computer answers the listener first.
    core.send({ type: 'back.pressed' });
    core.send({ type: 'signOut.requested' });
    await core.settled();
    core.send({ type: 'password.submitted', password: ANA.password });
    await core.settled();
    ceremony.next = 'ignore';
    core.send({ type: 'mfaChannel.chosen', channel: 'passkey' });
    core.send({ type: 'passkey.requested', remember: false });
    await expect.poll(() => returns.length).toBe(1);
    await expect.poll(() => opened.length).toBe(2);
    const listener = returns[0] ?? '';
    expect((await fetch(`${listener}?state=forged-state-0000000000&code=${'a'.repeat(32)}`)).status).toBe(400);
    expect((await fetch(`${listener}?code=${'a'.repeat(32)}`)).status).toBe(400);
    expect(core.getView()).toMatchObject({ screen: 'passkeyStep', purpose: 'signIn' });
    // Cancel: back to the MFA screen, the listener closed.
    core.send({ type: 'cancel.pressed' });
    await core.settled();
    expect(core.getView()).toMatchObject({ screen: 'mfa', channel: 'passkey', error: null });
    await expect(fetch(`${listener}?state=x`)).rejects.toThrow();

    // A result code belongs to its challenge and is single-use.
    const api = new ServerApi(test.origin, globalThis.fetch);
    const challenge = async (): Promise<string> => {
      const answer = await api.signInWithPassword({ loginId: ANA.loginId, password: ANA.password });
      if (!('status' in answer)) throw new Error('expected a second factor');
      return answer.challengeId;
    };
    const [a, b] = [await challenge(), await challenge()];
    const code = await runPasskeyBrowserStep(
      {
        browser: {
          open: async (url) => {
            await page.goto(url);
            await page.locator('#passkey-button').click();
          },
        },
        customScheme: new CustomSchemeRedirect(),
        timeoutMs: 30_000,
        loopbackAllowed: true,
      },
      { origin: test.origin, purpose: 'signIn', signal: new AbortController().signal, onUrl: () => undefined },
      (returnTo, state) => api.startPasskeyStep({ challengeId: a, returnTo, state }),
    );
    expect(code).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    await expect(api.completePasskeyStep({ challengeId: b, code: code ?? '' })).rejects.toMatchObject({
      code: 'mfa_code_invalid',
    });
    const session = await api.completePasskeyStep({ challengeId: a, code: code ?? '' });
    expect(session.user.loginId).toBe(ANA.loginId);
    await expect(api.completePasskeyStep({ challengeId: a, code: code ?? '' })).rejects.toMatchObject({
      // The challenge was spent with the code: a replay finds it over.
      code: 'mfa_challenge_expired',
    });
  }, 120_000);
});
