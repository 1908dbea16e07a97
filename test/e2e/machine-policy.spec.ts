import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeDeploymentCode } from '../../protocol/deployment-code';
import { startHarness, stopHarness } from './support/harness';
import { expect, test } from './support/world';

/** Writes a machine policy for one harness run (KEYWAY_POLICY_FILE, the test override of the platform's place). */
function policyFile(policy: Record<string, unknown>): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'keyway-policy-')), 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

test('IT presets the server: Keyway opens on its login-ID page and refuses other servers, naming the policy', async ({
  page,
  world,
  keyway,
}) => {
  await world.server.admin.createUser({
    loginId: 'pat',
    email: 'pat@example.com',
    displayName: 'Pat Password',
    password: 'correct horse battery staple 42',
    sendWelcomeEmail: false,
  });
  const profile = mkdtempSync(path.join(os.tmpdir(), 'keyway-e2e-profile-'));
  const harness = await startHarness(['--profile', profile], {
    env: { KEYWAY_POLICY_FILE: policyFile({ presetServer: world.server.origin, disableManualLogin: true }) },
  });
  try {
    await page.goto(harness.url);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
    await page.getByLabel('E-mail or login ID').fill('pat@example.com');
    await page.getByRole('button', { name: 'Next' }).click();
    await keyway.acceptLicense();
    await keyway.enterPassword('correct horse battery staple 42');
    await keyway.expectHome('Pat Password');
  } finally {
    await stopHarness(harness);
  }
});

test('an allow-list refuses a deployment link for another server, and a disabled Manual Login stays closed', async ({
  page,
}) => {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'keyway-e2e-profile-'));
  const harness = await startHarness(['--profile', profile], {
    env: { KEYWAY_POLICY_FILE: policyFile({ allowedServers: ['*.corp.example'], disableManualLogin: true }) },
  });
  try {
    await page.goto(harness.url);
    const code = encodeDeploymentCode('https://keyway.elsewhere.example', new Uint8Array(16).fill(3));
    await page.getByLabel('Deployment link or authentication code').fill(code);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.locator('[data-error-code="server_not_allowed"]')).toContainText('policy');
    await expect(page.getByTestId('managed-note')).toContainText('allowed servers (*.corp.example)');
    await page.keyboard.press('ControlOrMeta+Shift+M');
    await expect(page.locator('[data-error-code="manual_login_disabled"]')).toBeVisible();
  } finally {
    await stopHarness(harness);
  }
});

test('an invalid policy is ignored as a whole: Keyway starts unrestricted', async ({ page }) => {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'keyway-e2e-profile-'));
  const harness = await startHarness(['--profile', profile], {
    env: { KEYWAY_POLICY_FILE: policyFile({ disableManualLogin: true, notAKey: 1 }) },
  });
  try {
    await page.goto(harness.url);
    await expect(page.getByRole('heading', { name: 'Welcome to Keyway' })).toBeVisible();
    await page.keyboard.press('ControlOrMeta+Shift+M');
    await expect(page.getByRole('heading', { name: 'Manual login' })).toBeVisible();
    expect(harness.output()).toMatch(/IGNORED.*notAKey/);
  } finally {
    await stopHarness(harness);
  }
});
