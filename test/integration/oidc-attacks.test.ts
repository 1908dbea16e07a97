import { memorySecrets } from '../support/memory-secrets';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as client from 'openid-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSettingsStore } from '../../electron/core/adapters/file-settings-store';
import { type KeywayCore } from '../../electron/core/keyway-core';
import { CustomSchemeRedirect } from '../../electron/core/oidc/custom-scheme-redirect';
import { OidcClient } from '../../electron/core/oidc/oidc-client';
import type { View } from '../../electron/ipc/view';
import { startReferenceServer, type RunningServer } from '../../server/index';
import { signInThroughProvider } from '../support/provider-pages';
import { Browser } from '../support/browser';
import { signInByManualLogin, testCore } from '../support/keyway-core';

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
  await running.admin.setSignInMethod('una', 'oidc');
  return running;
}

/** What Keyway itself sent to the provider's token endpoint (code, verifier, redirect), per request. */
type TokenRequest = URLSearchParams;

/** Drives core to the browser step; `browser` decides what the "browser" does with the URL. */
async function signIn(
  s: RunningServer,
  browser: (url: string, core: KeywayCore) => Promise<void>,
  browserTimeoutMs = 10_000,
  loopbackRedirect = true,
  systemLanguages: readonly string[] = [],
) {
  const secrets = memorySecrets();
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-it-profile-'));
  const tokenRequests: TokenRequest[] = [];
  // Keyway's real fetch, watched: the token requests show the PKCE verifier Keyway really used.
  const watched: typeof globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.endsWith('/oidc/token') && init?.body !== undefined && init.body !== null) {
      tokenRequests.push(new URLSearchParams(init.body as URLSearchParams | string));
    }
    return globalThis.fetch(input, init);
  };
  const { core } = testCore({
    secrets,
    profileDir,
    fetch: watched,
    browser: { open: (url) => Promise.resolve(void browser(url, core).catch(() => undefined)) },
    browserTimeoutMs,
    loopbackRedirect,
    systemLanguages,
  });
  const view = await signInByManualLogin(core, s.origin, 'una@example.com');
  const settings = await createFileSettingsStore(profileDir).read();
  return { view, secrets, settings, tokenRequests };
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
    expect(params?.get('ui_locales')).toBe('en');
  });

  it("asks the provider for Keyway's language (ui_locales), so its sign-in page is in French for a French user", async () => {
    const s = await server();
    let page = '';
    const result = await signIn(
      s,
      async (url) => {
        // A browser that sends no language of its own: the page follows Keyway's ui_locales.
        const browser = new Browser();
        const { response } = await browser.follow(await browser.get(url));
        page = await response.text();
      },
      2_000,
      true,
      ['fr-FR'],
    );
    expect(result.view).toMatchObject({ screen: 'browserSignIn' });
    expect(page).toMatch(/<html lang="fr"/);
  });

  it('a forged state at the loopback listener is refused there and cannot end the sign-in', async () => {
    const s = await server();
    let answer = 0;
    const result = await signIn(
      s,
      async (url) => {
        const forged = await fetch(
          `${redirectUri(url).href}?code=stolen&state=forged&iss=${encodeURIComponent(`${s.origin}/oidc`)}`,
        );
        answer = forged.status;
      },
      3_000,
    );
    expect(answer).toBe(400);
    // The sign-in kept waiting for its own callback (which never came), so it ends by the timeout.
    expect(result.view).toMatchObject({ screen: 'browserSignIn', error: { code: 'oidc_timeout' } });
    expectNothingStored(result);
  });

  it('a forged state delivered through the private-use scheme is ignored and cannot end the sign-in', async () => {
    const s = await server();
    const result = await signIn(
      s,
      (url, core) => {
        const iss = encodeURIComponent(`${s.origin}/oidc`);
        expect(stateOf(url)).not.toBe('forged');
        core.openDeepLink(`dev.keyway.app:/oauth/callback?code=stolen&state=forged&iss=${iss}`);
        return Promise.resolve();
      },
      3_000,
      false,
    );
    // Any local program can hand Keyway a dev.keyway.app: link; the sign-in kept waiting for its own
    // callback (which never came), so it ends by the timeout, not by the forged one.
    expect(result.view).toMatchObject({ screen: 'browserSignIn', error: { code: 'oidc_timeout' } });
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

  it('each sign-in sends a fresh state, nonce and PKCE challenge', async () => {
    const s = await server();
    const sent: URLSearchParams[] = [];
    const verifiers: string[] = [];
    for (let i = 0; i < 2; i++) {
      const result = await signIn(s, async (url) => {
        sent.push(new URL(url).searchParams);
        await fetch(await signInThroughProvider(url, PASSWORD, (u) => u.host === redirectUri(url).host));
      });
      expect(result.view).toMatchObject({ screen: 'home' });
      verifiers.push(result.tokenRequests[0]?.get('code_verifier') ?? '');
    }
    const [first, second] = sent;
    for (const name of ['state', 'nonce', 'code_challenge']) {
      expect(first?.get(name), name).toMatch(/^[\w-]{22,}$/);
      expect(second?.get(name), name).not.toBe(first?.get(name));
    }
    expect(verifiers[0]).toMatch(/^[\w-]{43,128}$/);
    expect(verifiers[1]).not.toBe(verifiers[0]);
  });

  it('checks the nonce: an ID token minted for another nonce is refused, though state and PKCE are right', async () => {
    const s = await server();
    const result = await signIn(s, async (url) => {
      // The "browser" swaps the nonce before the provider sees it: the provider then signs an ID token
      // for the attacker's nonce, while the code, its PKCE challenge and the state stay Keyway's own.
      const tampered = new URL(url);
      tampered.searchParams.set('nonce', 'attacker-chosen-nonce-0123456789');
      const callback = await signInThroughProvider(tampered.href, PASSWORD, (u) => u.host === redirectUri(url).host);
      await fetch(callback);
    });
    expect(result.tokenRequests).toHaveLength(1); // the code was exchanged: only the nonce check stopped it
    expect(result.view).toMatchObject({ screen: 'browserSignIn', error: { code: 'oidc_exchange_failed' } });
    expectNothingStored(result);
  });

  it('a stolen code is useless: without the PKCE verifier, with a wrong one, and replayed after Keyway used it', async () => {
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

    // The replay uses exactly what Keyway sent, the RIGHT verifier included: only single use can stop it.
    const [used] = result.tokenRequests;
    expect(used?.get('code')).toBe(code);
    const rightVerifier = used?.get('code_verifier') ?? undefined;
    expect(rightVerifier).toMatch(/^[\w-]{43,128}$/);
    expect(used?.get('redirect_uri')).toBe(redirectUriOfCode);
    await expect(exchange(rightVerifier)).rejects.toMatchObject({ error: 'invalid_grant' });
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
        'en',
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
        'en',
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
        'en',
        new AbortController().signal,
        () => undefined,
      ),
    ).rejects.toMatchObject({ code: 'server_insecure' });
  });
});

export type { View };
