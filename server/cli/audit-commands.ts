import { parseArgs } from 'node:util';
import { z } from 'zod';
import { openAdminService } from '../admin/open-admin';
import type { AdminService } from '../admin/admin-service';
import type { AuditEvent, AuditQuery } from '../audit/audit-log';
import { AUDIT_EVENT_TYPES, type AuditEventType } from '../audit/events';
import { csvHeader, csvRecord, jsonLine } from '../audit/export';
import { resolveDatabase, resolveDataDir } from './arguments';
import { UsageError, type CliIo } from './cli-io';

const where = { 'data-dir': { type: 'string' }, database: { type: 'string' } } as const;
const filters = {
  ...where,
  user: { type: 'string' },
  type: { type: 'string', multiple: true },
  from: { type: 'string' },
  to: { type: 'string' },
} as const;

const SUBCOMMANDS = {
  list: { ...filters, limit: { type: 'string' } },
  export: { ...filters, format: { type: 'string' } },
  prune: where,
  retention: { ...where, days: { type: 'string' } },
  'dead-letters': { ...where, retry: { type: 'string' }, 'retry-all': { type: 'boolean' } },
} as const;
type Subcommand = keyof typeof SUBCOMMANDS;

export const AUDIT_USAGE = `  audit list          [--user ID] [--type sign-in.failed]... [--from 2026-01-01] [--to 2026-02-01] [--limit 50]
  audit export        --format csv|jsonl [--user ID] [--type T]... [--from T] [--to T]   (to standard output)
  audit prune         deletes events older than the retention now (the server also does it hourly)
  audit retention     [--days N]   shows or sets how many days events are kept (default 365)
  audit dead-letters  [--retry EVENT-ID | --retry-all]   lists (or queues again) deliveries that failed every attempt`;

const Time = z
  .string()
  .transform((text) => Date.parse(text))
  .refine((ms) => Number.isFinite(ms), 'must be a date or time such as 2026-01-31 or 2026-01-31T12:00:00Z');
const Filters = z.object({
  user: z.string().optional(),
  type: z
    .array(z.enum(AUDIT_EVENT_TYPES as [AuditEventType, ...AuditEventType[]], 'is not an audit event type'))
    .optional(),
  from: Time.optional(),
  to: Time.optional(),
});
const Limit = z
  .string()
  .regex(/^\d{1,4}$/, 'must be a whole number from 1 to 1000')
  .transform(Number)
  .refine((n) => n >= 1 && n <= 1000, 'must be a whole number from 1 to 1000');

const EventId = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, 'must be an event id, such as 42')
  .transform(Number);

/** `audit <subcommand>`: the audit log (docs/audit-events.md). */
export async function runAuditCommand(args: readonly string[], io: CliIo): Promise<void> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined || !Object.hasOwn(SUBCOMMANDS, subcommand)) {
    throw new UsageError(`audit needs one of: ${Object.keys(SUBCOMMANDS).join(', ')}.`);
  }
  const name = subcommand as Subcommand;
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: [...rest], options: SUBCOMMANDS[name], strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const dataDir = resolveDataDir(values['data-dir'] as string | undefined, io);
  const admin = await openAdminService({
    dataDir,
    database: resolveDatabase(dataDir, values.database as string | undefined, io),
    secretKey: io.env.KEYWAY_SECRET_KEY,
  });
  try {
    await run(admin, name, values, io);
  } finally {
    admin.close();
  }
}

async function run(admin: AdminService, name: Subcommand, values: Record<string, unknown>, io: CliIo): Promise<void> {
  switch (name) {
    case 'list': {
      const limit = values.limit === undefined ? 50 : parse(Limit, values.limit, 'limit');
      const { events } = await admin.auditEvents({ ...(await queryOf(admin, values)), limit });
      if (events.length === 0) io.out('No audit events match.');
      for (const event of events) io.out(describe(event));
      return;
    }
    case 'export': {
      const format = values.format;
      if (format !== 'csv' && format !== 'jsonl') throw new UsageError('--format must be csv or jsonl.');
      const query = await queryOf(admin, values);
      // CRLF record ends for CSV (RFC 4180): io.out adds the LF.
      if (format === 'csv') io.out(csvHeader().slice(0, -1));
      let cursor: string | undefined;
      do {
        const page = await admin.auditEvents({ ...query, limit: 1000, cursor });
        for (const event of page.events) io.out((format === 'csv' ? csvRecord(event) : jsonLine(event)).slice(0, -1));
        cursor = page.next;
      } while (cursor !== undefined);
      return;
    }
    case 'prune': {
      const removed = await admin.pruneAudit();
      io.out(
        `Removed ${removed} audit event${removed === 1 ? '' : 's'} older than ${await admin.auditRetentionDays()} days.`,
      );
      return;
    }
    case 'dead-letters': {
      if (values.retry !== undefined && values['retry-all'] === true) {
        throw new UsageError('--retry and --retry-all cannot be combined.');
      }
      if (values.retry !== undefined || values['retry-all'] === true) {
        const eventId = values.retry === undefined ? undefined : parse(EventId, values.retry, 'retry');
        const revived = await admin.retryAuditDeadLetters(eventId);
        io.out(`Queued ${revived} audit deliver${revived === 1 ? 'y' : 'ies'} again.`);
        return;
      }
      const dead = await admin.auditDeadLetters();
      if (dead.length === 0) io.out('No dead audit deliveries.');
      for (const letter of dead) {
        io.out(
          `event ${letter.eventId}  to ${letter.sink}  after ${letter.attempts} attempts  ${letter.lastError ?? ''}`.trimEnd(),
        );
      }
      return;
    }
    case 'retention': {
      if (values.days !== undefined) {
        const days = Number(values.days);
        await admin.setAuditRetentionDays(days);
      }
      io.out(`Audit events are kept for ${await admin.auditRetentionDays()} days.`);
      return;
    }
  }
}

async function queryOf(admin: AdminService, values: Record<string, unknown>): Promise<Omit<AuditQuery, 'limit'>> {
  const result = Filters.safeParse(values);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UsageError(`--${String(issue?.path[0] ?? 'option')} ${issue?.message ?? 'is not valid'}.`);
  }
  const { user, type, from, to } = result.data;
  return {
    ...(user === undefined ? {} : { userId: await admin.auditUserId(user) }),
    ...(type === undefined ? {} : { types: type }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  };
}

function parse<T>(schema: z.ZodType<T>, value: unknown, option: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new UsageError(`--${option} ${result.error.issues[0]?.message ?? 'is not valid'}.`);
}

function describe(event: AuditEvent): string {
  const actor = event.actor.id === undefined ? event.actor.kind : `${event.actor.kind} ${event.actor.id}`;
  const parts = [
    new Date(event.at).toISOString(),
    event.type,
    `by ${actor}`,
    event.userId === undefined ? undefined : `user ${event.userId}`,
    event.reason,
    event.sourceAddress === undefined ? undefined : `from ${event.sourceAddress}`,
    JSON.stringify(event.details),
  ];
  return parts.filter((part) => part !== undefined).join('  ');
}
