import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as client from 'openid-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSettingsStore } from '../../electron/core/adapters/file-settings-store';
import { KeywayCore } from '../../electron/core/keyway-core';
import { CustomSchemeRedirect } from '../../electron/core/oidc/custom-scheme-redirect';
import { OidcClient } from '../../electron/core/oidc/oidc-client';
import type { SecretStore } from '../../electron/core/ports';
import type { View } from '../../electron/ipc/view';
import { startReferenceServer, type RunningServer } from '../../server/index';
import { signInThroughProvider } from '../support/scripted-browser';

/**
 * Unified login against the real reference server and its real OpenID Provider, with a scripted
 * "system browser" that can play the attacker. Every attack ends with its code and nothing stored.
 */
const PASSWORD = 'correct horse battery staple 42';
const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(): Promise<RunningServer> {
  const running = await startReferenceServer({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'keyway-it-oidc-')) });
  servers.push(running);
  await running.admin.createUser({
    loginId: 'una',
    email: 'una@example.com',
    displayName: 'Una',
    password: PASSWORD,
    sendWelcomeEmail: false,
  });
  running.admin.setSignInMethod('una', 'oidc');
  return running;
}

function memorySecrets(): SecretStore & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: (a) => Promise.resolve(entries.get(a) ?? null),
    set: (a, s) => Promise.resolve(void entries.set(a, s)),
    delete: (a) => Promise.resolve(entries.delete(a)),
  };
}

/** Drives core to the browser step; `browser` decides what the "browser" does with the URL. */
async function signIn(
  s: RunningServer,
  browser: (url: string, core: KeywayCore) => Promise<void>,
  browserTimeoutMs = 10_000,
  loopbackRedirect = true,
) {
  const secrets = memorySecrets();
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-it-profile-'));
  const core = new KeywayCore({
    plainHttpLoopback: true,
    secrets,
    settings: createFileSettingsStore(profileDir),
    fetch: globalThis.fetch,
    clock: { now: () => Date.now() },
    policy: {},
    browser: { open: (url) => Promise.resolve(void browser(url, core).catch(() => undefined)) },
    browserTimeoutMs,
    loopbackRedirect,
  });
  await core.start();
  core.send({ type: 'manualLogin.opened' });
  core.send({ type: 'manualLogin.changed', host: s.origin, loginId: 'una@example.com' });
  core.send({ type: 'next' });
  await core.settled();
  expect(core.getView()).toMatchObject({ screen: 'license' });
  core.send({ type: 'license.accepted' });
  await core.settled();
  const settings = await createFileSettingsStore(profileDir).read();
  return { view: core.getView(), secrets, settings };
}

const redirectUri = (authorizationUrl: string): URL =>
  new URL(new URL(authorizationUrl).searchParams.get('redirect_uri') ?? '');
const stateOf = (authorizationUrl: string): string => new URL(authorizationUrl).searchParams.get('state') ?? '';

function expectNothingStored(result: Awaited<ReturnType<typeof signIn>>): void {
  expect(result.secrets.entries.size).toBe(0);
  expect(result.settings.profiles).toEqual([]);
}

describe('unified login against the real OpenID Provider', () => {
  it('signs in through the provider, sending PKCE S256, state, nonce and login_hint', async () => {
    const s = await server();
    let seen: URL | null = null;
    const result = await signIn(s, async (url) => {
      seen = new URL(url);
      const callback = await signInThroughProvider(url, PASSWORD, (u) => u.host === redirectUri(url).host);
      await fetch(callback);
    });
    expect(result.view).toMatchObject({ screen: 'home', displayName: 'Una', loginId: 'una' });
    expect(result.secrets.entries.size).toBe(1);
    const params = (seen as URL | null)?.searchParams;
    expect(params?.get('code_challenge_method')).toBe('S256');
    expect(params?.get('login_hint')).toBe('una@example.com');
    expect(params?.get('nonce')).toBeTruthy();
    expect(params?.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  });

  it('refuses a forged state', async () => {
    const s = await server();
    const result = await signIn(s, async (url) => {
      await fetch(`${redirectUri(url).href}?code=stolen&state=forged&iss=${encodeURIComponent(`${s.origin}/oidc`)}`);
    });
    expect(result.view).toMatchObject({ screen: 'browserSignIn', error: { code: 'oidc_state_mismatch' } });
    expectNothingStored(result);
  });

  it('refuses a callback from a different issuer (mix-up)', async () => {
    const s = await server();
    const result = await signIn(s, async (url) => {
      await fetch(
        `${redirectUri(url).href}?code=x&state=${stateOf(url)}&iss=${encodeURIComponent('https://attacker.example/oidc')}`,
      );
    });
    expect(result.view).toMatchObject({ screen: 'browserSignIn', error: { code: 'oidc_issuer_mismatch' } });
    expectNothingStored(result);
  });

  it('reports an error response from the provider, and access_denied as a cancel', async () => {
    const s = await server();
    const iss = encodeURIComponent(`${s.origin}/oidc`);
    const denied = await signIn(s, async (url) => {
      await fetch(`${redirectUri(url).href}?error=access_denied&state=${stateOf(url)}&iss=${iss}`);
    });
    expect(denied.view).toMatchObject({ screen: 'browserSignIn', error: { code: 'oidc_cancelled' } });
    const failed = await signIn(s, async (url) => {
      await fetch(
        `${redirectUri(url).href}?error=server_error&error_description=broken&state=${stateOf(url)}&iss=${iss}`,
      );
    });
    expect(failed.view).toMatchObject({ screen: 'browserSignIn', error: { code: 'oidc_error' } });
    expectNothingStored(failed);
  });

  it('gives up when the browser never returns', async () => {
    const s = await server();
    const result = await signIn(s, () => Promise.resolve(), 300);
    expect(result.view).toMatchObject({ screen: 'browserSignIn', error: { code: 'oidc_timeout' } });
    expectNothingStored(result);
  });

  it('a stolen code is useless: without the PKCE verifier, and replayed after Keyway used it', async () => {
    const s = await server();
    const stolen: { url: URL | null } = { url: null };
    const result = await signIn(s, async (url) => {
      const callback = await signInThroughProvider(url, PASSWORD, (u) => u.host === redirectUri(url).host);
      stolen.url = callback;
      await fetch(callback);
    });
    expect(result.view).toMatchObject({ screen: 'home' });
    const code = stolen.url?.searchParams.get('code') ?? '';
    const redirectUriOfCode = `${stolen.url?.origin ?? ''}/callback`;
    const config = await client.discovery(
      new URL(`${s.origin}/oidc`),
      'keyway-desktop',
      { token_endpoint_auth_method: 'none' },
      client.None(),
      {
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- an http issuer on this computer
        execute: [client.allowInsecureRequests],
      },
    );
    const exchange = (verifier: string | undefined) =>
      client.genericGrantRequest(config, 'authorization_code', {
        code,
        redirect_uri: redirectUriOfCode,
        ...(verifier ? { code_verifier: verifier } : {}),
      });
    await expect(exchange(undefined)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(exchange(client.randomPKCECodeVerifier())).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('fallbacks when the loopback listener cannot be used', () => {
  it('uses the private-use scheme redirect, delivered by the OS like a deep link', async () => {
    const s = await server();
    let redirect = '';
    const result = await signIn(
      s,
      async (url, core) => {
        redirect = new URL(url).searchParams.get('redirect_uri') ?? '';
        const callback = await signInThroughProvider(url, PASSWORD, (u) => u.protocol === 'dev.keyway.app:');
        core.openDeepLink(callback.href);
      },
      10_000,
      false,
    );
    expect(redirect).toBe('dev.keyway.app:/oauth/callback');
    expect(result.view).toMatchObject({ screen: 'home', loginId: 'una' });
  });
});

describe('the OIDC client on its own', () => {
  it('says so when the identity provider cannot be reached', async () => {
    // A development build: plain http to this computer allowed.
    const oidc = new OidcClient(
      globalThis.fetch,
      { open: () => Promise.resolve() },
      new CustomSchemeRedirect(),
      1_000,
      true,
      15_000,
      true,
    );
    await expect(
      oidc.signIn(
        { issuer: 'http://127.0.0.1:9/oidc', clientId: 'keyway-desktop' },
        null,
        new AbortController().signal,
        () => undefined,
      ),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^(server_unreachable|discovery_failed)$/) as unknown });
  });

  it('a packaged build refuses a plain-http identity provider even on this computer, before any request', async () => {
    const requested: string[] = [];
    const oidc = new OidcClient(
      (url) => {
        requested.push(url instanceof Request ? url.url : url.toString());
        return Promise.reject(new Error('no request may be made'));
      },
      { open: () => Promise.resolve() },
      new CustomSchemeRedirect(),
      1_000,
    );
    await expect(
      oidc.signIn(
        { issuer: 'http://127.0.0.1:9/oidc', clientId: 'keyway-desktop' },
        null,
        new AbortController().signal,
        () => undefined,
      ),
    ).rejects.toMatchObject({
      code: 'server_insecure',
      message: expect.stringMatching(/development builds/) as unknown,
    });
    expect(requested).toEqual([]);
  });

  it('refuses a plain-http identity provider that is not on this computer', async () => {
    const oidc = new OidcClient(globalThis.fetch, { open: () => Promise.resolve() }, new CustomSchemeRedirect(), 1_000);
    await expect(
      oidc.signIn(
        { issuer: 'http://idp.example/oidc', clientId: 'x' },
        null,
        new AbortController().signal,
        () => undefined,
      ),
    ).rejects.toMatchObject({ code: 'server_insecure' });
  });
});

export type { View };
