import { randomUUID } from 'node:crypto';
import { CONSOLE_VIEWPORT, consolePicture, expectAccessible } from './support/a11y';
import { adminWithAuthenticator, enterConsoleCode } from './support/console-admin';
import { expect, test, type World } from './support/world';

/**
 * The admin console's pictures for the README ("Administration"): sign-in, users, a user's page, a CSV
 * dry run, deployments, a profile just pushed and the audit log, over fake but realistic data that got
 * there the way real data does (the AdminService the CLI uses, Keyway's own API for redemptions and
 * sign-ins). Each page is axe-checked first. Pictures go to test-results/screenshots/ on every run, and to
 * docs/screenshots/ with `npm run screenshots` (KEYWAY_SCREENSHOT_DIR), like the screen tour's.
 */

test.use({ viewport: CONSOLE_VIEWPORT, serverOptions: { serverName: 'Northwind Traders' } });

const PASSWORD = 'correct horse battery staple 42';
const DOMAIN = 'northwind.example';
const PEOPLE = [
  ['amelia.hart', 'Amelia Hart'],
  ['bruno.costa', 'Bruno Costa'],
  ['chen.wei', 'Chen Wei'],
  ['dana.kowalski', 'Dana Kowalski'],
  ['elif.yilmaz', 'Elif Yılmaz'],
  ['farah.haddad', 'Farah Haddad'],
  ['gustav.lind', 'Gustav Lind'],
  ['hana.sato', 'Hana Satō'],
  ['ivan.petrov', 'Ivan Petrov'],
  ['jonas.berg', 'Jonas Berg'],
] as const;

/** Keyway's side of a deployment, over the API as the app calls it: redeem, then (optionally) sign in. */
async function keywayRedeems(world: World, loginId: string, clientVersion: string, signIn: boolean): Promise<void> {
  const { origin, admin } = world.server;
  const { code } = await admin.createDeployment(loginId);
  const installationId = randomUUID();
  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': `Keyway/${clientVersion}` },
      body: JSON.stringify(body),
    });
  expect((await post('/api/v1/deployments/redeem', { code, installationId, clientVersion })).status).toBe(200);
  if (signIn)
    expect((await post('/api/v1/sessions', { loginId, password: PASSWORD, installationId })).status).toBe(200);
}

/** Northwind Traders' console as it looks after a few weeks: people, deployments in every state, profiles. */
async function northwindTraders(world: World) {
  const { admin, origin } = world.server;
  const ana = await adminWithAuthenticator(world.server, {
    loginId: 'ana.ruiz',
    email: `ana.ruiz@${DOMAIN}`,
    displayName: 'Ana Ruiz',
    password: PASSWORD,
  });
  for (const [loginId, displayName] of PEOPLE) {
    await admin.createUser({
      loginId,
      email: `${loginId}@${DOMAIN}`,
      displayName,
      password: PASSWORD,
      sendWelcomeEmail: false,
      ...(loginId === 'chen.wei' ? { aliases: [`chen.wei@northwind.onmicrosoft.com`] } : {}),
      ...(loginId === 'amelia.hart' ? { phone: '+447700900123' } : {}),
    });
  }
  await admin.publishLicense('2026.1', 'Northwind Traders acceptable use, January 2026.');
  await admin.publishLicense('2026.2', 'Northwind Traders acceptable use, February 2026.');
  // The server allows what Sales EMEA's profile picks from (the console disables what it does not allow).
  await admin.setMfaPolicy({ channels: 'totp,email,passkey' });
  await admin.createProfile('Everyone', { licenseVersion: '2026.2', updateChannel: 'latest' });
  await admin.assignProfile('Everyone', { domain: DOMAIN });
  await admin.pushProfile('Everyone');
  await admin.createProfile('Sales EMEA', {
    licenseVersion: '2026.1',
    mfaMode: 'enforced',
    mfaChannels: 'totp,passkey',
    language: 'fr',
  });
  await admin.assignProfile('Sales EMEA', { user: 'bruno.costa' });
  await admin.assignProfile('Sales EMEA', { user: 'elif.yilmaz' });
  await admin.pushProfile('Sales EMEA');

  // Deployments in every state: redeemed (with sessions), opened, sent, revoked.
  await keywayRedeems(world, 'amelia.hart', '1.4.2', true);
  await keywayRedeems(world, 'bruno.costa', '1.4.2', true);
  await keywayRedeems(world, 'gustav.lind', '1.5.0-beta.2', false);
  const opened = await admin.sendDeployment('chen.wei');
  expect((await fetch(`${origin}/deploy?code=${encodeURIComponent(opened.code)}`)).status).toBe(200);
  await admin.sendDeployment('dana.kowalski');
  await admin.sendDeployment('hana.sato');
  const revoked = await admin.createDeployment('farah.haddad');
  await admin.revokeDeployment(revoked.id);
  await keywayRedeems(world, 'amelia.hart', '1.4.2', true);
  // A mistyped password, for the audit log.
  const failed = await fetch(`${origin}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId: 'ivan.petrov', password: 'Tr0ub4dor&3', installationId: randomUUID() }),
  });
  expect(failed.status).toBe(401);
  return ana;
}

test('the admin console, pictured: sign-in, users, a user, a CSV dry run, deployments, a pushed profile, the audit log', async ({
  page,
  world,
}) => {
  const ana = await northwindTraders(world);
  const origin = world.server.origin;

  await page.goto(`${origin}/admin`);
  await expect(page.getByRole('heading', { name: 'Admin sign-in' })).toBeVisible();
  await page.getByLabel('E-mail or login ID').fill(ana.email);
  await consolePicture(page, 'sign-in');
  await page.getByLabel('Password', { exact: true }).fill(ana.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await enterConsoleCode(page, ana.nextCode());
  await expect(page.getByRole('heading', { name: 'Users', exact: true })).toBeVisible();
  await consolePicture(page, 'users');

  await page.getByRole('link', { name: 'amelia.hart', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Amelia Hart (amelia.hart)' })).toBeVisible();
  await consolePicture(page, 'user');

  await page.getByRole('link', { name: 'Import users' }).click();
  await expect(page.getByRole('heading', { name: 'Import users from CSV' })).toBeVisible();
  await page
    .getByLabel('CSV')
    .fill(
      [
        'loginId,email,displayName,phone',
        `karl.weber,karl.weber@${DOMAIN},Karl Weber,+4915123456789`,
        `lena.fischer,lena.fischer@${DOMAIN},Lena Fischer,`,
        `chen.w,chen.wei@${DOMAIN},Chen Wei,`,
        `maya.patel,maya.patel@${DOMAIN},Maya Patel,+44 7700 900`,
      ].join('\n'),
    );
  await page.getByRole('button', { name: 'Check (dry run)' }).click();
  await expect(page.getByRole('status')).toHaveText('Dry run: nothing was written.');
  await expect(page.getByRole('row', { name: /chen\.w/ })).toContainText('not valid');
  await consolePicture(page, 'import-dry-run');

  await page.getByRole('link', { name: 'Deployments', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Deployments', exact: true })).toBeVisible();
  await expect(
    page
      .getByRole('row', { name: /gustav\.lind/ })
      .getByRole('cell')
      .nth(1),
  ).toHaveText('redeemed');
  await consolePicture(page, 'deployments');

  // At 400 px the page itself does not spill sideways: the wide table scrolls inside its own region,
  // which the keyboard reaches with Tab and scrolls with the arrow keys.
  await page.setViewportSize({ width: 400, height: 900 });
  await expectAccessible(page, "the console's deployments page at 400 px");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400);
  const table = page.getByRole('region', { name: 'Deployments' });
  expect(await table.evaluate((region) => region.scrollWidth > region.clientWidth)).toBe(true);
  await page.getByRole('button', { name: 'Show' }).focus();
  await page.keyboard.press('Tab');
  await expect(table).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => table.evaluate((region) => region.scrollLeft)).toBeGreaterThan(0);
  await page.setViewportSize(CONSOLE_VIEWPORT);

  await page.getByRole('link', { name: 'Deployment profiles' }).click();
  await page.getByRole('link', { name: 'Sales EMEA' }).click();
  await expect(page.getByRole('heading', { name: 'Profile Sales EMEA' })).toBeVisible();
  await page.getByLabel('Language').selectOption('de');
  await page.getByLabel('License version').selectOption('2026.2');
  await expect(page.getByRole('checkbox', { name: 'Passkey' })).toBeChecked();
  await page.getByRole('checkbox', { name: 'Code by e-mail' }).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  await expect(page.getByRole('checkbox', { name: 'Code by e-mail' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Code by text message' })).not.toBeChecked();
  await page.getByRole('button', { name: 'Push to deployed clients' }).click();
  await expect(page.getByRole('status')).toHaveText(
    /^Pushed as version \d+: it reaches 2 users and 1 installations\.$/,
  );
  await consolePicture(page, 'profile');

  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(page.getByRole('row', { name: /admin\.profile-pushed/ }).first()).toContainText('console');
  await consolePicture(page, 'audit');
});
