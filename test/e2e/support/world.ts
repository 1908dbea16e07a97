import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, type Page } from '@playwright/test';
import keytar from 'keytar';
import { KEYCHAIN_SERVICE, refreshTokenAccount } from '../../../electron/core/secrets/accounts';
import { startReferenceServer, type ReferenceServerOptions, type RunningServer } from '../../../server/index';
import { startSmtpSink } from '../../support/smtp-sink';
import { startHarness, stopHarness, type Harness } from './harness';
import { KeywayPage } from './keyway-page';

type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;

/**
 * Everything one journey needs, fresh per test: a real reference server (own data dir, real SQLite),
 * a real SMTP sink receiving its mail, and a Keyway profile directory for the harness.
 */
export interface World {
  server: RunningServer;
  /** The server's data directory (its SMS outbox is `<dataDir>/outbox`). */
  dataDir: string;
  sink: SmtpSink;
  profileDir: string;
  /**
   * Starts (or restarts) the harness on this profile; optional args such as a deep link, and extra
   * environment (e.g. a D-Bus session without a keychain).
   */
  launch(args?: string[], env?: Record<string, string>): Promise<Harness>;
  /** Hands a link to the running harness the way the OS hands it to a running app. */
  openLink(url: string): Promise<void>;
  /** The refresh token Keyway keeps in the real keychain for this server, or null. */
  storedRefreshToken(): Promise<string | null>;
  /**
   * Reads the profile's settings file as Keyway wrote it: null when there is no file yet; throws when it
   * exists but cannot be read or is not Keyway's settings (so "no profile" never passes on a broken file).
   */
  settings(): { installationId: string; profiles: { origin: string }[] } | null;
}

/** A user for `deployAndSignIn`: made by the admin with this password (no welcome e-mail). */
interface DeployedUser {
  loginId: string;
  displayName: string;
  password: string;
  /** Default `<loginId>@example.com`. */
  email?: string;
}

/** The Keyway UI of a harness in this test's world: KeywayPage, plus the journey most specs start with. */
class WorldKeyway extends KeywayPage {
  readonly #world: World;

  constructor(page: Page, world: World) {
    super(page);
    this.#world = world;
  }

  /**
   * The admin creates the user and a deployment; Keyway starts, the user pastes the authentication code,
   * confirms the server, accepts the license and enters the password, and Home greets them by name.
   * With `home: false` it stops after the password, for a spec whose subject is the step that follows
   * (an MFA enrolment). Returns the deployment's id.
   */
  async deployAndSignIn(user: DeployedUser, options: { home?: boolean } = {}): Promise<{ deploymentId: number }> {
    const admin = this.#world.server.admin;
    await admin.createUser({
      loginId: user.loginId,
      email: user.email ?? `${user.loginId}@example.com`,
      displayName: user.displayName,
      password: user.password,
      sendWelcomeEmail: false,
    });
    const deployment = await admin.createDeployment(user.loginId);
    const harness = await this.#world.launch();
    await this.page.goto(harness.url);
    await this.paste(deployment.code);
    await this.confirmServer();
    await this.acceptLicense();
    await this.enterPassword(user.password);
    if (options.home !== false) await this.expectHome(user.displayName);
    return { deploymentId: deployment.id };
  }
}

export const test = base.extend<{
  world: World;
  keyway: WorldKeyway;
  /** Extra reference-server options for a spec (`test.use({ serverOptions: { otpTtlSeconds: 8 } })`). */
  serverOptions: Partial<ReferenceServerOptions>;
}>({
  serverOptions: [{}, { option: true }],
  world: async ({ serverOptions }, use, testInfo) => {
    const sink = await startSmtpSink();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-e2e-server-'));
    const profileDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-e2e-profile-'));
    const server = await startReferenceServer({
      dataDir,
      smtp: { host: '127.0.0.1', port: sink.port, insecure: true },
      log: () => undefined,
      ...serverOptions,
    });
    const running: { harness: Harness | null } = { harness: null };
    const settings = (): ReturnType<World['settings']> => {
      const file = path.join(profileDir, 'settings.json');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        // Only "no file yet" means no settings; an unreadable file fails the test instead of passing
        // every "no profile / no token" assertion.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new Error(`${file} cannot be read`, { cause: error });
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (error) {
        throw new Error(`${file} is not valid JSON: ${text.slice(0, 200)}`, { cause: error });
      }
      const shape = data as Partial<NonNullable<ReturnType<World['settings']>>> | null;
      if (typeof shape?.installationId !== 'string' || !Array.isArray(shape.profiles)) {
        throw new Error(`${file} is not Keyway's settings (no installationId and profiles): ${text.slice(0, 200)}`);
      }
      return shape as NonNullable<ReturnType<World['settings']>>;
    };
    await use({
      server,
      dataDir,
      sink,
      profileDir,
      async launch(args = [], env = {}) {
        if (running.harness) await stopHarness(running.harness);
        running.harness = await startHarness(['--profile', profileDir, ...args], { env });
        return running.harness;
      },
      async openLink(url) {
        const second = await startHarness(['--profile', profileDir, '--open-url', url], { expectHandOff: true });
        await stopHarness(second);
      },
      async storedRefreshToken() {
        const installationId = settings()?.installationId;
        if (!installationId) return null;
        return keytar.getPassword(KEYCHAIN_SERVICE, refreshTokenAccount(installationId, server.origin));
      },
      settings,
    });
    // A failed test shows how its harness ended and what it said: a crash is otherwise invisible.
    if (running.harness && testInfo.status !== testInfo.expectedStatus) {
      const { exitCode, signalCode } = running.harness.process;
      const report = `harness exit code ${String(exitCode)}, signal ${String(signalCode)}\n${running.harness.output()}`;
      console.log(`--- harness of "${testInfo.title}" ---\n${report}`);
      await testInfo.attach('harness output', { body: report, contentType: 'text/plain' });
    }
    if (running.harness) await stopHarness(running.harness);
    await server.close();
    await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profileDir, { recursive: true, force: true });
  },
  keyway: async ({ page, world }, use) => {
    await use(new WorldKeyway(page, world));
  },
});
export { expect } from '@playwright/test';
