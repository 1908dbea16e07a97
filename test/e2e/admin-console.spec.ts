import { expectAccessible } from './support/a11y';
import { adminWithAuthenticator, enterConsoleCode } from './support/console-admin';
import { expect, test } from './support/world';

const PASSWORD = 'admin console passphrase 7';

test('the admin console in Chromium: TOTP sign-in, CSV import with a dry run, edit, revoke sessions, deployments, profiles, licenses; refusals', async ({
  page,
  world,
}) => {
  // Ana: an admin with an authenticator app; Bob: a user without the role.
  const { nextCode } = await adminWithAuthenticator(world.server, {
    loginId: 'ana',
    email: 'ana@example.com',
    displayName: 'Ana Admin',
    password: PASSWORD,
  });
  await world.server.admin.createUser({
    loginId: 'bob',
    email: 'bob@example.com',
    displayName: 'Bob User',
    password: PASSWORD,
    sendWelcomeEmail: false,
  });
  const origin = world.server.origin;

  // A non-admin is refused with a page that says so.
  await page.goto(`${origin}/admin`);
  await page.getByLabel('E-mail or login ID').fill('bob');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'This account is not an administrator' })).toBeVisible();

  // The admin signs in with the password and a code; the browser keeps the __Host- cookie on http://127.0.0.1.
  await page.goto(`${origin}/admin`);
  await expectAccessible(page, 'the admin sign-in page');
  await page.getByLabel('E-mail or login ID').fill('ana@example.com');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The second step, on its own page: the code from the authenticator app.
  await expect(page.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();
  await expectAccessible(page, 'the admin sign-in second step');
  await enterConsoleCode(page, nextCode());
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  const cookie = (await page.context().cookies()).find((each) => each.name === '__Host-keyway-admin');
  expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });
  await expectAccessible(page, 'the admin users page');

  // Import three users; the dry run shows the invalid row and writes nothing.
  await page.getByRole('link', { name: 'Import users' }).click();
  const csv = [
    'loginId,email,displayName',
    'carol,carol@example.com,Carol',
    'dave,not-an-email,Dave',
    'erin,erin@example.com,Erin',
  ];
  await page.getByLabel('CSV').fill(csv.join('\n'));
  await page.getByRole('button', { name: 'Check (dry run)' }).click();
  await expect(page.getByRole('row', { name: /dave/ })).toContainText('not valid: The e-mail address is not valid');
  await expect(page.getByRole('status')).toHaveText('Dry run: nothing was written.');
  expect(await world.server.admin.findUser('carol')).toBeUndefined();
  await expectAccessible(page, 'the import dry run');
  await page.getByLabel('CSV').fill(csv.join('\n').replace('not-an-email', 'dave@example.com'));
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('status')).toHaveText('Imported: 3.');

  // Edit a user, then revoke Bob's sessions after re-entering the admin's password.
  await page.goto(`${origin}/admin/user?name=carol`);
  await page.getByLabel('Display name').fill('Carol Example');
  await page.getByRole('button', { name: 'Save' }).first().click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  expect((await world.server.admin.findUser('carol'))?.displayName).toBe('Carol Example');
  await page.goto(`${origin}/admin/user?name=bob`);
  const revoke = page.locator('form[action="/admin/user/revoke-sessions"]');
  await revoke.getByLabel('Your password').fill('not my password');
  await revoke.getByRole('button', { name: 'Revoke all sessions' }).click();
  await expect(page.getByRole('alert')).toHaveText('Your password is not correct: nothing was changed.');
  await page.locator('form[action="/admin/user/revoke-sessions"]').getByLabel('Your password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Revoke all sessions' }).click();
  await expect(page.getByRole('status')).toHaveText('Sessions ended: 0.');
  await expectAccessible(page, 'the admin user page');

  // A form posted from another site is refused, and changes nothing.
  const evil = await page.context().newPage();
  await evil.setContent(
    `<form method="post" action="${origin}/admin/user/edit"><input name="name" value="carol"><input name="displayName" value="Hacked"><input name="email" value="carol@example.com"><button>go</button></form>`,
  );
  await evil.getByRole('button', { name: 'go' }).click();
  await expect(evil.getByRole('heading', { name: 'This form was not accepted' })).toBeVisible();
  expect((await world.server.admin.findUser('carol'))?.displayName).toBe('Carol Example');

  // Deployments: send one to an imported user; the list shows it "sent", and so does her page.
  await page.getByRole('link', { name: 'Deployments', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Deployments' })).toBeVisible();
  await page.getByLabel('User (login ID, e-mail or alias)').fill('carol@example.com');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(/^Deployment \d+ was sent to carol@example\.com\.$/);
  const carolRow = page.getByRole('row', { name: /carol/ });
  await expect(carolRow.getByRole('cell').nth(1)).toHaveText('sent');
  await expectAccessible(page, 'the deployments page');
  await carolRow.getByRole('link', { name: 'carol' }).click();
  await expect(page.getByRole('heading', { name: 'Carol Example (carol)' })).toBeVisible();
  await expect(page.getByRole('row', { name: /carol/ }).getByRole('cell').nth(1)).toHaveText('sent');

  // Licenses: publish two versions.
  await page.getByRole('link', { name: 'Licenses' }).click();
  for (const version of ['2026.1', '2026.2']) {
    await page.getByLabel('Version').fill(version);
    await page.getByLabel('License text').fill(`The terms of ${version}.`);
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect(page.getByRole('status')).toHaveText(`Version ${version} was published.`);
  }
  await expect(page.getByRole('rowheader', { name: '2026.2 (current)' })).toBeVisible();
  await expectAccessible(page, 'the licenses page');

  // Profiles: create one for Carol, change its license version, push it: the reach is shown.
  await page.getByRole('link', { name: 'Deployment profiles' }).click();
  await page.getByLabel('Profile name').fill('Sales');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: 'Profile Sales' })).toBeVisible();
  await page.getByLabel('User (login ID, e-mail or alias)').fill('carol');
  await page.getByRole('button', { name: 'Assign', exact: true }).click();
  await expect(page.getByText('Users assigned by name: 1.')).toBeVisible();
  await page.getByLabel('License version').selectOption('2026.1');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved.');
  await page.getByRole('button', { name: 'Push to deployed clients' }).click();
  await expect(page.getByRole('status')).toHaveText(
    /^Pushed as version \d+: it reaches 1 users and 0 installations\.$/,
  );
  await expect(page.getByText('Change: nothing set → License version: 2026.1')).toBeVisible();
  await expectAccessible(page, 'the profile page after a push');
  await page.getByRole('link', { name: 'Deployment profiles' }).click();
  await expect(page.getByRole('row', { name: /Sales/ })).toContainText('License version: 2026.1');
  await expectAccessible(page, 'the profiles page');
  expect((await world.server.admin.listProfiles())[0]?.pushed?.settings).toEqual({ licenseVersion: '2026.1' });

  // Settings: add an upstream OIDC provider with the form (its secret a password field), then the page
  // lists it with its Remove form (which asks for the admin's password again).
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.locator('#oidc-id').fill('corp-oidc');
  await page.locator('#oidc-name').fill('Corp OIDC');
  await page.getByLabel('Issuer URL').fill('https://login.corp.example/tenant');
  await page.getByLabel('Client ID', { exact: true }).fill('keyway-client');
  await page.getByLabel('Client secret (never shown again)').fill('upstream client secret 1');
  await page.locator('#oidc-domains').fill('corp.example');
  await page.getByRole('button', { name: 'Add' }).first().click();
  await expect(page.getByRole('status')).toHaveText('The identity provider was added.');
  await expect(page.getByRole('listitem').filter({ hasText: 'Corp OIDC (oidc, corp-oidc' })).toBeVisible();
  await expect(page.getByLabel('Client secret (never shown again)')).toHaveValue('');
  await expectAccessible(page, 'the settings page with an identity provider');

  // Sign out: the session is over, the console asks to sign in again.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Admin sign-in' })).toBeVisible();
});
