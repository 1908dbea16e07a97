import { expect, test } from './support/world';

/**
 * A `keyway://` link far over the one link limit (protocol/deep-link.ts), handed to the running Keyway
 * the way the OS hands a link to a running app (a second start passes it over). It used to be accepted
 * by the hand-over, refused by core, echoed into Welcome beyond what the view contract carries, and
 * every window stayed on "Starting Keyway…". Now the entry point refuses it with its own code, and the
 * next normal link works without a restart.
 */
test('a 5,000-character link is refused with a clear error, then a normal link still works', async ({
  page,
  world,
  keyway,
}) => {
  const harness = await world.launch();
  await page.goto(harness.url);
  await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();

  const head = 'keyway://deploy?code=';
  await world.openLink(head + 'A'.repeat(5000 - head.length));
  const refused = page.locator('[role="alert"][data-error-code="link_too_long"]');
  await expect(refused).toContainText('far too long to be a Keyway link');
  await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();
  await expect(keyway.field()).toHaveValue('');
  // A page opened now (a second window) gets the same screen, not "Starting Keyway…".
  const second = await page.context().newPage();
  await second.goto(harness.url);
  await expect(second.locator('[role="alert"][data-error-code="link_too_long"]')).toBeVisible();
  await second.close();

  await world.server.admin.createUser({
    loginId: 'len',
    email: 'len@example.com',
    displayName: 'Len',
    password: 'long-link-2026',
    sendWelcomeEmail: false,
  });
  await world.openLink(`keyway://deploy?code=${(await world.server.admin.createDeployment('len')).code}`);
  await keyway.expectConfirmServer(new URL(world.server.origin).host);
});
