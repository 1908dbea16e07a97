import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TOUR_VIEWPORT, tourStop } from './support/a11y';
import { startHarness, stopHarness, type Harness } from './support/harness';
import { expect, test, type World } from './support/world';

/**
 * The language comes from IT's policy, else the operating system's locale, else English (core
 * decides; electron/core/language.ts). The harness's "OS locale" is its POSIX locale or --lang.
 */

const PASSWORD = 'correct horse battery staple 42';

test.use({ viewport: TOUR_VIEWPORT });

async function deployment(world: World, loginId: string): Promise<string> {
  await world.server.admin.createUser({
    loginId,
    email: `${loginId}@example.com`,
    displayName: 'Dana Langue',
    password: PASSWORD,
    sendWelcomeEmail: false,
  });
  return (await world.server.admin.createDeployment(loginId)).code;
}

async function withHarness(
  world: World,
  env: Record<string, string>,
  run: (harness: Harness) => Promise<void>,
  args: string[] = [],
): Promise<void> {
  const harness = await startHarness(['--profile', world.profileDir, ...args], { env });
  try {
    await run(harness);
  } finally {
    await stopHarness(harness);
  }
}

test('a French OS locale: the whole journey in French, errors included, and <html lang="fr">', async ({
  page,
  world,
}) => {
  const code = await deployment(world, 'dana');
  await withHarness(world, { LANG: 'fr_FR.UTF-8' }, async (harness) => {
    await page.goto(harness.url);
    await expect(page.getByRole('heading', { name: 'Bienvenue dans Keyway' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await tourStop(page, 'welcome-fr');

    const field = page.getByLabel('Lien de déploiement ou code d’authentification');
    await field.fill(code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A'));
    await page.getByRole('button', { name: 'Appliquer' }).click();
    await expect(page.locator('[role="alert"][data-error-code="code_checksum"]')).toHaveText(
      'Ce code contient une faute de frappe. Comparez-le avec l’e-mail et réessayez.',
    );

    await field.fill(code);
    await page.getByRole('button', { name: 'Appliquer' }).click();
    await expect(page.getByRole('heading', { name: 'Se connecter à ce serveur ?' })).toBeVisible();
    await page.getByRole('button', { name: 'Continuer' }).click();
    await expect(page.getByRole('heading', { name: 'Contrat de licence' })).toBeVisible();
    await page.getByRole('button', { name: 'Accepter' }).click();
    await expect(page.getByRole('heading', { name: 'Saisissez votre mot de passe' })).toBeVisible();
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Appliquer' }).click();
    await expect(page.getByRole('heading', { name: 'Connexion établie' })).toBeVisible({ timeout: 15_000 });
    await expect(page.getByRole('button', { name: 'Se déconnecter' })).toBeFocused();
  });
});

test('a German policy wins over a French OS: German, and Home says the language is managed', async ({
  page,
  world,
}) => {
  const code = await deployment(world, 'dana');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-policy-'));
  const policy = path.join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ defaultLanguage: 'de-DE' }));
  try {
    await withHarness(world, { LANG: 'fr_FR.UTF-8', KEYWAY_POLICY_FILE: policy }, async (harness) => {
      await page.goto(harness.url);
      await expect(page.getByRole('heading', { name: 'Willkommen bei Keyway' })).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('lang', 'de');
      await expect(page.getByTestId('managed-note')).toHaveText(
        'Von Ihrer Organisation verwaltet: Sprache (Deutsch (Deutschland)).',
      );

      await page.getByLabel('Bereitstellungslink oder Authentifizierungscode').fill(code);
      await page.getByRole('button', { name: 'Übernehmen' }).click();
      await page.getByRole('button', { name: 'Weiter' }).click();
      await page.getByRole('button', { name: 'Akzeptieren' }).click();
      await page.getByLabel('Passwort', { exact: true }).fill('nicht das Passwort');
      await page.getByRole('button', { name: 'Übernehmen' }).click();
      await expect(page.locator('[role="alert"][data-error-code="invalid_credentials"]')).toHaveText(
        'Die Anmelde-ID oder das Passwort ist falsch.',
      );
      await page.getByLabel('Passwort', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Übernehmen' }).click();
      await expect(page.getByRole('heading', { name: 'Sie sind angemeldet' })).toBeVisible({ timeout: 15_000 });
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await tourStop(page, 'home-de', { darkPicture: true });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--lang names the OS languages for the harness; one Keyway does not speak falls through to the next', async ({
  page,
  world,
}) => {
  await withHarness(
    world,
    { LANG: 'fr_FR.UTF-8' },
    async (harness) => {
      await page.goto(harness.url);
      await expect(page.getByRole('heading', { name: 'Willkommen bei Keyway' })).toBeVisible();
    },
    ['--lang', 'es-ES,de-AT,en'],
  );
});
