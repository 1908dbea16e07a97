import type { RawTransport } from './client';
import type { EventEnvelope, ResponseEnvelope } from './wire';

/**
 * The third transport: renderer-side client and core-side dispatcher in one process, for unit tests.
 * Messages go through a JSON round trip so a test sees what a real transport would deliver
 * (no shared object references, no class instances, no functions).
 */
export function createInProcessTransport(dispatch: (raw: unknown) => Promise<ResponseEnvelope>): {
  transport: RawTransport;
  emit: (envelope: EventEnvelope) => void;
} {
  const listeners = new Set<(envelope: unknown) => void>();
  const copy = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;
  return {
    transport: {
      request: async (envelope) => copy(await dispatch(copy(envelope))),
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    emit(envelope) {
      for (const listener of listeners) listener(copy(envelope));
    },
  };
}
