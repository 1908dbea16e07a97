import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSettingsStore } from '../../electron/core/adapters/file-settings-store';
import { createKeytarSecretStore } from '../../electron/core/adapters/keytar-secret-store';
import { type KeywayCore } from '../../electron/core/keyway-core';
import { refreshTokenAccount } from '../../electron/core/secrets/accounts';
import type { SecretStore } from '../../electron/core/ports';
import type { View } from '../../electron/ipc/view';
import { encodeDeploymentCode } from '../../protocol/deployment-code';
import { startReferenceServer, type ReferenceServerOptions, type RunningServer } from '../../server/index';
import { selfSignedCertificate } from '../support/tls';
import { testCore } from '../support/keyway-core';

/**
 * Core against the real reference server over HTTP on 127.0.0.1, with the real keychain (inside
 * scripts/with-keyring.mjs) and a real settings file: every error a user can meet, by its code.
 */
const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const tempDir = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

async function server(options: Partial<ReferenceServerOptions> = {}): Promise<RunningServer> {
  const running = await startReferenceServer({ dataDir: tempDir('keyway-it-server-'), ...options });
  servers.push(running);
  await running.admin.createUser({
    loginId: 'ana',
    email: 'ana@example.com',
    displayName: 'Ana Example',
    password: 'keyway-demo-2026',
  });
  return running;
}

function client(profileDir = tempDir('keyway-it-profile-'), secrets: SecretStore = createKeytarSecretStore()) {
  return testCore({ profileDir, secrets });
}

async function redeem(core: KeywayCore, code: string): Promise<View> {
  await core.start();
  core.send({ type: 'welcome.inputChanged', text: code });
  core.send({ type: 'welcome.applied' });
  core.send({ type: 'server.confirmed' });
  await core.settled();
  return core.getView();
}

async function signIn(core: KeywayCore, code: string, password: string): Promise<View> {
  const view = await redeem(core, code);
  expect(view.screen).toBe('license');
  core.send({ type: 'license.accepted' });
  core.send({ type: 'password.submitted', password });
  await core.settled();
  return core.getView();
}

const closedPort = async (): Promise<number> => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
};

describe('redeeming a deployment', () => {
  it('refuses an expired code', async () => {
    let now = Date.now();
    const s = await server({ clock: () => now });
    const { code } = await s.admin.createDeployment('ana', { ttlSeconds: 60 });
    now += 61_000;
    expect(await redeem(client().core, code)).toMatchObject({
      screen: 'welcome',
      error: { code: 'deployment_expired' },
    });
  });

  it('refuses a code another installation used, and lets exactly one of two racing clients win', async () => {
    const s = await server();
    const { code } = await s.admin.createDeployment('ana');
    const [a, b] = [client().core, client().core];
    const views = await Promise.all([redeem(a, code), redeem(b, code)]);
    expect(views.map((v) => v.screen).sort()).toEqual(['license', 'welcome']);
    expect(views.find((v) => v.screen === 'welcome')).toMatchObject({ error: { code: 'deployment_used' } });
    expect(await redeem(client().core, code)).toMatchObject({ error: { code: 'deployment_used' } });
  });

  it('refuses an unknown code that passes the checksum', async () => {
    const s = await server();
    const forged = encodeDeploymentCode(s.origin, randomBytes(16));
    expect(await redeem(client().core, forged)).toMatchObject({
      screen: 'welcome',
      error: { code: 'deployment_unknown' },
    });
  });

  it('says when the server cannot be reached, and keeps the user on Confirm to retry', async () => {
    const code = encodeDeploymentCode(`http://127.0.0.1:${await closedPort()}`, randomBytes(16));
    expect(await redeem(client().core, code)).toMatchObject({
      screen: 'confirmServer',
      error: { code: 'server_unreachable' },
    });
  });

  it('refuses a server whose TLS certificate is not trusted', async () => {
    const s = await server({ tls: selfSignedCertificate() });
    expect(s.origin).toMatch(/^https:/);
    const { code } = await s.admin.createDeployment('ana');
    const view = await redeem(client().core, code);
    expect(view).toMatchObject({ screen: 'confirmServer', error: { code: 'server_tls' } });
    // The message names the host and the certificate problem.
    const message = view.screen === 'confirmServer' ? (view.error?.message ?? '') : '';
    expect(message).toContain(new URL(s.origin).host);
    expect(message).toMatch(/self-signed|authority/);
  });

  it('answers too many redemptions from one computer with rate_limited and a retry time', async () => {
    const s = await server({ limits: { redeemPerSourcePerMinute: 2 } });
    const forged = () => encodeDeploymentCode(s.origin, randomBytes(16));
    await redeem(client().core, forged());
    await redeem(client().core, forged());
    const view = await redeem(client().core, forged());
    expect(view).toMatchObject({ error: { code: 'rate_limited' } });
    expect(view.screen === 'confirmServer' || view.screen === 'welcome' ? view.error?.retryAfter : 0).toBeGreaterThan(
      0,
    );
  });
});

describe('signing in', () => {
  it('says the password is wrong, then locks the account after the limit with a retry time', async () => {
    const s = await server({ limits: { maxConsecutiveFailures: 3 } });
    const { code } = await s.admin.createDeployment('ana');
    const { core } = client();
    expect(await signIn(core, code, 'wrong-1')).toMatchObject({
      screen: 'password',
      error: { code: 'invalid_credentials' },
    });
    for (const attempt of ['wrong-2', 'wrong-3']) {
      core.send({ type: 'password.submitted', password: attempt });
      await core.settled();
    }
    const locked = core.getView();
    expect(locked).toMatchObject({ screen: 'password', error: { code: 'account_locked' } });
    expect(locked.screen === 'password' ? locked.error?.retryAfter : 0).toBeGreaterThan(0);
  });

  it('answers too many sign-ins from one computer with rate_limited', async () => {
    const s = await server({ limits: { signInPerSourcePerMinute: 2, maxConsecutiveFailures: 50 } });
    const { code } = await s.admin.createDeployment('ana');
    const { core } = client();
    await signIn(core, code, 'wrong-1');
    core.send({ type: 'password.submitted', password: 'wrong-2' });
    await core.settled();
    core.send({ type: 'password.submitted', password: 'keyway-demo-2026' });
    await core.settled();
    expect(core.getView()).toMatchObject({ screen: 'password', error: { code: 'rate_limited' } });
  });

  it('without a keychain: signed in for now, told why, and the refresh token is never written to a file', async () => {
    const s = await server();
    const { code } = await s.admin.createDeployment('ana');
    const broken = createKeytarSecretStore('Keyway test', () => Promise.reject(new Error('no Secret Service')));
    const { core, profileDir } = client(undefined, broken);
    expect(await signIn(core, code, 'keyway-demo-2026')).toMatchObject({
      screen: 'home',
      notice: { code: 'keychain_unavailable' },
    });
    for (const file of readdirSync(profileDir)) {
      expect(readFileSync(path.join(profileDir, file), 'utf8')).not.toMatch(/refresh|token/i);
    }
    // Next start: the keychain is still away, so Keyway says so and offers Try again (fault-keychain
    // tests it coming back) or the password, with the login ID kept.
    const again = client(profileDir, broken).core;
    await again.start();
    expect(again.getView()).toMatchObject({
      screen: 'resumeFailed',
      loginId: 'ana',
      error: { code: 'keychain_unavailable' },
    });
    again.send({ type: 'back.pressed' });
    expect(again.getView()).toMatchObject({ screen: 'password', loginId: 'ana' });
  });
});

describe('signing out, with the real keychain', () => {
  it('deletes the refresh token from the keychain, and the next start is not signed in', async () => {
    const s = await server();
    const { code } = await s.admin.createDeployment('ana');
    const { core, profileDir } = client();
    expect(await signIn(core, code, 'keyway-demo-2026')).toMatchObject({ screen: 'home' });
    const { installationId } = await createFileSettingsStore(profileDir).read();
    const account = refreshTokenAccount(installationId, s.origin);
    // Read back through a separate keytar store: what the OS keychain itself holds.
    const keychain = createKeytarSecretStore();
    expect(await keychain.get(account)).toMatch(/\S{20,}/);

    core.send({ type: 'signOut.requested' });
    await core.settled();
    expect(core.getView().screen).not.toBe('home');
    expect(await keychain.get(account)).toBeNull();

    const restarted = client(profileDir).core;
    await restarted.start();
    expect(restarted.getView().screen).not.toBe('home');
  });
});

describe('later starts', () => {
  it('sign in silently, and land on Password with the login ID kept once the admin revoked the session', async () => {
    const s = await server();
    const { code } = await s.admin.createDeployment('ana');
    const { core, profileDir } = client();
    expect(await signIn(core, code, 'keyway-demo-2026')).toMatchObject({ screen: 'home' });

    const restarted = client(profileDir).core;
    await restarted.start();
    expect(restarted.getView()).toMatchObject({ screen: 'home', loginId: 'ana' });

    await s.admin.revokeSessions('ana');
    const afterRevoke = client(profileDir).core;
    await afterRevoke.start();
    expect(afterRevoke.getView()).toMatchObject({
      screen: 'password',
      loginId: 'ana',
      error: { code: 'session_invalid' },
    });
  });

  it('show a changed license again before Home', async () => {
    const dataDir = tempDir('keyway-it-server-');
    const first = await startReferenceServer({ dataDir, port: 0, license: { version: '1', text: 'First terms.' } });
    await first.admin.createUser({
      loginId: 'ana',
      email: 'ana@example.com',
      displayName: 'Ana',
      password: 'keyway-demo-2026',
    });
    const { code } = await first.admin.createDeployment('ana');
    const { core, profileDir } = client();
    expect(await signIn(core, code, 'keyway-demo-2026')).toMatchObject({ screen: 'home' });
    const port = new URL(first.origin).port;
    await first.close();

    // Same server, same address, new license version.
    servers.push(
      await startReferenceServer({ dataDir, port: Number(port), license: { version: '2', text: 'New terms.' } }),
    );
    const restarted = client(profileDir).core;
    await restarted.start();
    expect(restarted.getView()).toMatchObject({ screen: 'license', version: '2', text: 'New terms.', isUpdate: true });
    restarted.send({ type: 'license.accepted' });
    await restarted.settled();
    expect(restarted.getView()).toMatchObject({ screen: 'home' });
    const again = client(profileDir).core;
    await again.start();
    expect(again.getView()).toMatchObject({ screen: 'home' });
  });
});
