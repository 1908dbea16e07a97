import { z } from 'zod';

/**
 * Stable, machine-readable error codes shared by the server (problem+json `code`), core and the UI.
 * Programs branch on the code; people read the message. Never rename a code: add a new one.
 */
export const ErrorCode = z.enum([
  // Generic
  'invalid_input',
  'internal',
  'not_found',
  // IPC
  'ipc_untrusted_sender',
  'ipc_unknown_command',
  // What the user pasted or the OS handed us
  'code_malformed',
  'code_checksum',
  'link_malformed',
  'link_too_long',
  'link_wrong_scheme',
  'link_mismatch',
  'server_insecure',
  'server_not_allowed',
  // Redemption
  'deployment_unknown',
  'deployment_expired',
  'deployment_used',
  // Talking to the server
  'server_unreachable',
  'server_tls',
  'server_bad_response',
  'server_timeout',
  // Sign-in
  'invalid_credentials',
  'account_locked',
  'rate_limited',
  'password_rejected',
  'session_invalid',
  'unauthorized',
  // Multi-factor authentication
  'mfa_code_invalid',
  'mfa_code_expired',
  'mfa_code_used',
  'mfa_too_many_attempts',
  'mfa_resend_too_soon',
  'mfa_challenge_expired',
  'mfa_channel_not_allowed',
  'reauthentication_required',
  // Forgot password
  'password_reset_disabled',
  // Unified login (OpenID Connect)
  'discovery_failed',
  'oidc_state_mismatch',
  'oidc_issuer_mismatch',
  'oidc_error',
  'oidc_cancelled',
  'oidc_timeout',
  'oidc_exchange_failed',
  'oidc_loopback_unavailable',
  'manual_login_disabled',
  'unified_login_required',
  // This machine
  'keychain_unavailable',
  'keychain_locked',
  'settings_corrupt',
  'settings_restored',
  'settings_unwritable',
  // Automatic updates
  'update_not_ready',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The error every layer carries: a code to branch on and a message a person can read. */
export const KeywayErrorShape = z.object({
  code: ErrorCode,
  message: z.string().min(1).max(2000),
  /** Seconds until trying again makes sense (rate limits, lock-outs). */
  retryAfter: z.number().int().nonnegative().optional(),
});
export type KeywayErrorShape = z.infer<typeof KeywayErrorShape>;

/** An Error with a stable `code`, in the style of openid-client and oidc-provider. */
export class KeywayError extends Error {
  override readonly name = 'KeywayError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfter?: number },
  ) {
    super(message, options);
    this.retryAfter = options?.retryAfter;
  }

  readonly retryAfter: number | undefined;

  toShape(): KeywayErrorShape {
    return this.retryAfter === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfter: this.retryAfter };
  }
}
