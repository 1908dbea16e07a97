import type { FastifyReply } from 'fastify';
import { Problem, PROBLEM_CONTENT_TYPE } from '../../protocol/api';
import { FormatErrorCode, WIRE_ERRORS, type WireErrorCode } from '../../protocol/errors';

/**
 * Every code a KeywayError can carry on the server: the wire codes, and the refusals of protocol's shared
 * parsers (a link, a server address). The client's own codes are not among them (protocol/errors.ts,
 * `ClientErrorCodes`), so handing one to problem() or statusOf() is a type error.
 */
type ServerErrorCode = WireErrorCode | FormatErrorCode;

const TITLE: Partial<Record<WireErrorCode, string>> = {
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
  account_locked_by_admin: 'The account is locked by an administrator',
  rate_limited: 'Too many requests',
  password_rejected: 'The password was refused',
  session_invalid: 'The session has ended',
  unauthorized: 'Sign-in required',
};

/**
 * The code that goes on the wire for `code`. A shared parser's refusal (a malformed link or server address
 * in what the request carried) is a bad request, said as `invalid_input` with the parser's own detail: the
 * server never sends a format code, which no client expects from it.
 */
function wireCode(code: ServerErrorCode): WireErrorCode {
  return isFormatCode(code) ? 'invalid_input' : code;
}

const isFormatCode = (code: ServerErrorCode): code is FormatErrorCode => FormatErrorCode.safeParse(code).success;

/** The HTTP status `code` is served with, from protocol's one table (also for HTML pages that fail). */
export function statusOf(code: ServerErrorCode): number {
  return WIRE_ERRORS[wireCode(code)];
}

export function problem(code: ServerErrorCode, detail: string, retryAfter?: number, status = statusOf(code)): Problem {
  const sent = wireCode(code);
  return Problem.parse({
    // A URN names the problem type without promising a page behind it (RFC 9457 §3.1.1).
    type: `urn:keyway:problem:${sent}`,
    title: TITLE[sent] ?? sent.replace(/_/g, ' '),
    status,
    code: sent,
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
