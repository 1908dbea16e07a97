import type { ErrorCode } from '../../../protocol/errors';

/**
 * What the user reads for each failure, with a way forward. Core owns these (not the server) so the
 * wording is consistent whatever server answered; the server's own detail is kept as the cause.
 */
export const messages: Partial<Record<ErrorCode, string>> = {
  deployment_unknown:
    'This authentication code is not known to the server. Check the e-mail, or ask IT for a new deployment.',
  deployment_expired: 'This deployment link has expired. Ask your IT department to send a new one.',
  deployment_used:
    'This deployment link has already been used. Ask your IT department for a new one if you need to set up Keyway again.',
  server_unreachable: 'Keyway cannot reach the server. Check your network connection and try again.',
  server_tls: 'The server’s security certificate is not trusted, so Keyway did not connect. Ask your IT department.',
  server_timeout: 'The server took too long to answer. Try again in a moment.',
  server_bad_response:
    'The server sent an answer Keyway does not understand. Try again later or ask your IT department.',
  invalid_credentials: 'The login ID or password is wrong. Check the password from your welcome e-mail and try again.',
  account_locked: 'Your account is locked after too many wrong passwords. Try again later or ask your IT department.',
  account_locked_by_admin: 'Your account is locked. Contact your administrator.',
  rate_limited: 'Too many attempts from this computer. Wait a moment and try again.',
  session_invalid: 'Your session has ended. Please sign in again.',
  unauthorized: 'Your session has ended. Please sign in again.',
  code_malformed: 'This is not a valid authentication code.',
  code_checksum: 'This code has a typo. Check it against the e-mail and try again.',
};

export function withRetryHint(message: string, retryAfter: number | undefined): string {
  if (retryAfter === undefined || retryAfter <= 0) return message;
  const minutes = Math.ceil(retryAfter / 60);
  return `${message} (You can try again in ${retryAfter < 90 ? `${retryAfter} seconds` : `${minutes} minutes`}.)`;
}
