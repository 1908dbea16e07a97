import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { SETTINGS_FILE } from '../../electron/core/adapters/file-settings-store';
import { type KeywayCore } from '../../electron/core/keyway-core';
import { KEYWAY_ENROLMENT_PARAM } from '../../protocol/api';
import { signInThroughProvider } from '../support/provider-pages';
import { ANA, startServerWithAna, type TestServer } from './server/server-fixture';
import { testCore } from '../support/keyway-core';

/**
 * Issue 14: a unified-login user under an enforced, authenticator-app-only policy has no factor yet.
 * Keyway core (real), the reference server and its OpenID Provider (real), and a scripted system
 * browser that signs in and, on the provider's "Set up an authenticator app" page, scans the key with
 * an independent TOTP implementation (otpauth).
 */
/** `seen` gets each URL the browser was asked to open, then how that visit ended. */
function core(test: TestServer, profileDir: string, seen: string[]): KeywayCore {
  return testCore({
    profileDir,
    browser: {
      open: async (url) => {
        seen.push(url);
        const loopback = new URL(new URL(url).searchParams.get('redirect_uri') ?? '');
        const callback = await signInThroughProvider(
          url,
          ANA.password,
          (u) => u.host === loopback.host,
          (page) => {
            if (page.kind !== 'enrolment') return undefined;
            const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(page.key) });
            return { code: totp.generate({ timestamp: test.now() }) };
          },
        ).catch(() => undefined);
        // A page the script cannot pass (no enrolment offered) leaves Keyway waiting, as a person would.
        if (callback) void fetch(callback).catch(() => undefined);
        seen.push(callback ? 'returned to Keyway' : 'stuck at the provider');
      },
    },
    browserTimeoutMs: 15_000,
  }).core;
}

async function unifiedServer(): Promise<TestServer> {
  const test = await startServerWithAna();
  await test.server.admin.setMfaPolicy({ mode: 'enforced', channels: 'totp' });
  await test.server.admin.setSignInMethod(ANA.loginId, 'oidc');
  return test;
}

describe('a unified-login deployment under enforced, authenticator-only MFA', () => {
  it('enrols the first authenticator at the provider right after the deployment and reaches Home; the ticket is never stored', async () => {
    const test = await unifiedServer();
    const profileDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-it-first-enrolment-'));
    const seen: string[] = [];
    const keyway = core(test, profileDir, seen);
    await keyway.start();
    keyway.send({ type: 'welcome.inputChanged', text: (await test.server.admin.createDeployment(ANA.loginId)).code });
    keyway.send({ type: 'welcome.applied' });
    keyway.send({ type: 'server.confirmed' });
    await keyway.settled();
    expect(keyway.getView().screen).toBe('license');
    keyway.send({ type: 'license.accepted' });
    await keyway.settled();
    expect(keyway.getView()).toMatchObject({ screen: 'home' });
    const ticket = new URL(seen[0] ?? '').searchParams.get(KEYWAY_ENROLMENT_PARAM);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = readFileSync(path.join(profileDir, SETTINGS_FILE), 'utf8');
    expect(stored).toContain('"method": "oidc"');
    expect(stored).not.toContain(ticket ?? 'no ticket');
    expect(stored).not.toContain('enrolmentTicket');
  });

  it('attack: without a deployment (Manual Login by e-mail), the password alone enrols nothing and Keyway never reaches Home', async () => {
    const test = await unifiedServer();
    const seen: string[] = [];
    const keyway = core(test, mkdtempSync(path.join(os.tmpdir(), 'keyway-it-first-enrolment-')), seen);
    await keyway.start();
    keyway.send({ type: 'manualLogin.opened' });
    keyway.send({ type: 'manualLogin.changed', host: test.origin, loginId: ANA.email });
    keyway.send({ type: 'next.pressed' });
    await keyway.settled();
    expect(keyway.getView().screen).toBe('license');
    keyway.send({ type: 'license.accepted' });
    // The scripted browser finished what it could do with the password alone.
    await expect.poll(() => seen.length).toBe(2);
    expect(new URL(seen[0] ?? '').searchParams.has(KEYWAY_ENROLMENT_PARAM)).toBe(false);
    expect(seen[1]).toBe('stuck at the provider');
    expect(keyway.getView().screen).toBe('browserSignIn');
    keyway.send({ type: 'cancel.pressed' });
    await keyway.settled();
    expect(keyway.getView().screen).not.toBe('home');
  });
});
