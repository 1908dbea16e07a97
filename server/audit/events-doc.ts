import { z } from 'zod';
import { AUDIT_CLASSES, AUDIT_EVENT_TYPES, AUDIT_EVENTS } from './events';

/**
 * docs/audit-events.md, generated from the catalogue (events.ts) so the two cannot drift:
 * test/unit/audit-events-doc.test.ts fails when the file differs, and rewrites it with UPDATE_DOCS=1.
 */
export function auditEventsMarkdown(): string {
  const lines = [
    '# Audit events',
    '',
    '<!-- Generated from server/audit/events.ts by test/unit/audit-events-doc.test.ts (UPDATE_DOCS=1). Do not edit. -->',
    '',
    'Every event has these fields (the query API, `audit export --format jsonl`, and the CSV columns of the same names):',
    '',
    '| Field | Meaning |',
    '| --- | --- |',
    '| `id` | Increasing, never reused (also after retention). |',
    '| `at` / `time` | When, in milliseconds since the epoch / ISO 8601 UTC (JSON lines only). |',
    '| `type`, `class` | Below. |',
    '| `actor` | `{ kind, id? }`: `user` (id = user id), `admin` (id = `cli:<os user>` or `console:<login ID>`), `system`, `anonymous` (not signed in). |',
    '| `userId` | The user the event is about, when known. |',
    '| `sourceAddress`, `userAgent` | Of the HTTP request, when there was one (the address as `KEYWAY_TRUSTED_PROXIES` decides; the agent cut to 200 printable characters). |',
    '| `installationId` | The Keyway installation, when known. |',
    '| `reason` | A stable code, for the types that list reasons. |',
    '| `details` | Exactly the fields listed per type; every string is an enum or a patterned identifier, never free text. |',
    '',
    'No event ever holds a password, code, token, key or secret: each `details` schema is strict, and the',
    'event is refused (and the action rolled back) when it does not fit.',
    '',
  ];
  for (const eventClass of AUDIT_CLASSES) {
    const types = AUDIT_EVENT_TYPES.filter((type) => AUDIT_EVENTS[type].class === eventClass);
    if (types.length === 0) continue;
    lines.push(`## Class \`${eventClass}\``, '');
    for (const type of types) {
      const definition = AUDIT_EVENTS[type];
      lines.push(`### \`${type}\``, '', definition.summary, '');
      lines.push(`- Actor: ${definition.actors.map((actor) => `\`${actor}\``).join(', ')}`);
      if (definition.reasons.length > 0) {
        lines.push(`- Reasons: ${definition.reasons.map((reason) => `\`${reason}\``).join(', ')}`);
      }
      lines.push(`- Details: ${detailsOf(definition.details)}`, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  pattern?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

function detailsOf(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema) as JsonSchema;
  const entries = Object.entries(json.properties ?? {});
  if (entries.length === 0) return 'none';
  const required = new Set(json.required ?? []);
  return entries.map(([name, field]) => `\`${name}\`${required.has(name) ? '' : '?'} (${typeOf(field)})`).join(', ');
}

function typeOf(field: JsonSchema): string {
  if (field.enum) return field.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  if (field.type === 'array' && field.items) return `array of ${typeOf(field.items)}`;
  if (field.pattern) return `string matching \`${field.pattern.replace(/\|/g, '\\|')}\``;
  return field.type ?? 'value';
}
