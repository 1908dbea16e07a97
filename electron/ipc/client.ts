import { KeywayError } from '../../protocol/errors';
import {
  commands,
  events,
  type CommandInput,
  type CommandName,
  type CommandOutput,
  type EventName,
  type EventPayload,
} from './contract';
import { summarize } from './dispatcher';
import { EventEnvelope, ResponseEnvelope } from './wire';

/** What a transport must provide to the client: untyped request/response and an untyped event stream. */
export interface RawTransport {
  request(envelope: { command: string; input: unknown }): Promise<unknown>;
  subscribe(listener: (envelope: unknown) => void): () => void;
}

/** The typed API the renderer uses, whatever the transport. */
export interface KeywayClient {
  invoke<C extends CommandName>(command: C, input: CommandInput<C>): Promise<CommandOutput<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/**
 * Wraps a transport in the contract: input is checked before it is sent, and every response and event
 * is parsed before the caller sees it. A failed command rejects with a KeywayError carrying its code.
 */
export function createClient(transport: RawTransport): KeywayClient {
  return {
    async invoke(command, input) {
      const spec = commands[command];
      const parsedInput = spec.input.safeParse(input);
      if (!parsedInput.success) {
        throw new KeywayError('invalid_input', `Invalid input for "${command}": ${summarize(parsedInput.error)}`);
      }
      const raw = await transport.request({ command, input: parsedInput.data });
      const response = ResponseEnvelope.safeParse(raw);
      if (!response.success) throw new KeywayError('internal', `Malformed answer to "${command}".`);
      if (!response.data.ok) throw new KeywayError(response.data.error.code, response.data.error.message);
      const output = spec.output.safeParse(response.data.output);
      if (!output.success) {
        throw new KeywayError('internal', `Answer to "${command}" is outside the contract: ${summarize(output.error)}`);
      }
      return output.data as CommandOutput<typeof command>;
    },
    on(event, listener) {
      return transport.subscribe((raw) => {
        const envelope = EventEnvelope.safeParse(raw);
        const wanted: string = event;
        if (!envelope.success || envelope.data.event !== wanted) return;
        const payload = events[event].safeParse(envelope.data.payload);
        // An event outside the contract is dropped rather than rendered: the UI never shows unchecked data.
        // The schema was picked by the same key, so the payload has this event's type; TypeScript cannot
        // correlate the two lookups.
        if (payload.success) listener(payload.data as EventPayload<typeof event>);
      });
    },
  };
}
