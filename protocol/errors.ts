import { z } from 'zod';

/**
 * Error codes, sorted by audience. Programs branch on the code; people read the message. Never rename a
 * code: add a new one.
 *
 * - Wire codes (`WIRE_ERRORS`): what the server sends as the problem+json `code`, each with the HTTP status
 *   it is served with. The client accepts no other code from a server.
 * - Format codes (`FormatErrorCode`): the refusals of this folder's own parsers (deployment link, deep link,
 *   server address), raised on whichever side runs them and never sent by the server.
 * - Client codes: what only the client raises (keychain, settings, IPC, the network as the client sees it,
 *   the browser sign-in…). They live with the client, in electron/ipc/client-errors.ts, and are added to
 *   `ClientErrorCodes` below by declaration merging; the server's program never includes that file.
 */

/**
 * Every code the server sends in problem+json, with its HTTP status beside it. server/http/problem.ts
 * takes its statuses from here and from nowhere else.
 */
export const WIRE_ERRORS = {
  // Generic
  invalid_input: 400,
  internal: 500,
  not_found: 404,
  // The authentication code sent to be redeemed (checked again by the server)
  code_malformed: 400,
  code_checksum: 400,
  // Redemption
  deployment_unknown: 404,
  deployment_expired: 410,
  deployment_used: 409,
  // Sign-in
  invalid_credentials: 401,
  account_locked: 423,
  rate_limited: 429,
  password_rejected: 400,
  session_invalid: 401,
  unauthorized: 401,
  unified_login_required: 403,
  // An admin locked the account until they unlock it (server/users/user-lock.ts); not the lock-out above.
  account_locked_by_admin: 403,
  // Multi-factor authentication
  mfa_code_invalid: 401,
  mfa_code_expired: 410,
  mfa_code_used: 409,
  mfa_too_many_attempts: 429,
  mfa_resend_too_soon: 429,
  mfa_challenge_expired: 410,
  mfa_channel_not_allowed: 403,
  reauthentication_required: 401,
  // Forgot password
  password_reset_disabled: 403,
  // Passkeys (WebAuthn) and the browser steps that carry them (server/mfa/passkeys*.ts)
  return_uri_invalid: 400,
  passkey_unavailable: 400,
  passkey_refused: 403,
  passkey_challenge_used: 409,
  passkey_cloned: 403,
} as const satisfies Record<string, HttpErrorStatus>;

/** An HTTP status that reports a failure (RFC 9110 §15.5, §15.6). */
type HttpErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 423 | 429 | 500;

export type WireErrorCode = keyof typeof WIRE_ERRORS;
// Object.keys types its result as string[]; the keys are exactly WireErrorCode by construction.
export const WireErrorCode = z.enum(Object.keys(WIRE_ERRORS) as [WireErrorCode, ...WireErrorCode[]]);

/** The refusals of protocol/'s own parsers, raised locally by whichever side parses; never on the wire. */
export const FormatErrorCode = z.enum([
  'link_malformed',
  'link_too_long',
  'link_wrong_scheme',
  'link_mismatch',
  'server_insecure',
]);
export type FormatErrorCode = z.infer<typeof FormatErrorCode>;

/**
 * The client's own codes, filled in by electron/ipc/client-errors.ts through declaration merging (the
 * pattern i18next and fastify use for their registries). Only programs that include that file, i.e. the
 * client's, see them: in the server's program this stays empty, so a server file that names a client
 * code does not compile (test/unit/error-codes.test.ts proves it). Exported because only an exported
 * interface can be merged from another module; knip sees no import of it, hence `@public`.
 *
 * @public
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging, see above
export interface ClientErrorCodes {}

/** Every code a KeywayError can carry in the program at hand (see `ClientErrorCodes`). */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- `never` only in protocol's own program
export type ErrorCode = WireErrorCode | FormatErrorCode | keyof ClientErrorCodes;

/**
 * The error every client layer carries: a code to branch on and a message a person can read. Its zod
 * schema, which knows the client codes, is in electron/ipc/client-errors.ts.
 */
export interface KeywayErrorShape {
  code: ErrorCode;
  message: string;
  /** Seconds until trying again makes sense (rate limits, lock-outs). */
  retryAfter?: number | undefined;
}

/**
 * The form fields an `invalid_input` refusal can be about, as stable codes: the admin console words the
 * field's name in the admin's language from these, never from the English message (which the CLI and the
 * wire keep exactly as they are). Never rename one: add a new one.
 */
export const ValidationField = z.enum([
  // Identity providers (server/federation: provider-admin.ts, provider-config.ts, provider-store.ts)
  'idp-id',
  'idp-name',
  'idp-domains',
  'idp-issuer',
  'idp-client-id',
  'idp-client-secret',
  'idp-auth-method',
  'idp-sso-url',
  'idp-entity-id',
  'idp-certificate',
  'idp-metadata',
  'idp-sp-entity-id',
  'idp-email-attribute',
  'idp-name-attribute',
  // The MFA policy (server/mfa/policy.ts)
  'mfa-mode',
  'mfa-channels',
  'mfa-trust-days',
  // Forgot password (server/password-reset/reset-policy.ts) and OTP front ends (server/otp/otp-clients.ts)
  'reset-link-minutes',
  'otp-client-name',
  // Users (server/admin/admin-service.ts: createUser, editUser)
  'user-login-id',
  'user-email',
  'user-display-name',
  'user-password',
  'user-aliases',
]);
export type ValidationField = z.infer<typeof ValidationField>;

/**
 * Why a field was refused, as a stable code (derived from the validations that exist). Each has its text
 * in English, French and German in the console's catalogue (server/admin-console/validation-texts.ts,
 * a `Record` over this enum, so a reason added here without its texts does not compile).
 */
export const ValidationReason = z.enum([
  'required',
  'too-long',
  'too-many',
  'bad-format',
  'not-a-url',
  'not-https',
  'has-credentials',
  'not-a-certificate',
  'not-a-choice',
  'not-a-domain',
  'taken',
  'routed-elsewhere',
  'other-kind',
  'unusable-metadata',
  'unknown-channel',
  'no-allowed-channel',
  'out-of-range',
  'invalid',
]);
export type ValidationReason = z.infer<typeof ValidationReason>;

/** Which field a refusal is about, and why: structured, beside the English message. */
export interface ValidationDetail {
  field: ValidationField;
  reason: ValidationReason;
}

/** An Error with a stable `code`, in the style of openid-client and oidc-provider. */
export class KeywayError extends Error {
  override readonly name = 'KeywayError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfter?: number; detail?: ValidationDetail },
  ) {
    super(message, options);
    this.retryAfter = options?.retryAfter;
    this.detail = options?.detail;
  }

  readonly retryAfter: number | undefined;
  /**
   * The field and the reason of a validation refusal, for a page that words them in its own language.
   * Local to the process: `toShape` leaves it out, so the wire and the IPC shapes stay as they are.
   */
  readonly detail: ValidationDetail | undefined;

  toShape(): KeywayErrorShape {
    return this.retryAfter === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfter: this.retryAfter };
  }
}
