import type { AuditEvent } from './audit-log';

/** The CSV columns, in order (docs/audit-events.md "Export"). */
const CSV_COLUMNS = [
  'id',
  'time',
  'type',
  'class',
  'actor_kind',
  'actor',
  'user_id',
  'source_address',
  'user_agent',
  'installation_id',
  'reason',
  'details',
] as const;

/**
 * One CSV field, RFC 4180 (quoted when it holds a comma, quote, CR or LF; quotes doubled) and safe to
 * open in a spreadsheet: a cell starting with = + - @ (or tab/CR, which some spreadsheets skip before
 * one) is a formula there, so it gets a leading apostrophe (OWASP "CSV Injection"). The user agent is
 * the client's own words, hence the need.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/** One event as a CSV record (CRLF-terminated, RFC 4180); the time in ISO 8601 UTC. */
export function csvRecord(event: AuditEvent): string {
  const cells = [
    String(event.id),
    new Date(event.at).toISOString(),
    event.type,
    event.class,
    event.actor.kind,
    event.actor.id ?? '',
    event.userId === undefined ? '' : String(event.userId),
    event.sourceAddress ?? '',
    event.userAgent ?? '',
    event.installationId ?? '',
    event.reason ?? '',
    JSON.stringify(event.details),
  ];
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** One event as a JSON line (the webhook body and the log file use the same object). */
export function jsonLine(event: AuditEvent): string {
  return `${JSON.stringify(auditJson(event))}\n`;
}

/** The event as it leaves the server: the time also in ISO 8601, for SIEM parsers. */
function auditJson(event: AuditEvent): AuditEvent & { time: string } {
  return { ...event, time: new Date(event.at).toISOString() };
}
