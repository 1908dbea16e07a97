import net, { type AddressInfo } from 'node:net';
import type { CDPSession, Page } from '@playwright/test';
import { PasskeyStep } from '../../protocol/mfa';
import { loopbackReceiver } from './loopback-receiver';
import { passRecoveryCodes } from './provider-pages';

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

/** A free TCP port on 127.0.0.1, for a server whose public origin must be http://localhost:<port> (an RP ID). */
export async function freeLocalhostPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * Adds a passkey through Keyway's "add a passkey" browser step, as the app does: starts it with the
 * user's access token and password (POST /api/v1/me/mfa/passkeys/start, a loopback return), then names the
 * passkey and creates it in `page` (whose virtual authenticator keeps it). Returns the step's URL, the
 * return it came back to and, when it was the user's first second factor, the recovery codes the page
 * showed before it.
 */
export async function addPasskeyInBrowser(
  page: Page,
  step: { origin: string; accessToken: string; password: string; state: string; name: string },
): Promise<{ stepUrl: string; returnTo: string; recoveryCodes: string[] | undefined }> {
  const returnTo = (await loopbackReceiver('/passkey-callback')).redirectUri;
  const started = await fetch(`${step.origin}/api/v1/me/mfa/passkeys/start`, {
    method: 'POST',
    headers: { authorization: `Bearer ${step.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ password: step.password, returnTo, state: step.state }),
  });
  if (started.status !== 200)
    throw new Error(`Adding a passkey did not start: ${started.status} ${await started.text()}`);
  const { stepUrl } = PasskeyStep.parse(await started.json());
  await page.goto(stepUrl);
  await page.getByLabel('Name of this passkey').fill(step.name);
  await page.getByRole('button', { name: 'Create the passkey' }).click();
  // Whichever comes first: the browser back at Keyway, or the page with the new recovery codes.
  const recoveryCodes = await passRecoveryCodes(page, (url) => url.href.startsWith(returnTo));
  return { stepUrl, returnTo, recoveryCodes };
}

/**
 * navigator.credentials.get() run by whatever page is open (the server's, or another site for the phishing
 * case), with the server's options and optionally other allowed credentials; the answer as
 * @simplewebauthn/browser would post it.
 */
export async function assertionFrom(page: Page, options: object, allow?: string[]): Promise<string> {
  return page.evaluate(
    async ({ options: given, allow }) => {
      // The server's options as its page hands them to the browser (an object read from the page).
      const options = given as {
        challenge: string;
        rpId: string;
        userVerification?: string;
        allowCredentials: { id: string }[];
      };
      const toBytes = (text: string) => {
        const base64 = text.replaceAll('-', '+').replaceAll('_', '/');
        return Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
      };
      const toText = (buffer: ArrayBuffer) =>
        btoa(String.fromCharCode(...new Uint8Array(buffer)))
          .replaceAll('+', '-')
          .replaceAll('/', '_')
          .replaceAll('=', '');
      const allowed = allow ?? options.allowCredentials.map((each) => each.id);
      const credential = (await navigator.credentials.get({
        publicKey: {
          challenge: toBytes(options.challenge),
          rpId: options.rpId,
          userVerification: options.userVerification as UserVerificationRequirement,
          allowCredentials: allowed.map((id) => ({ id: toBytes(id), type: 'public-key' as const })),
        },
      })) as PublicKeyCredential;
      const response = credential.response as AuthenticatorAssertionResponse;
      return JSON.stringify({
        id: credential.id,
        rawId: toText(credential.rawId),
        type: 'public-key',
        response: {
          clientDataJSON: toText(response.clientDataJSON),
          authenticatorData: toText(response.authenticatorData),
          signature: toText(response.signature),
          ...(response.userHandle ? { userHandle: toText(response.userHandle) } : {}),
        },
        clientExtensionResults: {},
      });
    },
    { options, allow },
  );
}
