import { DOMParser } from '@xmldom/xmldom';

/** Parses XML strictly: every warning and error becomes a message (empty when well-formed). */
export function parseXml(text: string): { document: ReturnType<DOMParser['parseFromString']>; errors: string[] } {
  const errors: string[] = [];
  const record = (message: unknown) => {
    errors.push(String(message));
  };
  const document = new DOMParser({
    errorHandler: { warning: record, error: record, fatalError: record },
  }).parseFromString(text, 'text/xml');
  return { document, errors };
}
