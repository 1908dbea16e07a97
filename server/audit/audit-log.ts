import { z } from 'zod';
import { KeywayError } from '../../protocol/errors';
import { readSetting, writeSetting } from '../storage/settings';
import type { Row } from '../storage/schema';
import type { Storage } from '../storage/storage';
import { currentAuditSource } from './context';
import {
  AdminName,
  AUDIT_EVENT_TYPES,
  AUDIT_EVENTS,
  classOf,
  type ActorKind,
  type AuditClass,
  type AuditEventInput,
  type AuditEventType,
  type AuditSource,
} from './events';

/** One recorded event, as the query API, the exports and the webhooks show it. */
export interface AuditEvent {
  id: number;
  /** Milliseconds since the epoch, from the recording server's clock. */
  at: number;
  type: AuditEventType;
  class: AuditClass;
  actor: { kind: ActorKind; id?: string };
  userId?: number;
  sourceAddress?: string;
  userAgent?: string;
  installationId?: string;
  reason?: string;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  userId?: number | undefined;
  types?: readonly AuditEventType[] | undefined;
  /** Inclusive lower bound on `at` (ms). */
  from?: number | undefined;
  /** Exclusive upper bound on `at` (ms). */
  to?: number | undefined;
  /** 1–1000. */
  limit: number;
  /** The `next` of the previous page. */
  cursor?: string | undefined;
}

export interface AuditPage {
  /** Newest first. */
  events: AuditEvent[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  next?: string;
}

const DEFAULT_RETENTION_DAYS = 365;
const MAX_QUERY_LIMIT = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A user agent is the client's own words: kept short, printable ASCII only. */
const USER_AGENT_MAX = 200;

const Query = z.strictObject({
  userId: z.number().int().positive().optional(),
  types: z
    .array(z.enum(AUDIT_EVENT_TYPES as [AuditEventType, ...AuditEventType[]]))
    .max(100)
    .optional(),
  from: z.number().int().min(0).optional(),
  to: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(MAX_QUERY_LIMIT),
  cursor: z
    .string()
    .regex(/^\d{1,16}\.\d{1,16}$/, 'not a cursor from a previous page')
    .optional(),
});

const Actor = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('user'), userId: z.number().int().positive() }),
  z.strictObject({ kind: z.literal('admin'), name: AdminName }),
  z.strictObject({ kind: z.literal('system') }),
  z.strictObject({ kind: z.literal('anonymous') }),
]);
const InstallationId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
/** What a proxy-aware request.ip can be: an IPv4 or IPv6 address, nothing else. */
const SourceAddress = z.union([z.ipv4(), z.ipv6()]);

/**
 * The audit trail: an append-only table (migration 13; a trigger refuses every UPDATE on both engines).
 * `record` joins the caller's transaction (`storage.q()`), so an event commits, or rolls back, with the
 * fact it reports, and writes the event's outbox rows (one per configured sink) in the same statement
 * batch. The only DELETE is retention (`prune`).
 */
export class AuditLog {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    /** The sinks that get every event of a class: 'webhook:<class>' and/or 'file' (outbox.ts). */
    private readonly sinksFor: (eventClass: AuditClass) => readonly string[] = () => [],
  ) {}

  /**
   * Records one event. Throws (and so rolls back the caller's transaction) when the event does not fit its
   * catalogue entry: an unknown field in details, a reason or an actor kind the type does not allow.
   */
  async record(input: AuditEventInput, source: AuditSource = currentAuditSource()): Promise<void> {
    const row = this.validated(input, source);
    const q = this.storage.q();
    const { id } = await q.insertInto('audit_events').values(row).returning('id').executeTakeFirstOrThrow();
    const sinks = this.sinksFor(classOf(input.type));
    if (sinks.length === 0) return;
    await q
      .insertInto('audit_outbox')
      .values(
        sinks.map((sink) => ({
          event_id: id,
          sink,
          state: 'pending' as const,
          attempts: 0,
          next_attempt_at: row.at,
          claimed_until: null,
          last_error: null,
        })),
      )
      .execute();
  }

  /** Runs `work` as one transaction (nested: a savepoint), so the events it records commit with it. */
  atomically<T>(work: () => Promise<T>): Promise<T> {
    return this.storage.transaction(work);
  }

  /** A page of events, newest first, by keyset (at, id): each page costs the same at any depth. */
  async query(request: AuditQuery): Promise<AuditPage> {
    const parsed = Query.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new KeywayError(
        'invalid_input',
        `The audit query's ${String(issue?.path[0] ?? 'input')} is not valid: ${issue?.message ?? 'unknown problem'}.`,
      );
    }
    const { userId, types, from, to, limit, cursor } = parsed.data;
    let query = this.storage.q().selectFrom('audit_events').selectAll();
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    if (types !== undefined) {
      if (types.length === 0) return { events: [] };
      query = query.where('type', 'in', types);
    }
    if (from !== undefined) query = query.where('at', '>=', from);
    if (to !== undefined) query = query.where('at', '<', to);
    if (cursor !== undefined) {
      const [at, id] = cursor.split('.').map(Number) as [number, number];
      query = query.where((eb) => eb(eb.refTuple('at', 'id'), '<', eb.tuple(at, id)));
    }
    const rows = await query
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const events = rows.slice(0, limit).map(toEvent);
    const last = events.at(-1);
    return rows.length > limit && last ? { events, next: `${last.at}.${last.id}` } : { events };
  }

  /** How many days events are kept (the `audit_retention_days` setting; DEFAULT_RETENTION_DAYS). */
  async retentionDays(): Promise<number> {
    const stored = await readSetting(this.storage, 'audit_retention_days');
    const days = stored === undefined ? NaN : Number(stored);
    return Number.isInteger(days) && days >= 1 ? days : DEFAULT_RETENTION_DAYS;
  }

  async setRetentionDays(days: number): Promise<void> {
    if (!Number.isInteger(days) || days < 1 || days > 36_500) {
      throw new KeywayError('invalid_input', 'The audit retention must be a whole number of days from 1 to 36500.');
    }
    await writeSetting(this.storage, 'audit_retention_days', String(days));
  }

  /**
   * Retention: deletes the events older than the retention period (and their undelivered outbox rows,
   * by cascade), then records that it did, so the trail shows its own gaps. Returns how many it removed.
   */
  async prune(actor: AuditEventInput['actor'] = { kind: 'system' }): Promise<number> {
    const before = this.clock() - (await this.retentionDays()) * DAY_MS;
    return this.storage.transaction(async () => {
      const result = await this.storage.q().deleteFrom('audit_events').where('at', '<', before).executeTakeFirst();
      const events = Number(result.numDeletedRows);
      if (events > 0) await this.record({ type: 'audit.pruned', actor, details: { events, before } }, {});
      return events;
    });
  }

  private validated(input: AuditEventInput, source: AuditSource): Omit<Row<'audit_events'>, 'id'> {
    // Own keys only: "constructor" or "__proto__" is no event type.
    if (!Object.hasOwn(AUDIT_EVENTS, input.type)) {
      throw new Error(`audit: "${input.type}" is not in the event catalogue.`);
    }
    const definition = AUDIT_EVENTS[input.type];
    const actor = Actor.parse(input.actor);
    if (!(definition.actors as readonly string[]).includes(actor.kind)) {
      throw new Error(`audit: ${input.type} cannot have a ${actor.kind} actor.`);
    }
    if (input.reason !== undefined && !(definition.reasons as readonly string[]).includes(input.reason)) {
      throw new Error(`audit: ${input.type} has no reason "${input.reason}".`);
    }
    const details: unknown = definition.details.parse(input.details);
    const userId = input.userId ?? (actor.kind === 'user' ? actor.userId : undefined);
    return {
      at: this.clock(),
      type: input.type,
      actor_kind: actor.kind,
      actor: actor.kind === 'user' ? String(actor.userId) : actor.kind === 'admin' ? actor.name : null,
      user_id: userId ?? null,
      source_address: parseOrNull(SourceAddress, source.sourceAddress),
      user_agent: cleanUserAgent(source.userAgent),
      installation_id: parseOrNull(InstallationId, input.installationId),
      reason: input.reason ?? null,
      details: JSON.stringify(details),
    };
  }
}

function parseOrNull(schema: z.ZodType<string>, value: string | undefined): string | null {
  if (value === undefined) return null;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function cleanUserAgent(value: string | undefined): string | null {
  if (value === undefined) return null;
  const cleaned = value.replace(/[^\x20-\x7e]/g, '').slice(0, USER_AGENT_MAX);
  return cleaned === '' ? null : cleaned;
}

export function toEvent(row: Row<'audit_events'>): AuditEvent {
  const type = row.type as AuditEventType;
  // A type this server does not know (written by a newer one) still reads back, under "system".
  const known = Object.hasOwn(AUDIT_EVENTS, row.type);
  return {
    id: row.id,
    at: row.at,
    type,
    class: known ? classOf(type) : 'system',
    actor: row.actor === null ? { kind: row.actor_kind } : { kind: row.actor_kind, id: row.actor },
    ...(row.user_id === null ? {} : { userId: row.user_id }),
    ...(row.source_address === null ? {} : { sourceAddress: row.source_address }),
    ...(row.user_agent === null ? {} : { userAgent: row.user_agent }),
    ...(row.installation_id === null ? {} : { installationId: row.installation_id }),
    ...(row.reason === null ? {} : { reason: row.reason }),
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}
