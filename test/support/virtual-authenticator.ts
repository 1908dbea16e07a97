import type { CDPSession, Page } from '@playwright/test';

/**
 * A passkey authenticator in a real Chromium page, made with the Chrome DevTools Protocol's WebAuthn
 * domain (https://chromedevtools.github.io/devtools-protocol/tot/WebAuthn/): CTAP2 over the `internal`
 * transport (a platform authenticator, like Touch ID or Windows Hello), holding resident (discoverable)
 * keys, verifying the user (the PIN or fingerprint always succeeds) and present without a touch
 * (automaticPresenceSimulation), so a test presses the page's button and the ceremony completes.
 *
 * A virtual authenticator belongs to the page (the CDP target) it was added to: another tab needs its
 * own, and gets the same passkeys with `add(...)` of the first one's `credentials()`.
 */
export class VirtualAuthenticator {
  private constructor(
    private readonly cdp: CDPSession,
    /** The protocol's authenticator id. */
    private readonly id: string,
  ) {}

  /** Adds an authenticator to `page` (WebAuthn.enable, then WebAuthn.addVirtualAuthenticator). */
  static async attach(page: Page): Promise<VirtualAuthenticator> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return new VirtualAuthenticator(cdp, authenticatorId);
  }

  /** The credentials it holds (with their private keys and signature counters), as the protocol lists them. */
  async credentials(): Promise<StoredCredential[]> {
    return (await this.cdp.send('WebAuthn.getCredentials', { authenticatorId: this.id })).credentials;
  }

  /** The base64url ids of the credentials it holds: what a server stores and lists as allowCredentials. */
  async credentialIds(): Promise<string[]> {
    return (await this.credentials()).map((credential) => credential.credentialId);
  }

  /** Puts a credential in (one listed by `credentials()`, of this or another authenticator, possibly altered). */
  async add(credential: StoredCredential): Promise<void> {
    await this.cdp.send('WebAuthn.addCredential', { authenticatorId: this.id, credential });
  }

  async remove(credentialId: string): Promise<void> {
    await this.cdp.send('WebAuthn.removeCredential', { authenticatorId: this.id, credentialId });
  }
}

/**
 * One credential as the protocol lists it: Protocol.WebAuthn.Credential (playwright-core's protocol types
 * are not an export of the package, so its fields are named here; the others pass through unchanged).
 */
interface StoredCredential {
  /** base64url, as a server stores it. */
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  /** The P-256 private key, PKCS#8, base64. */
  privateKey: string;
  userHandle?: string;
  /** The signature counter: lower it to make a clone. */
  signCount: number;
}
