import type { Page } from '@playwright/test';

/**
 * Signs in on the reference server's OpenID Provider page (server/oidc/pages.ts), for e2e tests of
 * unified login. Call it with `page` showing that sign-in page: Keyway opened the browser on the
 * authorization URL with login_hint, so "E-mail or login ID" is already filled in; pass `loginId` only
 * to type another. It submits and returns once the next page has loaded (Keyway's loopback callback,
 * the device flow's "You are signed in" page, or, when MFA applies, the provider's second step: finish
 * that with test/support/mfa-oidc.ts); if the provider shows the form again with an error (wrong
 * password, locked account), it throws with that error.
 */
export async function signInAtProvider(page: Page, password: string, loginId?: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  if (loginId !== undefined) await page.getByLabel('E-mail or login ID', { exact: true }).fill(loginId);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
  // Still on the sign-in form means refused; another interaction page is the second step (MFA).
  const onInteraction = new URL(page.url()).pathname.startsWith('/oidc/interaction/');
  if (onInteraction && (await page.getByLabel('Password', { exact: true }).count()) > 0) {
    const reason = (await page.getByRole('alert').textContent())?.trim() ?? 'no reason shown';
    throw new Error(`The OpenID Provider did not accept the sign-in: ${reason}`);
  }
}
