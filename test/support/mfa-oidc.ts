import type { Page } from '@playwright/test';

/**
 * Drives the second step on the reference server's OpenID Provider pages (server/oidc/mfa-pages.ts),
 * after signInAtProvider (oidc-login.ts) has submitted the password and the provider asked for MFA.
 */

/** On "Verify it's you", picks a way by its button text: /authenticator app/, /E-mail a code/, /Text a code/, /Set up/. */
export async function chooseProviderMfaWay(page: Page, way: RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: "Verify it's you" }).waitFor();
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: way }).click()]);
}

/** The key shown on "Set up an authenticator app", without its grouping spaces (base32). */
export async function readProviderEnrollmentKey(page: Page): Promise<string> {
  await page.getByRole('heading', { level: 1, name: 'Set up an authenticator app' }).waitFor();
  const text = await page.locator('p.code').textContent();
  return (text ?? '').replace(/\s/g, '');
}

/**
 * Types `code` into "6-digit code" on the code or enrolment page and submits. Returns once the next
 * page has loaded (Keyway's callback, or the device flow's success page); throws with the page's
 * error when the provider shows a step again (wrong, expired or used code) or the sign-in page.
 */
export async function completeProviderMfa(page: Page, code: string): Promise<void> {
  const field = page.getByLabel('6-digit code', { exact: true });
  await field.waitFor();
  await field.fill(code);
  const submit = page.getByRole('button', { name: /^Verify/ });
  await Promise.all([page.waitForEvent('load'), submit.click()]);
  // A first second factor shows its recovery codes once; going on resumes the sign-in.
  const saved = page.getByRole('link', { name: 'I saved them, continue' });
  if ((await page.getByRole('heading', { name: 'Save your recovery codes' }).count()) > 0) {
    await Promise.all([page.waitForEvent('load'), saved.click()]);
  }
  if (new URL(page.url()).pathname.startsWith('/oidc/interaction/')) {
    const alert = page.getByRole('alert');
    const reason = (await alert.count()) > 0 ? ((await alert.first().textContent())?.trim() ?? '') : '';
    throw new Error(`The OpenID Provider did not accept the code: ${reason || 'no reason shown'}`);
  }
}
