import { stringify } from 'csv-stringify/sync';
import { KeywayError } from '../../protocol/errors';
import type { AuditEvent, AuditLog, AuditQuery } from '../audit/audit-log';
import { AUDIT_EVENT_TYPES, type AuditEventType } from '../audit/events';
import { escapeHtml as e } from '../http/escape-html';
import type { UserStore } from '../users/user-store';
import { ADMIN_PATH, alert, consolePage, tableRegion, type PageFrame } from './pages';

/** Events per page on screen; an export walks the same keyset pages up to EXPORT_MAX events. */
export const AUDIT_PAGE_SIZE = 100;
const EXPORT_MAX = 50_000;

/** The filter form's fields, as the query string carries them. */
export interface AuditFilterFields {
  user?: string | undefined;
  type?: string | undefined;
  /** YYYY-MM-DD, UTC, inclusive. */
  from?: string | undefined;
  /** YYYY-MM-DD, UTC, inclusive (the whole day). */
  to?: string | undefined;
  cursor?: string | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The filter as AuditLog.query takes it. Throws `invalid_input` naming the field: an unknown user, an
 * unknown event type, a date that is not YYYY-MM-DD.
 */
export async function auditQueryOf(
  users: UserStore,
  fields: AuditFilterFields,
  limit: number,
): Promise<Omit<AuditQuery, 'cursor'> & { cursor?: string | undefined }> {
  let userId: number | undefined;
  const name = (fields.user ?? '').trim();
  if (name !== '') {
    const user = await users.findByName(name);
    if (!user)
      throw new KeywayError('invalid_input', `User: no user has the login ID, e-mail address or alias "${name}".`);
    userId = user.id;
  }
  const type = (fields.type ?? '').trim();
  if (type !== '' && !(AUDIT_EVENT_TYPES as readonly string[]).includes(type)) {
    throw new KeywayError('invalid_input', `Event type: "${type}" is not an event type.`);
  }
  const day = (value: string | undefined, field: string): number | undefined => {
    const text = (value ?? '').trim();
    if (text === '') return undefined;
    const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Number.NaN;
    if (!Number.isFinite(ms)) throw new KeywayError('invalid_input', `${field}: "${text}" is not a date (YYYY-MM-DD).`);
    return ms;
  };
  const from = day(fields.from, 'From');
  const toDay = day(fields.to, 'To');
  return {
    userId,
    types: type === '' ? undefined : [type as AuditEventType],
    from,
    to: toDay === undefined ? undefined : toDay + DAY_MS,
    limit,
    cursor: fields.cursor === undefined || fields.cursor === '' ? undefined : fields.cursor,
  };
}

/** Every event the filter matches, newest first, up to EXPORT_MAX. */
export async function exportEvents(
  audit: AuditLog,
  query: Omit<AuditQuery, 'cursor' | 'limit'>,
): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await audit.query({ ...query, limit: 1000, cursor });
    events.push(...page.events);
    cursor = page.next;
  } while (cursor !== undefined && events.length < EXPORT_MAX);
  return events.slice(0, EXPORT_MAX);
}

const CSV_COLUMNS = [
  'id',
  'at',
  'type',
  'class',
  'actor',
  'userId',
  'sourceAddress',
  'userAgent',
  'installationId',
  'reason',
  'details',
] as const;

/** RFC 4180 CSV by csv-stringify: one header row, one row per event, details as JSON in one cell. */
export function eventsCsv(events: readonly AuditEvent[]): string {
  return stringify(
    events.map((event) => [
      event.id,
      new Date(event.at).toISOString(),
      event.type,
      event.class,
      event.actor.id === undefined ? event.actor.kind : `${event.actor.kind}:${event.actor.id}`,
      event.userId ?? '',
      event.sourceAddress ?? '',
      event.userAgent ?? '',
      event.installationId ?? '',
      event.reason ?? '',
      JSON.stringify(event.details),
    ]),
    // escape_formulas: a cell starting with =, +, -, @, tab or CR gets a leading quote, so a spreadsheet
    // shows a client-chosen user agent such as "=HYPERLINK(…)" as text instead of running it (OWASP
    // "CSV Injection"; csv-stringify's option, https://csv.js.org/stringify/options/escape_formulas/).
    { header: true, columns: [...CSV_COLUMNS], escape_formulas: true },
  );
}

/** JSON lines: one event object per line, as the SIEM file sink writes them. */
export function eventsJsonLines(events: readonly AuditEvent[]): string {
  return events.map((event) => JSON.stringify(event)).join('\n') + (events.length > 0 ? '\n' : '');
}

export function auditPage(
  frame: PageFrame,
  input: {
    fields: AuditFilterFields;
    events: readonly AuditEvent[];
    next?: string | undefined;
    error?: string | undefined;
  },
): string {
  const { t } = frame;
  const f = input.fields;
  const filter = new URLSearchParams({ user: f.user ?? '', type: f.type ?? '', from: f.from ?? '', to: f.to ?? '' });
  const rows = input.events
    .map(
      (event) => `<tr><th scope="row">${e(new Date(event.at).toISOString().replace('T', ' ').slice(0, 19))}</th>
<td>${e(event.type)}</td><td>${e(event.actor.id === undefined ? event.actor.kind : `${event.actor.kind}: ${event.actor.id}`)}</td>
<td>${e(event.userId === undefined ? '' : String(event.userId))}</td><td>${e(event.sourceAddress ?? '')}</td><td>${e(event.reason ?? '')}</td>
<td><code>${e(JSON.stringify(event.details))}</code></td></tr>`,
    )
    .join('\n');
  const next =
    input.next === undefined
      ? ''
      : `<p><a rel="next" href="${ADMIN_PATH}/audit?${new URLSearchParams({ ...Object.fromEntries(filter), cursor: input.next }).toString()}">${e(t('nextPage'))}</a></p>`;
  return consolePage(
    frame,
    t('auditHeading'),
    `<h1>${e(t('auditHeading'))}</h1>
<form class="form" method="get" action="${ADMIN_PATH}/audit">
<label for="user">${e(t('auditUser'))}</label>
<input id="user" name="user" type="text" autocapitalize="none" spellcheck="false" value="${e(f.user ?? '')}">
<label for="type">${e(t('auditType'))}</label>
<select id="type" name="type">
<option value="">${e(t('auditAnyType'))}</option>
${AUDIT_EVENT_TYPES.map((type) => `<option value="${e(type)}"${type === f.type ? ' selected' : ''}>${e(type)}</option>`).join('\n')}
</select>
<label for="from">${e(t('auditFrom'))}</label>
<input id="from" name="from" type="date" value="${e(f.from ?? '')}">
<label for="to">${e(t('auditTo'))}</label>
<input id="to" name="to" type="date" value="${e(f.to ?? '')}">
<button class="button" type="submit">${e(t('search'))}</button>
</form>
${alert(input.error)}<p><a href="${ADMIN_PATH}/audit/export?${new URLSearchParams({ ...Object.fromEntries(filter), format: 'csv' }).toString()}">${e(t('auditExportCsv'))}</a>
· <a href="${ADMIN_PATH}/audit/export?${new URLSearchParams({ ...Object.fromEntries(filter), format: 'jsonl' }).toString()}">${e(t('auditExportJsonl'))}</a></p>
${
  input.events.length === 0
    ? `<p>${e(t('none'))}</p>`
    : `${tableRegion(t('auditHeading'))}<table>
<thead><tr><th scope="col">${e(t('auditTime'))}</th><th scope="col">${e(t('auditType'))}</th><th scope="col">${e(t('auditActor'))}</th><th scope="col">${e(t('auditUserId'))}</th><th scope="col">${e(t('auditSource'))}</th><th scope="col">${e(t('auditReason'))}</th><th scope="col">${e(t('auditDetails'))}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`
}
${next}`,
  );
}
