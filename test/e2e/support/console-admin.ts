import { randomUUID } from 'node:crypto';
import { expect, type Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import type { RunningServer } from '../../../server/index';

/** An admin of the console: who she is, and the authenticator app in her pocket. */
interface ConsoleAdmin {
  loginId: string;
  email: string;
  password: string;
  /** A code her authenticator app shows for the next time step (the current one is spent). */
  nextCode: () => string;
}

/**
 * Makes a user an admin with an authenticator app, the way it happens outside the console: created by
 * the CLI's AdminService, enrolled in TOTP through Keyway's own API (deployment, sign-in, enrolment)
 * while the MFA policy is briefly "enforced", then the policy back to "optional" and `grant-admin`. The
 * console demands her code whatever the user policy says.
 */
export async function adminWithAuthenticator(
  server: Pick<RunningServer, 'origin' | 'admin'>,
  who: { loginId: string; email: string; displayName: string; password: string },
): Promise<ConsoleAdmin> {
  const { admin, origin } = server;
  const installationId = randomUUID();
  await admin.createUser({ ...who, sendWelcomeEmail: false });
  await admin.setMfaPolicy({ mode: 'enforced' });
  const { code } = await admin.createDeployment(who.loginId);
  const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, path).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };
  await post('/api/v1/deployments/redeem', { code, installationId });
  const challenge = await post('/api/v1/sessions', { loginId: who.loginId, password: who.password, installationId });
  const enrolment = await post('/api/v1/mfa/enroll', { challengeId: challenge.challengeId });
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(String(enrolment.secret)) });
  await post('/api/v1/mfa/verify', { challengeId: challenge.challengeId, channel: 'totp', code: totp.generate() });
  await admin.setMfaPolicy({ mode: 'optional' });
  await admin.grantAdmin(who.loginId);
  return {
    loginId: who.loginId,
    email: who.email,
    password: who.password,
    // The step just used is spent; the next one is within the accepted drift (±1 step), so no waiting.
    nextCode: () => totp.generate({ timestamp: Date.now() + 30_000 }),
  };
}

/**
 * Signs in at <origin>/admin as a person would, in two steps: the password, then a fresh code on the
 * second step's page; resolves on Users.
 */
export async function signInToConsole(page: Page, origin: string, admin: ConsoleAdmin): Promise<void> {
  await page.goto(`${origin}/admin`);
  await expect(page.getByRole('heading', { name: 'Admin sign-in' })).toBeVisible();
  await page.getByLabel('E-mail or login ID').fill(admin.email);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await enterConsoleCode(page, admin.nextCode());
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
}

/** The console sign-in's second step: waits for its page, then enters the authenticator code. */
export async function enterConsoleCode(page: Page, code: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();
  await page.getByLabel('Code from your authenticator app').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}
