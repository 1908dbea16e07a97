import { z } from 'zod';
import {
  EnrollmentView,
  ErrorOrNull,
  MAX_PASSWORD_LENGTH,
  NoOutput,
  Text,
  type StepWire,
} from '../../../ipc/screen-kit';

/** The profile's security page on the wire: authenticators and remembered devices (see screen-kit.ts). */

const SecurityView = z.strictObject({
  screen: z.literal('security'),
  serverHost: Text,
  /** False until the server's answer arrived. */
  loaded: z.boolean(),
  authenticators: z.array(z.strictObject({ id: Text, name: Text, createdAt: z.number().int() })).max(50),
  devices: z
    .array(
      z.strictObject({
        deviceId: Text,
        name: Text,
        lastUsedAt: z.number().int().nullable(),
        trustedUntil: z.number().int(),
        thisDevice: z.boolean(),
      }),
    )
    .max(100),
  /** Passkeys (issue 17): `authenticator` is the server's name for its AAGUID, when known. */
  passkeys: z
    .array(
      z.strictObject({
        id: Text,
        name: Text,
        createdAt: z.number().int(),
        lastUsedAt: z.number().int().nullable(),
        authenticator: Text.nullable(),
      }),
    )
    .max(50),
  /** Unused recovery codes; null when the user has none (or the page has not loaded yet). */
  recoveryCodes: z.strictObject({ remaining: z.number().int().nonnegative() }).nullable(),
  enrolling: EnrollmentView.nullable(),
  busy: z.boolean(),
  error: ErrorOrNull,
});

export const securityWire = {
  views: [SecurityView],
  commands: {
    removeTrustedDevice: {
      input: z.strictObject({ deviceId: z.string().max(100) }),
      output: NoOutput,
      becomes: 'trustedDevice.removeRequested',
    },
    /** Re-authentication: the password travels once with the request and is never part of a view. */
    removeAuthenticator: {
      input: z.strictObject({ id: z.string().max(100), password: z.string().max(MAX_PASSWORD_LENGTH) }),
      output: NoOutput,
      becomes: 'authenticator.removeRequested',
    },
    addAuthenticator: {
      input: z.strictObject({ password: z.string().max(MAX_PASSWORD_LENGTH) }),
      output: NoOutput,
      becomes: 'authenticator.addRequested',
    },
    /** Re-authentication, then the passkey registration page in the system browser (onboarding/passkey). */
    addPasskey: {
      input: z.strictObject({ password: z.string().max(MAX_PASSWORD_LENGTH) }),
      output: NoOutput,
      becomes: 'passkey.addRequested',
    },
    removePasskey: {
      input: z.strictObject({ id: z.string().max(100), password: z.string().max(MAX_PASSWORD_LENGTH) }),
      output: NoOutput,
      becomes: 'passkey.removeRequested',
    },
    /** "Get new codes": re-authentication, then the new set is shown once (the old set stops working). */
    regenerateRecoveryCodes: {
      input: z.strictObject({ password: z.string().max(MAX_PASSWORD_LENGTH) }),
      output: NoOutput,
      becomes: 'recoveryCodes.regenerateRequested',
    },
    confirmAuthenticator: {
      input: z.strictObject({ code: z.string().max(12) }),
      output: NoOutput,
      becomes: 'authenticator.codeSubmitted',
    },
  },
} as const satisfies StepWire;
