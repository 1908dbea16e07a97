import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { decodeClientDataJSON, isoBase64URL } from '@simplewebauthn/server/helpers';
import { z } from 'zod';
import { KeywayError } from '../../protocol/errors';
import { sha256Hex } from '../security/digest';
import type { UserRecord } from '../users/user-store';
import { CEREMONY_TTL_MS, type CeremonyPurpose, type Passkey, type PasskeyStore } from './passkey-store';

/**
 * The WebAuthn ceremonies, through @simplewebauthn/server 13 (the last major line that runs on Node 20):
 * RP ID = the public origin's host, expected origin = the public origin, attestation `none`, challenges
 * single-use and short-lived in PasskeyStore (shared by every instance), the signature counter and the
 * backup flags recorded. Every refusal is a KeywayError with a stable code and a message saying why.
 */
interface RelyingParty {
  /** The server's public origin, e.g. https://id.example.com. */
  origin: string;
  name: string;
}

export function rpIdOf(origin: string): string {
  return new URL(origin).hostname;
}

/** What the page script posts back: the JSON @simplewebauthn/browser returns, checked for shape. */
const Base64Url = z
  .string()
  .regex(/^[A-Za-z0-9_-]*={0,2}$/)
  .max(20_000);
const AuthenticationAnswer = z.object({
  id: Base64Url.min(1),
  rawId: Base64Url.min(1),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: Base64Url,
    authenticatorData: Base64Url,
    signature: Base64Url,
    userHandle: Base64Url.optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});
const RegistrationAnswer = z.object({
  id: Base64Url.min(1),
  rawId: Base64Url.min(1),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: Base64Url,
    attestationObject: Base64Url,
    transports: z.array(z.string().max(20)).max(10).optional(),
    authenticatorData: Base64Url.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: Base64Url.optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

/** The answer posted by a page: a JSON string in a form field. */
function parseAnswer<T>(schema: z.ZodType<T>, text: unknown): T {
  if (typeof text !== 'string' || text === '' || text.length > 50_000) throw unavailable();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw refused('The passkey answer could not be read. Try again.');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw refused('The passkey answer is not a WebAuthn credential. Try again.');
  return parsed.data;
}

/** The challenge the answer signed, from its client data (to find the ceremony it answers). */
function challengeOf(clientDataJSON: string): string {
  try {
    const challenge = decodeClientDataJSON(clientDataJSON).challenge;
    if (typeof challenge === 'string' && challenge !== '') return challenge;
  } catch {
    // Falls through to the refusal below.
  }
  throw refused('The passkey answer is not a WebAuthn credential. Try again.');
}

function unavailable(): KeywayError {
  return new KeywayError(
    'passkey_unavailable',
    'No passkey was used: this browser has no passkey support or JavaScript is off. Verify another way.',
  );
}

function refused(message: string): KeywayError {
  return new KeywayError('passkey_refused', message);
}

function challengeUsed(): KeywayError {
  return new KeywayError(
    'passkey_challenge_used',
    'This passkey request was already answered or has expired, so the answer was refused. Start again.',
  );
}

/**
 * The library's refusal (a plain Error whose message names the check; pinned to @simplewebauthn/server
 * 13, esm/authentication/verifyAuthenticationResponse.js) as a specific KeywayError.
 */
function fromLibrary(error: unknown, origin: string): KeywayError {
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes('response origin')) {
    const claimed = /origin "([^"]*)"/.exec(message)?.[1] ?? 'another website';
    return refused(
      `This passkey answer was made for ${claimed}, not for ${origin}, so it was refused. Use a passkey only on ${origin}.`,
    );
  }
  if (message.includes('counter value')) {
    return new KeywayError(
      'passkey_cloned',
      'This passkey was refused: its signature counter went backwards, so it may have been copied. ' +
        'Tell your IT department, and remove it from your account.',
    );
  }
  if (message.includes('response challenge')) return challengeUsed();
  if (message.includes('User verification')) {
    return refused('Your passkey did not verify you (PIN, fingerprint or face), which this step requires. Try again.');
  }
  if (/RP ID/i.test(message)) return refused(`This passkey is for another website, not ${origin}.`);
  return refused('The passkey answer could not be verified. Try again.');
}

export interface Expected {
  purpose: CeremonyPurpose;
  binding: string;
  /** The user the answer must come from; undefined for passwordless sign-in (the passkey says who). */
  userId: number | undefined;
}

export class WebAuthn {
  constructor(
    private readonly rp: () => RelyingParty,
    private readonly store: PasskeyStore,
  ) {}

  /** Options for navigator.credentials.create(); the challenge is stored, bound to `binding`. */
  async registrationOptions(user: UserRecord, binding: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { origin, name } = this.rp();
    const existing = await this.store.ofUser(user.id);
    const options = await generateRegistrationOptions({
      rpName: name,
      rpID: rpIdOf(origin),
      userName: user.loginId,
      userDisplayName: user.displayName,
      // A stable handle that names no one: the same authenticator replaces its passkey instead of adding one.
      userID: new Uint8Array(Buffer.from(sha256Hex(`keyway-user:${user.id}`), 'hex').subarray(0, 16)),
      attestationType: 'none',
      excludeCredentials: existing.map((each) => ({ id: each.credentialId, transports: transportsOf(each) })),
      // Discoverable, so the same passkey also signs in without a password; verification as available.
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      timeout: CEREMONY_TTL_MS,
    });
    await this.store.openCeremony(options.challenge, {
      purpose: 'register',
      userId: user.id,
      binding,
      userVerification: 'preferred',
    });
    return options;
  }

  /** Checks a registration answer against its stored challenge; returns the passkey to store (not yet stored). */
  async verifyRegistration(
    answerText: unknown,
    expected: { binding: string; userId: number },
  ): Promise<Omit<Passkey, 'id' | 'createdAt' | 'lastUsedAt' | 'name'>> {
    const answer = parseAnswer(RegistrationAnswer, answerText);
    const challenge = challengeOf(answer.response.clientDataJSON);
    // Taken (deleted) before anything else, so a refused answer cannot be retried with the same challenge.
    const ceremony = await this.store.takeCeremony(challenge);
    if (!ceremony) throw challengeUsed();
    if (
      ceremony.purpose !== 'register' ||
      ceremony.binding !== expected.binding ||
      ceremony.userId !== expected.userId
    ) {
      throw refused('This passkey answer belongs to another page or account, so it was refused. Start again.');
    }
    const { origin } = this.rp();
    let verification;
    try {
      verification = await verifyRegistrationResponse({
        // Shape checked by zod above; the library re-checks every field it reads.
        response: answer as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: origin,
        expectedRPID: rpIdOf(origin),
        requireUserVerification: false,
      });
    } catch (error) {
      throw fromLibrary(error, origin);
    }
    if (!verification.verified) throw refused('The passkey could not be verified. Try again.');
    const info = verification.registrationInfo;
    if (await this.store.byCredentialId(info.credential.id)) {
      throw refused('This passkey is already registered. Use it, or add another one.');
    }
    return {
      userId: expected.userId,
      credentialId: info.credential.id,
      publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
      counter: info.credential.counter,
      transports: info.credential.transports ?? [],
      backupEligible: info.credentialDeviceType === 'multiDevice',
      backedUp: info.credentialBackedUp,
      aaguid: info.aaguid,
    };
  }

  /**
   * Options for navigator.credentials.get(). For a user: their passkeys only. Passwordless
   * (`user` undefined): a discoverable credential, user verification required.
   */
  async authenticationOptions(
    user: UserRecord | undefined,
    purpose: Exclude<CeremonyPurpose, 'register'>,
    binding: string,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const { origin } = this.rp();
    const passkeys = user ? await this.store.ofUser(user.id) : [];
    const userVerification = purpose === 'passwordless' ? 'required' : 'preferred';
    const options = await generateAuthenticationOptions({
      rpID: rpIdOf(origin),
      allowCredentials: passkeys.map((each) => ({ id: each.credentialId, transports: transportsOf(each) })),
      userVerification,
      timeout: CEREMONY_TTL_MS,
    });
    await this.store.openCeremony(options.challenge, { purpose, userId: user?.id, binding, userVerification });
    return options;
  }

  /**
   * Checks an authentication answer: its challenge is one this server issued for `expected` and is
   * spent now (single-use); the passkey is registered and belongs to the expected user; origin, RP ID,
   * signature and user verification check out (the library); the signature counter moved forward
   * when the authenticator keeps one (else a cloned authenticator). Records the use.
   */
  async verifyAuthentication(answerText: unknown, expected: Expected): Promise<Passkey> {
    const answer = parseAnswer(AuthenticationAnswer, answerText);
    const challenge = challengeOf(answer.response.clientDataJSON);
    // Taken (deleted) before anything else, so a refused answer cannot be retried with the same challenge.
    const ceremony = await this.store.takeCeremony(challenge);
    if (!ceremony) throw challengeUsed();
    if (ceremony.purpose !== expected.purpose || ceremony.binding !== expected.binding) {
      throw refused('This passkey answer belongs to another sign-in, so it was refused. Start again.');
    }
    const passkey = await this.store.byCredentialId(answer.id);
    if (!passkey)
      throw refused('This passkey is not registered on this server. Use another one, or verify another way.');
    if (expected.userId !== undefined && passkey.userId !== expected.userId) {
      throw refused('This passkey belongs to another account, so it was refused. Use your own passkey.');
    }
    const { origin } = this.rp();
    let verification;
    try {
      verification = await verifyAuthenticationResponse({
        // Shape checked by zod above; the library re-checks every field it reads.
        response: answer as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: origin,
        expectedRPID: rpIdOf(origin),
        credential: {
          id: passkey.credentialId,
          publicKey: isoBase64URL.toBuffer(passkey.publicKey),
          // The library refuses a count that does not move forward when either side keeps one (W3C WebAuthn
          // §7.2 step 21): that check is what catches a cloned authenticator.
          counter: passkey.counter,
          transports: transportsOf(passkey),
        },
        requireUserVerification: ceremony.userVerification === 'required',
      });
    } catch (error) {
      throw fromLibrary(error, origin);
    }
    if (!verification.verified) throw refused('The passkey signature did not verify. Try again.');
    const info = verification.authenticationInfo;
    if (!(await this.store.recordUse(passkey.id, passkey.counter, info.newCounter, info.credentialBackedUp))) {
      // Another answer with the same count was accepted in between: one of them is a copy.
      throw fromLibrary(new Error('counter value raced'), origin);
    }
    return passkey;
  }
}

function transportsOf(passkey: Passkey): AuthenticatorTransportFuture[] {
  const known: readonly string[] = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'];
  return passkey.transports.filter((each): each is AuthenticatorTransportFuture => known.includes(each));
}
