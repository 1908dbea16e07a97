import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './support/world';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : statSync(full).isFile() ? [full] : [];
  });
}

test('after a full sign-in, nothing Keyway wrote to disk holds the password, the code or a token', async ({
  page,
  world,
  keyway,
}) => {
  const password = 'a-password-that-must-never-be-written';
  await world.server.admin.createUser({
    loginId: 'sam',
    email: 'sam@example.com',
    displayName: 'Sam Secret',
    password,
    sendWelcomeEmail: false,
  });
  const { code } = await world.server.admin.createDeployment('sam');
  const harness = await world.launch();
  await page.goto(harness.url);
  await keyway.paste(code);
  await keyway.confirmServer();
  await keyway.acceptLicense();
  await keyway.enterPassword(password);
  await keyway.expectHome('Sam Secret');
  const refreshToken = await world.storedRefreshToken();
  expect(refreshToken).not.toBeNull();

  const secrets = [password, code, code.replace(/-/g, ''), refreshToken ?? ''];
  const files = filesUnder(world.profileDir);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const content = readFileSync(file).toString('utf8');
    for (const secret of secrets)
      expect(content.includes(secret), `${path.basename(file)} must not contain a secret`).toBe(false);
  }
  // The harness's own output (its "logs") must not carry them either.
  for (const secret of secrets) expect(harness.output().includes(secret)).toBe(false);
});
