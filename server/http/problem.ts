import type { FastifyReply } from 'fastify';
import { Problem, PROBLEM_CONTENT_TYPE } from '../../protocol/api';
import type { ErrorCode } from '../../protocol/errors';

/** The HTTP status each error code is served with. */
const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  internal: 500,
  not_found: 404,
  ipc_untrusted_sender: 403,
  ipc_unknown_command: 400,
  code_malformed: 400,
  code_checksum: 400,
  link_malformed: 400,
  link_too_long: 400,
  link_wrong_scheme: 400,
  link_mismatch: 400,
  server_insecure: 400,
  server_not_allowed: 403,
  deployment_unknown: 404,
  deployment_expired: 410,
  deployment_used: 409,
  server_unreachable: 502,
  server_tls: 502,
  server_bad_response: 502,
  server_timeout: 504,
  invalid_credentials: 401,
  account_locked: 423,
  rate_limited: 429,
  password_rejected: 400,
  session_invalid: 401,
  unauthorized: 401,
  mfa_code_invalid: 401,
  mfa_code_expired: 410,
  mfa_code_used: 409,
  mfa_too_many_attempts: 429,
  mfa_resend_too_soon: 429,
  mfa_challenge_expired: 410,
  mfa_channel_not_allowed: 403,
  reauthentication_required: 401,
  password_reset_disabled: 403,
  discovery_failed: 502,
  oidc_state_mismatch: 400,
  oidc_issuer_mismatch: 400,
  oidc_error: 400,
  oidc_cancelled: 400,
  oidc_timeout: 504,
  oidc_exchange_failed: 400,
  oidc_loopback_unavailable: 500,
  manual_login_disabled: 403,
  unified_login_required: 403,
  keychain_unavailable: 500,
  keychain_locked: 500,
  settings_corrupt: 500,
  settings_restored: 500,
  settings_unwritable: 500,
  update_not_ready: 409,
};

const TITLE: Partial<Record<ErrorCode, string>> = {
  invalid_input: 'The request is not valid',
  internal: 'Something went wrong on the server',
  not_found: 'Not found',
  code_malformed: 'This is not an authentication code',
  code_checksum: 'The authentication code has a typo',
  deployment_unknown: 'Unknown authentication code',
  deployment_expired: 'The authentication code has expired',
  deployment_used: 'The authentication code has been used',
  invalid_credentials: 'Wrong login ID or password',
  account_locked: 'The account is locked for now',
  rate_limited: 'Too many requests',
  password_rejected: 'The password was refused',
  session_invalid: 'The session has ended',
  unauthorized: 'Sign-in required',
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

export function problem(code: ErrorCode, detail: string, retryAfter?: number, status = STATUS[code]): Problem {
  return Problem.parse({
    // A URN names the problem type without promising a page behind it (RFC 9457 §3.1.1).
    type: `urn:keyway:problem:${code}`,
    title: TITLE[code] ?? code.replace(/_/g, ' '),
    status,
    code,
    detail,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });
}

/** Sends an RFC 9457 problem; the body is checked against the protocol schema before it leaves. */
export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  const checked = Problem.parse(body);
  if (checked.retryAfter !== undefined) void reply.header('retry-after', String(checked.retryAfter));
  if (checked.code === 'unauthorized') void reply.header('www-authenticate', 'Bearer error="invalid_token"');
  return reply.code(checked.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(checked));
}
