import { z } from 'zod';
import { KeywayErrorShape } from './client-errors';

/** Envelopes that carry the contract over any transport. Parsed on receipt, never trusted. */

export const RequestEnvelope = z.strictObject({
  command: z.string().min(1).max(64),
  input: z.unknown(),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

export const ResponseEnvelope = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), output: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: KeywayErrorShape }),
]);
export type ResponseEnvelope = z.infer<typeof ResponseEnvelope>;

export const EventEnvelope = z.strictObject({
  event: z.string().min(1).max(64),
  payload: z.unknown(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** The WebSocket bridge multiplexes requests, responses and events, so it adds ids and a kind tag. */
export const SocketClientMessage = z.strictObject({
  kind: z.literal('request'),
  id: z.number().int().nonnegative(),
  request: RequestEnvelope,
});
export type SocketClientMessage = z.infer<typeof SocketClientMessage>;

export const SocketServerMessage = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('response'),
    id: z.number().int().nonnegative(),
    response: ResponseEnvelope,
  }),
  z.strictObject({ kind: z.literal('event'), event: EventEnvelope }),
]);
export type SocketServerMessage = z.infer<typeof SocketServerMessage>;

/** The harness serves the WebSocket bridge on this path. */
export const HARNESS_SOCKET_PATH = '/ipc';
