import { z } from 'zod';
import { MAX_DEEP_LINK_LENGTH } from '../../protocol/deep-link';
import { KeywayErrorShape } from './client-errors';

/**
 * The building blocks of a screen's wire declaration: what a step's `wire.ts`
 * (electron/core/onboarding/<step>/wire.ts) may import besides zod and protocol/. It imports nothing
 * that imports the steps' wire files (view.ts, contract.ts compose them), so there is no import cycle.
 */

export { KeywayErrorShape };

/** Longest text the paste field accepts: the one link limit (protocol/deep-link.ts). */
export const MAX_PASTE_LENGTH = MAX_DEEP_LINK_LENGTH;
export const MAX_PASSWORD_LENGTH = 256;
export const MAX_LOGIN_ID_LENGTH = 254;

export const Text = z.string().max(500);
export const ErrorOrNull = KeywayErrorShape.nullable();

/**
 * A setting IT manages through machine policy, so the UI can say so. Core names the setting and its
 * value (a host, a list); the renderer words it in the user's language.
 */
export const ManagedSetting = z.strictObject({
  setting: z.enum([
    'presetServer',
    'allowedServers',
    'disableManualLogin',
    'disableImport',
    'forceUnifiedLogin',
    'defaultLanguage',
  ]),
  value: Text.nullable(),
});
export type ManagedSetting = z.infer<typeof ManagedSetting>;
export const Managed = z.array(ManagedSetting).max(20);

/** An authenticator being enrolled: a locally rendered QR code (SVG data URL) and the secret key. */
export const EnrollmentView = z.strictObject({
  qrDataUrl: z.string().startsWith('data:image/svg+xml;base64,').max(100_000),
  secret: z
    .string()
    .regex(/^[A-Z2-7]+$/)
    .max(64),
});

export const NoInput = z.strictObject({});
export const NoOutput = z.null();

/**
 * One command of the contract. A command that only tells core what the user did names the onboarding
 * event it `becomes` (see contract.ts).
 */
export interface CommandSpec {
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  readonly becomes?: string;
}

/**
 * What a step folder puts on the wire: the views its screens publish (each a strict object tagged by
 * `screen`) and the commands its screens send. Composed by electron/core/onboarding/wire.ts.
 */
export interface StepWire {
  readonly views: readonly z.ZodObject<{ screen: z.ZodLiteral<string> }>[];
  readonly commands: Readonly<Record<string, CommandSpec>>;
}
