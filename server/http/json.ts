import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { KeywayError } from '../../protocol/errors';

/** Validates a request body with a protocol schema; a violation names the field that is wrong. */
export function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new KeywayError('invalid_input', issue ? describeIssue(issue, body) : 'The request body is not valid.');
}

function describeIssue(issue: z.core.$ZodIssue, body: unknown): string {
  if (issue.path.length === 0) {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => `"${key}"`).join(', ');
      return `The request body has ${issue.keys.length === 1 ? 'an unknown field' : 'unknown fields'}: ${keys}.`;
    }
    return body === undefined || body === null
      ? 'The request needs a JSON body (Content-Type: application/json).'
      : 'The request body must be a JSON object.';
  }
  const field = issue.path.map(String).join('.');
  return `The field "${field}" is not valid: ${issue.message}.`;
}

/** Sends JSON after checking it against the protocol schema, so the server never breaks its contract. */
export function sendJson<Schema extends z.ZodType>(
  reply: FastifyReply,
  schema: Schema,
  value: z.input<Schema>,
  status = 200,
): FastifyReply {
  const checked = schema.parse(value);
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(checked));
}
