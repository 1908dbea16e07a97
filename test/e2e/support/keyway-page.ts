import { expect, type Page } from '@playwright/test';

/** The Keyway UI as a user sees it: one method per thing a user does. Shared by harness and Electron suites. */
export class KeywayPage {
  constructor(readonly page: Page) {}

  field = () => this.page.getByLabel('Deployment link or authentication code');

  async paste(text: string): Promise<void> {
    await this.field().fill(text);
    await this.page.getByRole('button', { name: 'Apply' }).click();
  }

  async expectConfirmServer(host: string): Promise<void> {
    await expect(this.page.getByRole('heading', { name: 'Connect to this server?' })).toBeVisible();
    await expect(this.page.getByTestId('server-host')).toHaveText(host);
  }

  async confirmServer(): Promise<void> {
    await this.page.getByRole('button', { name: 'Continue' }).click();
  }

  async expectLicense(): Promise<void> {
    await expect(this.page.getByRole('heading', { name: 'License agreement' })).toBeVisible();
  }

  async acceptLicense(): Promise<void> {
    await this.expectLicense();
    await this.page.getByRole('button', { name: 'Accept' }).click();
  }

  async enterPassword(password: string): Promise<void> {
    await expect(this.page.getByRole('heading', { name: 'Enter your password' })).toBeVisible();
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Apply' }).click();
  }

  async expectHome(displayName: string): Promise<void> {
    await expect(this.page.getByRole('heading', { name: 'You are signed in' })).toBeVisible({ timeout: 15_000 });
    await expect(this.page.getByTestId('home-display-name')).toHaveText(displayName);
  }

  async expectError(code: string): Promise<void> {
    await expect(this.page.locator(`[role="alert"][data-error-code="${code}"]`)).toBeVisible();
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
  }
}
