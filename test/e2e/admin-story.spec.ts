import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import type { ParsedMail } from 'mailparser';
import { adminWithAuthenticator, signInToConsole } from './support/console-admin';
import { expect, test, type World } from './support/world';

/**
 * Issue 18's story, end to end in real Chromium: the admin console in one tab, Keyway (the harness) in
 * another, the real reference server and SMTP sink behind both. Every wait waits for the answer of the
 * step just taken (a new heading, a new status, a changed cell), never for something already on screen.
 */

const ADMIN_PASSWORD = 'admin console passphrase 7';
const KEYWAY_VERSION = versionOf(readFileSync(path.resolve(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
const LANDING = /(http:\/\/127\.0\.0\.1:\d+\/deploy\?code=[0-9A-Za-z-]+)/;

/** package.json's version: what Keyway (Electron's app.getVersion(), the harness alike) reports on redeem. */
function versionOf(text: string): string {
  const version = (JSON.parse(text) as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error('package.json has no version');
  return version;
}

/**
 * What the organisation had before the story: Ana, an admin with an authenticator app; license 2026.1;
 * the "Northwind" deployment profile for the northwind.example domain, pinning license 2026.1, pushed.
 */
async function northwind(world: World) {
  const admin = world.server.admin;
  const ana = await adminWithAuthenticator(world.server, {
    loginId: 'ana',
    email: 'ana@example.com',
    displayName: 'Ana Admin',
    password: ADMIN_PASSWORD,
  });
  await admin.publishLicense('2026.1', 'The Northwind terms of January 2026.');
  await admin.createProfile('Northwind', { licenseVersion: '2026.1' });
  await admin.assignProfile('Northwind', { domain: 'northwind.example' });
  await admin.pushProfile('Northwind');
  return ana;
}

/** The e-mails a user got: the initial password (welcome) and the deployment's landing link. */
async function mailsOf(world: World, email: string): Promise<{ password: string; landing: string }> {
  const to = (mail: ParsedMail): boolean => JSON.stringify(mail.to ?? '').includes(email);
  const welcome = await world.sink.waitForMail((m) => to(m) && m.subject?.includes('your Keyway password') === true);
  const deployment = await world.sink.waitForMail((m) => to(m) && m.subject?.startsWith('Set up Keyway') === true);
  const password = /Password: (\S+)/.exec(welcome.text ?? '')?.[1];
  const landing = LANDING.exec(deployment.text ?? '')?.[1];
  if (!password || !landing) throw new Error(`the e-mails to ${email} carry no password or no landing link`);
  return { password, landing };
}

/** The event types of the audit table, oldest first (the page lists the newest first). */
async function auditTypes(table: Locator): Promise<string[]> {
  const types = await table.locator('tbody tr td:nth-child(2)').allTextContents();
  return types.map((type) => type.trim()).reverse();
}

async function nav(tab: Page, link: string, heading: string): Promise<void> {
  await tab.getByRole('navigation').getByRole('link', { name: link, exact: true }).click();
  await expect(tab.getByRole('heading', { name: heading, level: 1, exact: true })).toBeVisible();
}

test('the administrator story: console sign-in with TOTP, CSV import with a dry run, deployments, Keyway redeems, a pushed license, revoked sessions, the audit log and its CSV', async ({
  page,
  world,
  keyway,
}) => {
  const ana = await northwind(world);
  const origin = world.server.origin;
  const desk = await page.context().newPage();

  // 1. Ana signs in to the console with her password and a code from her authenticator app.
  await signInToConsole(desk, origin, ana);

  // 2. Three users from CSV; the dry run shows the invalid row and writes nothing.
  await nav(desk, 'Import users', 'Import users from CSV');
  const csv = [
    'loginId,email,displayName',
    'carol,carol@northwind.example,Carol Díaz',
    'dmitri,dmitri(at)northwind.example,Dmitri Volkov',
    'erin,erin@northwind.example,Erin Moss',
  ];
  await desk.getByLabel('CSV').fill(csv.join('\n'));
  await desk.getByRole('button', { name: 'Check (dry run)' }).click();
  await expect(desk.getByRole('status')).toHaveText('Dry run: nothing was written.');
  await expect(desk.getByRole('row', { name: /dmitri/ })).toContainText('not valid: The e-mail address is not valid');
  await expect(desk.getByRole('row', { name: /carol/ }).getByRole('cell').last()).toHaveText('valid');
  await expect(desk.getByRole('alert')).toContainText('nothing is imported while a row has an error');
  expect(await world.server.admin.findUser('carol')).toBeUndefined();
  // The admin drops the bad row; the real import writes the two others.
  await desk.getByLabel('CSV').fill(csv.filter((line) => !line.startsWith('dmitri')).join('\n'));
  await desk.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(desk.getByRole('status')).toHaveText('Imported: 2.');
  await expect(desk.getByRole('row', { name: /carol/ }).getByRole('cell').last()).toHaveText('created');
  await expect(desk.getByRole('row', { name: /erin/ }).getByRole('cell').last()).toHaveText('created');
  expect(await world.server.admin.findUser('dmitri')).toBeUndefined();

  // 3. Their deployments go out from the Deployments page.
  await nav(desk, 'Deployments', 'Deployments');
  for (const user of ['carol', 'erin']) {
    await desk.getByLabel('User (login ID, e-mail or alias)').fill(user);
    await desk.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(desk.getByRole('status')).toHaveText(
      new RegExp(`^Deployment \\d+ was sent to ${user}@northwind\\.example\\.$`),
    );
  }
  await expect(desk.getByRole('row', { name: /erin/ }).getByRole('cell').nth(1)).toHaveText('sent');

  // 4. Carol: the password from her welcome e-mail, the link from her deployment e-mail, into Keyway.
  const carol = await mailsOf(world, 'carol@northwind.example');
  const harness = await world.launch();
  await page.goto(harness.url);
  await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();
  const landingTab = await page.context().newPage();
  await landingTab.goto(carol.landing);
  const deepLink = await landingTab.getByRole('link', { name: 'Open Keyway' }).getAttribute('href');
  expect(deepLink).toMatch(/^keyway:\/\/deploy\?code=/);
  await landingTab.close();
  await world.openLink(deepLink ?? '');
  await keyway.expectConfirmServer(new URL(origin).host);
  await keyway.confirmServer();
  await keyway.expectLicense();
  await expect(page.getByRole('region', { name: 'License text' })).toContainText(
    'The Northwind terms of January 2026.',
  );
  await page.getByRole('button', { name: 'Accept' }).click();
  await keyway.enterPassword(carol.password);
  await keyway.expectHome('Carol Díaz');
  const installationId = world.settings()?.installationId ?? '';
  expect(installationId).not.toBe('');

  // 5. The console's deployment: redeemed, by this installation, with the version Keyway reported.
  await desk.getByRole('link', { name: 'Deployments', exact: true }).click();
  const carolDeployment = desk.getByRole('row', { name: /carol/ });
  await expect(carolDeployment.getByRole('cell').nth(1)).toHaveText('redeemed');
  await expect(carolDeployment.getByRole('cell').nth(4)).toContainText(
    `by installation ${installationId}, Keyway ${KEYWAY_VERSION}`,
  );

  // 6. A new license, pinned by the Northwind profile and pushed: the reach is shown.
  await nav(desk, 'Licenses', 'Licenses');
  await desk.getByLabel('Version').fill('2026.2');
  await desk.getByLabel('License text').fill('The Northwind terms of February 2026.');
  await desk.getByRole('button', { name: 'Publish' }).click();
  await expect(desk.getByRole('status')).toHaveText('Version 2026.2 was published.');
  await nav(desk, 'Deployment profiles', 'Deployment profiles');
  await desk.getByRole('link', { name: 'Northwind' }).click();
  await expect(desk.getByRole('heading', { name: 'Profile Northwind' })).toBeVisible();
  await desk.getByLabel('License version').selectOption('2026.2');
  await desk.getByRole('button', { name: 'Save' }).click();
  await expect(desk.getByRole('status')).toHaveText('Saved.');
  // Published and in the draft, not pushed yet: Carol's profile still pins 2026.1, so Keyway goes Home.
  await page.goto((await world.launch()).url);
  await keyway.expectHome('Carol Díaz');
  await expect(page.getByTestId('home-settings-updated')).toHaveCount(0);
  await desk.getByRole('button', { name: 'Push to deployed clients' }).click();
  // Carol and Erin have the domain's profile; only Carol's installation has redeemed a deployment.
  await expect(desk.getByRole('status')).toHaveText(
    /^Pushed as version \d+: it reaches 2 users and 1 installations\.$/,
  );
  await expect(desk.getByText('Change: License version: 2026.1 → License version: 2026.2')).toBeVisible();

  // 7. Keyway's next start: the silent sign-in brings the push, and the new license comes before Home.
  await page.goto((await world.launch()).url);
  await expect(page.getByRole('region', { name: 'License text' })).toContainText(
    'The Northwind terms of February 2026.',
  );
  await page.getByRole('button', { name: 'Accept' }).click();
  await keyway.expectHome('Carol Díaz');
  await expect(page.getByTestId('home-settings-updated')).toHaveText("Your organisation updated Keyway's settings.");

  // 8. Ana ends Carol's sessions (her own password again); Keyway's next start asks for the password.
  await nav(desk, 'Users', 'Users');
  await desk.getByRole('link', { name: 'carol', exact: true }).click();
  await expect(desk.getByRole('heading', { name: 'Carol Díaz (carol)' })).toBeVisible();
  await expect(desk.getByRole('listitem').filter({ hasText: installationId })).toBeVisible();
  const revoke = desk.locator('form[action="/admin/user/revoke-sessions"]');
  await revoke.getByLabel('Your password').fill(ADMIN_PASSWORD);
  await revoke.getByRole('button', { name: 'Revoke all sessions' }).click();
  await expect(desk.getByRole('status')).toHaveText('Sessions ended: 1.');
  await expect(desk.getByRole('listitem').filter({ hasText: installationId })).toHaveCount(0);
  await page.goto((await world.launch()).url);
  await expect(page.getByRole('heading', { name: 'Enter your password' })).toBeVisible();
  await keyway.expectError('session_invalid');

  // 9. The audit log, filtered to Carol: each step in order, and the CSV export holds the same, in order.
  const story = [
    'admin.user-created',
    'deployment.created',
    'deployment.opened',
    'deployment.redeemed',
    'sign-in.succeeded',
    'sessions.revoked',
  ];
  await nav(desk, 'Audit log', 'Audit log');
  await desk.getByLabel('User (login ID, e-mail or alias)').fill('carol');
  await desk.getByRole('button', { name: 'Search' }).click();
  await expect(desk).toHaveURL(/\/admin\/audit\?user=carol&/);
  const table = desk.getByRole('table');
  await expect.poll(() => auditTypes(table)).toEqual(story);
  const [download] = await Promise.all([
    desk.waitForEvent('download'),
    desk.getByRole('link', { name: 'Export as CSV' }).click(),
  ]);
  const rows = parse<Record<string, string>>(readFileSync(await download.path(), 'utf8'), { columns: true });
  const exported = rows.reverse();
  expect(exported.map((row) => row.type)).toEqual(story);
  const byType = (type: string): Record<string, string> | undefined => exported.find((row) => row.type === type);
  expect(byType('admin.user-created')?.actor).toBe('admin:console:ana');
  expect(byType('deployment.created')?.actor).toBe('admin:console:ana');
  expect(byType('deployment.redeemed')?.installationId).toBe(installationId);
  expect(byType('sessions.revoked')).toMatchObject({ actor: 'admin:console:ana', details: '{"sessions":1}' });

  // The push is the profile's event, not Carol's: filtered by its type, with its reach.
  await desk.getByLabel('User (login ID, e-mail or alias)').fill('');
  await desk.getByLabel('Event type').selectOption('admin.profile-pushed');
  await desk.getByRole('button', { name: 'Search' }).click();
  await expect(desk).toHaveURL(/type=admin\.profile-pushed/);
  // Two pushes: the organisation's first (setup, by the CLI's AdminService) and Ana's, newest first.
  const pushes = table.locator('tbody tr');
  await expect(pushes).toHaveCount(2);
  await expect(pushes.first()).toContainText('console:ana');
  await expect(pushes.first()).toContainText('"settings":["licenseVersion"],"users":2,"clients":1');
});
