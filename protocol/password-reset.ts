import { z } from 'zod';
import { LoginId } from './api';

/**
 * Forgot password (/api/v1), offered only when the server's admin turned it on (ServerFeatures
 * `forgotPassword` in the deployment config and the discovery answer says so).
 *
 * Keyway asks for a reset link for the login ID on its Password page. The server always answers 202
 * with the same body, whether or not the account exists, and e-mails a single-use link to its own
 * reset page (a web page, not this API) when it does. The new password is chosen on that page.
 */

// POST /api/v1/password-reset → 202 PasswordResetRequested (403 password_reset_disabled when off)
export const PasswordResetRequest = z.strictObject({ loginId: LoginId });
export type PasswordResetRequest = z.infer<typeof PasswordResetRequest>;

export const PasswordResetRequested = z.strictObject({
  status: z.literal('requested'),
  /** How long a link from the e-mail works, in minutes (the same for every answer). */
  linkValidMinutes: z
    .number()
    .int()
    .positive()
    .max(24 * 60),
});
export type PasswordResetRequested = z.infer<typeof PasswordResetRequested>;

/** The reset page's path on the server; the e-mail links here with `?token=…`. */
export const PASSWORD_RESET_PAGE_PATH = '/password-reset';
