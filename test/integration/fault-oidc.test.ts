import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createKeytarSecretStore } from '../../electron/core/adapters/keytar-secret-store';
import { refreshTokenAccount } from '../../electron/core/secrets/accounts';
import type { Settings } from '../../electron/core/settings/schema';
import type { View } from '../../electron/ipc/view';
import { startReferenceServer, type RunningServer } from '../../server/index';
import { signInThroughProvider } from '../support/provider-pages';
import { freePort, startTcpProxy, tokenRequest, type TcpProxy } from '../support/tcp-proxy';
import { testCore } from '../support/keyway-core';

/**
 * Unified login over a bad network: a real TCP proxy between Keyway (core) and the reference server's
 * real OpenID Provider drops the code exchange, or holds its answer past Keyway's timeout. Each case
 * ends with: a clear message on the waiting screen, nothing stored and nothing lost (the journey is
 * still there), and "Try again" signing in with a fresh authorization (a code is single-use).
 */
const PASSWORD = 'correct horse battery staple 42';
const KEYCHAIN = 'Keyway fault test';
const secrets = createKeytarSecretStore(KEYCHAIN);
const cleanup: (() => Promise<unknown>)[] = [];
const accounts: string[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});
afterAll(async () => {
  await Promise.all(accounts.map((a) => secrets.delete(a).catch(() => false)));
});

/** The reference server behind the proxy: every URL it hands out (issuer included) names the proxy. */
async function serverBehindProxy(): Promise<{ server: RunningServer; proxy: TcpProxy }> {
  const proxy = await startTcpProxy();
  const port = await freePort();
  const server = await startReferenceServer({
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'keyway-it-oidc-')),
    port,
    publicOrigin: `http://127.0.0.1:${proxy.port}`,
  });
  proxy.target = port;
  cleanup.push(
    () => server.close(),
    () => proxy.close(),
  );
  await server.admin.createUser({
    loginId: 'una',
    email: 'una@example.com',
    displayName: 'Una',
    password: PASSWORD,
    sendWelcomeEmail: false,
  });
  await server.admin.setSignInMethod('una', 'oidc');
  return { server, proxy };
}

/** Core up to the browser step; the "system browser" signs in at the provider and returns to Keyway. */
async function toBrowserSignIn(server: RunningServer, networkTimeoutMs: number) {
  const authorizations: URL[] = [];
  const callbacks: { at: number }[] = [];
  const { core, profileDir } = testCore({
    secrets,
    networkTimeoutMs,
    browser: {
      open: (url) => {
        authorizations.push(new URL(url));
        const loopback = new URL(new URL(url).searchParams.get('redirect_uri') ?? '').host;
        void signInThroughProvider(url, PASSWORD, (u) => u.host === loopback)
          .then(async (callback) => {
            await fetch(callback);
            callbacks.push({ at: Date.now() });
          })
          .catch(() => undefined);
        return Promise.resolve();
      },
    },
  });
  await core.start();
  core.send({ type: 'manualLogin.opened' });
  core.send({ type: 'manualLogin.changed', host: server.origin, loginId: 'una@example.com' });
  core.send({ type: 'next.pressed' });
  await core.settled();
  expect(core.getView()).toMatchObject({ screen: 'license' });
  const settings = (): Settings => JSON.parse(readFileSync(path.join(profileDir, 'settings.json'), 'utf8')) as Settings;
  const account = refreshTokenAccount(settings().installationId, server.origin);
  accounts.push(account);
  core.send({ type: 'license.accepted' });
  return { core, authorizations, callbacks, settings, storedToken: () => secrets.get(account) };
}

const errorOf = (view: View) => (view.screen === 'browserSignIn' ? view.error : null);

describe('unified login over a failing network', () => {
  it('the connection drops during the code exchange: a clear message, nothing stored, Try again signs in afresh', async () => {
    const { server, proxy } = await serverBehindProxy();
    proxy.fault = { kind: 'dropResponse', when: tokenRequest };
    const journey = await toBrowserSignIn(server, 5_000);
    await journey.core.settled();

    expect(proxy.hits).toBe(1);
    const view = journey.core.getView();
    expect(view).toMatchObject({ screen: 'browserSignIn', error: { code: 'server_unreachable' } });
    expect(errorOf(view)?.message).toContain(`can’t reach 127.0.0.1:${proxy.port}`);
    // Nothing stored, nothing lost: no profile yet, no token, and the waiting screen offers Try again.
    expect(journey.settings().profiles).toEqual([]);
    expect(await journey.storedToken()).toBeNull();

    proxy.fault = null;
    journey.core.send({ type: 'retry.pressed' });
    await journey.core.settled();
    expect(journey.core.getView()).toMatchObject({ screen: 'home', displayName: 'Una' });
    // A fresh authorization (the dropped one's code was spent at the provider), then a stored session.
    expect(journey.authorizations).toHaveLength(2);
    const [first, second] = journey.authorizations.map((url) => url.searchParams.get('state'));
    expect(second).not.toBe(first);
    expect(journey.settings().profiles.map((p) => p.origin)).toEqual([server.origin]);
    expect(await journey.storedToken()).not.toBeNull();
  });

  it('the identity provider answers later than the timeout: a timeout message within the timeout, then recovery', async () => {
    const { server, proxy } = await serverBehindProxy();
    const timeoutMs = 1_000;
    proxy.fault = { kind: 'delayResponse', ms: 6 * timeoutMs, when: tokenRequest };
    const journey = await toBrowserSignIn(server, timeoutMs);
    await journey.core.settled();
    const failedAt = Date.now();

    expect(proxy.hits).toBe(1);
    const view = journey.core.getView();
    expect(view).toMatchObject({ screen: 'browserSignIn', error: { code: 'server_timeout' } });
    expect(errorOf(view)?.message).toContain(`127.0.0.1:${proxy.port} took too long to answer`);
    // Keyway gave up after its own timeout (plus some slack for a busy CI machine), long before the
    // provider finally answered.
    const waited = failedAt - (journey.callbacks[0]?.at ?? 0);
    expect(waited).toBeGreaterThanOrEqual(timeoutMs - 100);
    expect(waited).toBeLessThan(3 * timeoutMs);
    expect(journey.settings().profiles).toEqual([]);
    expect(await journey.storedToken()).toBeNull();

    proxy.fault = null;
    journey.core.send({ type: 'retry.pressed' });
    await journey.core.settled();
    expect(journey.core.getView()).toMatchObject({ screen: 'home', displayName: 'Una' });
    expect(await journey.storedToken()).not.toBeNull();
  });
});
