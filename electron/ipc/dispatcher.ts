import type { z } from 'zod';
import { KeywayError, type KeywayErrorShape } from '../../protocol/errors';
import {
  commands,
  events,
  isCommandName,
  type CommandName,
  type Commands,
  type EventName,
  type EventPayload,
} from './contract';
import { EventEnvelope, RequestEnvelope, type ResponseEnvelope } from './wire';

/** What the serving side (core) implements: one async function per command. */
export type CommandHandlers = {
  [C in CommandName]: (input: z.output<Commands[C]['input']>) => Promise<z.input<Commands[C]['output']>>;
};

/**
 * Turns handlers into the one function every transport calls with a raw, untrusted request.
 * Input is validated before a handler runs; output is validated before it leaves, so core cannot
 * send the renderer something the contract does not allow. Never throws: failures become envelopes.
 */
export function createDispatcher(handlers: CommandHandlers): (raw: unknown) => Promise<ResponseEnvelope> {
  return async (raw) => {
    const request = RequestEnvelope.safeParse(raw);
    if (!request.success) return failure('invalid_input', 'The request is not a Keyway command envelope.');
    const { command, input } = request.data;
    if (!isCommandName(command)) return failure('ipc_unknown_command', `Unknown command "${command}".`);
    const parsedInput = commands[command].input.safeParse(input);
    if (!parsedInput.success) {
      return failure('invalid_input', `Invalid input for "${command}": ${summarize(parsedInput.error)}`);
    }
    try {
      // The handler map is indexed by the same key as the schema map, so the types line up at runtime;
      // TypeScript cannot correlate the two unions, hence the widening cast.
      const handler = handlers[command] as (input: unknown) => Promise<unknown>;
      const output = commands[command].output.safeParse(await handler(parsedInput.data));
      if (!output.success) {
        return failure('internal', `Core answered "${command}" outside the contract: ${summarize(output.error)}`);
      }
      return { ok: true, output: output.data };
    } catch (error) {
      if (error instanceof KeywayError) return { ok: false, error: error.toShape() };
      return failure('internal', 'Something went wrong inside Keyway. Please try again.');
    }
  };
}

/** Validates an outgoing event and wraps it for the wire; a payload outside the contract is a bug in core. */
export function encodeEvent<E extends EventName>(event: E, payload: EventPayload<E>): EventEnvelope {
  const parsed = events[event].safeParse(payload);
  if (!parsed.success) {
    throw new KeywayError('internal', `Event "${event}" is outside the contract: ${summarize(parsed.error)}`);
  }
  return EventEnvelope.parse({ event, payload: parsed.data });
}

function failure(code: KeywayErrorShape['code'], message: string): ResponseEnvelope {
  return { ok: false, error: { code, message } };
}

export function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
