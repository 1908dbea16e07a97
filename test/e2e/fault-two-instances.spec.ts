import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Harness } from './support/harness';
import { stopHarness } from './support/harness';
import { expect, test, type World } from './support/world';

/**
 * Two Keyway starts at the same moment on one profile, each with its own deep link (two e-mails
 * clicked quickly, or a link clicked while Keyway is starting). Exactly one becomes the instance; the
 * other hands its link over and exits cleanly. The instance handles its own link's journey first,
 * then the other link's (a link never replaces a journey half-way), and leaves no lock file behind.
 */
const root = path.resolve(import.meta.dirname, '..', '..');

interface Start {
  harness: Harness;
  link: string;
  /** Whether this start became the instance or handed its link over (and exited); rejects on a crash. */
  outcome: Promise<'instance' | 'handedOver'>;
}

function startAt(profileDir: string, link: string): Start {
  const child = spawn(
    process.execPath,
    [path.join(root, 'dist', 'harness', 'harness.mjs'), '--port', '0', '--profile', profileDir, '--open-url', link],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LANG: 'C.UTF-8', LANGUAGE: '', LC_ALL: '' },
    },
  );
  let output = '';
  const harness: Harness = { url: '', process: child, output: () => output };
  const outcome = new Promise<'instance' | 'handedOver'>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const ready = /Keyway harness ready: (\S+)/.exec(output);
      if (ready?.[1]) {
        harness.url = ready[1];
        resolve('instance');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      if (code === 0 && output.includes('handed the link to it')) resolve('handedOver');
      else reject(new Error(`a start crashed (exit ${code}):\n${output}`));
    });
  });
  return { harness, link, outcome };
}

/** Starts two harnesses at once; returns the one that became the instance and the one that handed over. */
async function startTwoAtOnce(profileDir: string, links: [string, string]) {
  const starts = links.map((link) => startAt(profileDir, link));
  const outcomes = await Promise.all(starts.map((s) => s.outcome));
  expect([...outcomes].sort()).toEqual(['handedOver', 'instance']);
  const instance = starts.find((_, i) => outcomes[i] === 'instance') ?? starts[0];
  const other = starts.find((s) => s !== instance) ?? starts[1];
  if (!instance || !other) throw new Error('unreachable');
  await new Promise((resolve) =>
    other.harness.process.exitCode === null ? other.harness.process.once('exit', resolve) : resolve(null),
  );
  expect(other.harness.process.exitCode).toBe(0);
  return { instance, other };
}

async function deploy(world: World, loginId: string, displayName: string, password: string): Promise<string> {
  await world.server.admin.createUser({
    loginId,
    email: `${loginId}@example.com`,
    displayName,
    password,
    sendWelcomeEmail: false,
  });
  return `keyway://deploy?code=${(await world.server.admin.createDeployment(loginId)).code}`;
}

test('of two starts at once, exactly one serves and neither crashes, every time; no lock file is left after exit', async ({
  world,
}) => {
  await world.server.admin.createUser({
    loginId: 'lee',
    email: 'lee@example.com',
    displayName: 'Lee',
    password: 'two-at-once-2026',
  });
  for (let round = 0; round < 5; round++) {
    const profileDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-e2e-profile-'));
    try {
      const links: [string, string] = [
        `keyway://deploy?code=${(await world.server.admin.createDeployment('lee')).code}`,
        `keyway://deploy?code=${(await world.server.admin.createDeployment('lee')).code}`,
      ];
      const { instance } = await startTwoAtOnce(profileDir, links);
      await stopHarness(instance.harness);
      expect(instance.harness.process.exitCode).toBe(0);
      expect(readdirSync(profileDir).filter((name) => name.startsWith('harness.'))).toEqual([]);
    } finally {
      rmSync(profileDir, { recursive: true, force: true });
    }
  }
});

test('two starts at once with two links: one instance handles the first link’s journey, then the second’s', async ({
  page,
  world,
  keyway,
}) => {
  const users = {
    bo: { displayName: 'Bo Berg', password: 'first-link-2026', link: '' },
    cy: { displayName: 'Cy Chen', password: 'second-link-2026', link: '' },
  };
  users.bo.link = await deploy(world, 'bo', users.bo.displayName, users.bo.password);
  users.cy.link = await deploy(world, 'cy', users.cy.displayName, users.cy.password);
  const { instance, other } = await startTwoAtOnce(world.profileDir, [users.bo.link, users.cy.link]);
  try {
    // The instance's own link goes first; the handed-over one waits for that journey to end.
    const [first, second] = instance.link === users.bo.link ? [users.bo, users.cy] : [users.cy, users.bo];
    expect(other.link).toBe(second.link);
    await page.goto(instance.harness.url);
    await keyway.expectConfirmServer(new URL(world.server.origin).host);
    await keyway.confirmServer();
    await keyway.acceptLicense();
    await keyway.enterPassword(first.password);

    // The first journey ends (signed in, its profile saved), and the waiting link opens right away:
    // the server is trusted now, so Import is offered (a profile exists), then its own sign-in.
    await expect(page.getByRole('heading', { name: 'Bring your settings along?' })).toBeVisible();
    expect(world.settings()?.profiles).toMatchObject([{ user: { displayName: first.displayName } }]);
    await page.getByRole('button', { name: 'Start fresh' }).click();
    await keyway.acceptLicense();
    await keyway.enterPassword(second.password);
    await keyway.expectHome(second.displayName);
  } finally {
    await stopHarness(instance.harness);
  }
  expect(readdirSync(world.profileDir).filter((name) => name.startsWith('harness.'))).toEqual([]);
});
