import { z } from 'zod';

/**
 * Stable, machine-readable error codes shared by the server (problem+json `code`), core and the UI.
 * Programs branch on the code; people read the message. Never rename a code: add a new one.
 */
export const ErrorCode = z.enum([
  'invalid_input',
  'internal',
  'not_implemented_yet',
  'ipc_untrusted_sender',
  'ipc_unknown_command',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The error every layer carries: a code to branch on and a message a person can read. */
export const KeywayErrorShape = z.object({
  code: ErrorCode,
  message: z.string().min(1).max(2000),
});
export type KeywayErrorShape = z.infer<typeof KeywayErrorShape>;

/** An Error with a stable `code`, in the style of openid-client and oidc-provider. */
export class KeywayError extends Error {
  override readonly name = 'KeywayError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toShape(): KeywayErrorShape {
    return { code: this.code, message: this.message };
  }
}
