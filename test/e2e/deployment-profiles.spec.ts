import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type World } from './support/world';
import type { KeywayPage } from './support/keyway-page';

/**
 * Deployment profiles pushed to deployed clients (server/deployment-profiles, electron/core/managed-config.ts):
 * the admin (AdminService, which the CLI and the console call) changes a profile's license version and
 * language and pushes it; a deployed Keyway picks it up at its next start, shows the new license, then
 * Home in the pushed language saying the organisation updated its settings. The machine policy beats a
 * pushed value.
 */

const PASSWORD = 'correct horse battery staple 42';
const ENGLISH = { LANG: 'en_US.UTF-8' };

/** Pia, in the corp.example domain whose profile is "Corp" (pushed once, empty), deployed and signed in. */
async function deployedPia(world: World, keyway: KeywayPage, env: Record<string, string>): Promise<number> {
  const admin = world.server.admin;
  await admin.createUser({
    loginId: 'pia',
    email: 'pia@corp.example',
    displayName: 'Pia Profil',
    password: PASSWORD,
    sendWelcomeEmail: false,
  });
  await admin.createProfile('Corp');
  await admin.assignProfile('Corp', { domain: 'corp.example' });
  await admin.pushProfile('Corp');
  const deployment = await admin.createDeployment('pia');
  const harness = await world.launch([], env);
  await keyway.page.goto(harness.url);
  await keyway.paste(deployment.code);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(PASSWORD);
  await keyway.expectHome('Pia Profil');
  // The first sign-in takes the profile as it is: nothing to announce.
  await expect(keyway.page.getByTestId('home-settings-updated')).toHaveCount(0);
  return deployment.id;
}

test('the admin pushes a new license and French: the next start shows the license, then Home in French says so', async ({
  page,
  world,
  keyway,
}) => {
  const admin = world.server.admin;
  const deploymentId = await deployedPia(world, keyway, ENGLISH);
  // The deployment's status: redeemed, by this very installation.
  const [status] = await admin.listDeployments({ user: 'pia' });
  expect(status).toMatchObject({
    id: deploymentId,
    loginId: 'pia',
    state: 'redeemed',
    installationId: world.settings()?.installationId,
  });

  await admin.publishLicense('2026-12', 'The terms of December 2026, pushed by the Corp profile.');
  await admin.editProfile('Corp', { licenseVersion: '2026-12', language: 'fr' });
  const push = await admin.pushProfile('Corp');
  expect(push).toMatchObject({ profile: 'Corp', users: 1, clients: 1 });

  // Keyway's next start: the silent sign-in brings the push; the new license comes first.
  const next = await world.launch([], ENGLISH);
  await page.goto(next.url);
  await expect(page.getByRole('heading', { name: 'License agreement' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('region', { name: 'License text' })).toContainText(
    'The terms of December 2026, pushed by the Corp profile.',
  );
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect(page.getByRole('heading', { name: 'Connexion établie' })).toBeVisible({ timeout: 15_000 });
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByTestId('home-settings-updated')).toHaveText(
    'Votre organisation a mis à jour les paramètres de Keyway.',
  );

  // The start after: French from the first screen (the stored push), the license accepted, nothing new to say.
  const third = await world.launch([], ENGLISH);
  await page.goto(third.url);
  await expect(page.getByRole('heading', { name: 'Connexion établie' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('home-settings-updated')).toHaveCount(0);
});

test('a machine policy language beats a pushed one: Home stays English, says the update and the lock', async ({
  page,
  world,
  keyway,
}) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-policy-'));
  const policy = path.join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ defaultLanguage: 'en' }));
  try {
    const env = { ...ENGLISH, KEYWAY_POLICY_FILE: policy };
    await deployedPia(world, keyway, env);
    await world.server.admin.editProfile('Corp', { language: 'de' });
    await world.server.admin.pushProfile('Corp');

    const next = await world.launch([], env);
    await page.goto(next.url);
    await keyway.expectHome('Pia Profil');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByTestId('home-settings-updated')).toHaveText("Your organisation updated Keyway's settings.");
    await expect(page.getByTestId('managed-note')).toContainText('English');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
