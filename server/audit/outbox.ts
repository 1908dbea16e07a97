import { createHmac } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { KeywayError } from '../../protocol/errors';
import type { Storage } from '../storage/storage';
import { toEvent, type AuditEvent } from './audit-log';
import { jsonLine } from './export';
import { FILE_SINK, webhookSink, type AuditSinks } from './sink-config';

/**
 * The audit outbox's delivery worker (one per server instance) and its dead letters.
 *
 * `AuditLog.record` writes one `audit_outbox` row per configured sink in the event's own transaction, so a
 * committed event is always owed to its sinks and a rolled-back one never is. The worker claims due rows
 * with a conditional UPDATE (`claimed_until` NULL or past, re-checked by the UPDATE itself), so two
 * instances never deliver one row at the same time; a delivered row is deleted, a failed one is retried
 * with exponential back-off and jitter, and after `maxAttempts` it is 'dead' until an admin retries it
 * (`audit dead-letters --retry`). Delivery is at least once: an instance that dies after a receiver
 * answered but before the DELETE leaves the row to be delivered again once its claim lapses, so receivers
 * drop duplicates by the event's `id` (docs/audit-webhook.md).
 */

const SIGNATURE_HEADER = 'x-keyway-signature';
const EVENT_ID_HEADER = 'x-keyway-event-id';
const TIMESTAMP_HEADER = 'x-keyway-timestamp';
const ATTEMPT_HEADER = 'x-keyway-delivery-attempt';

export interface DeliveryOptions {
  /** Attempts before a row is dead (default 12: 1.7–3.4 h of retries with the default delays). */
  maxAttempts?: number | undefined;
  /** The delay after the first failure, doubled after each further one (default 10 s). */
  baseDelayMs?: number | undefined;
  /** The longest delay between two attempts (default 1 h). */
  maxDelayMs?: number | undefined;
  /**
   * How long a claim holds before another instance may take the row. Default: long enough for a whole
   * batch to time out one after another (batch × timeout + 30 s), so a slow receiver never lets a second
   * instance take rows this one still means to send; a crashed instance's rows wait that long.
   */
  leaseMs?: number | undefined;
  /** One webhook request's time limit (default 10 s, as the SMS webhook). */
  timeoutMs?: number | undefined;
  /** Rows claimed per round (default 20); a full round is followed at once by the next. */
  batch?: number | undefined;
  /** [0, 1): the jitter's randomness; injectable so tests know the delay. */
  random?: (() => number) | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface RoundResult {
  delivered: number;
  failed: number;
  dead: number;
}

/**
 * Exponential back-off with "equal jitter": half the exponential delay is fixed, half random, so retries
 * of many rows spread out but each still waits at least half its step. The step is capped at `maxMs`
 * (the cap also keeps 2^n from overflowing into Infinity after many attempts).
 */
export function backoffMs(failures: number, random: number, baseMs: number, maxMs: number): number {
  const exponent = Math.max(0, failures - 1);
  const step = Math.min(maxMs, baseMs * 2 ** Math.min(exponent, 52));
  return Math.round(step / 2 + (step / 2) * Math.min(Math.max(random, 0), 1));
}

/** The HMAC-SHA256 of the exact body bytes, keyed with the secret as UTF-8: the SMS webhook's signature. */
export function auditSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(body, 'utf8').digest('hex')}`;
}

export class AuditDelivery {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly leaseMs: number;
  private readonly timeoutMs: number;
  private readonly batch: number;
  private readonly random: () => number;
  private readonly log: (line: string) => void;
  private readonly sinkNames: string[];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    private readonly sinks: AuditSinks,
    options: DeliveryOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 12;
    this.baseDelayMs = options.baseDelayMs ?? 10_000;
    this.maxDelayMs = options.maxDelayMs ?? 60 * 60 * 1000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.batch = options.batch ?? 20;
    this.leaseMs = options.leaseMs ?? this.batch * this.timeoutMs + 30_000;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? (() => undefined);
    this.sinkNames = [
      ...[...sinks.webhooks.keys()].map(webhookSink),
      ...(sinks.logFile === undefined ? [] : [FILE_SINK]),
    ];
  }

  /** Delivers every due row this instance can claim, once; resolves when each is delivered or rescheduled. */
  async runOnce(): Promise<RoundResult> {
    const result: RoundResult = { delivered: 0, failed: 0, dead: 0 };
    if (this.sinkNames.length === 0) return result;
    const claimed = await this.claim();
    if (claimed.length === 0) return result;
    const events = await this.events(claimed.map((row) => row.eventId));
    // The file first and in event order, so the file reads in the order events were recorded.
    for (const row of claimed) {
      const event = events.get(row.eventId);
      const outcome = await this.deliver(row, event);
      result[outcome] += 1;
    }
    return result;
  }

  /** Polls every `intervalMs` (unref'd: it never holds the process open) until stop(). */
  start(intervalMs = 2000): void {
    const tick = (): void => {
      if (this.stopped) return;
      let full = false;
      this.running = this.runOnce()
        .then((round) => {
          full = round.delivered + round.failed + round.dead >= this.batch;
        })
        .catch((error: unknown) => this.log(`error: audit: delivery round failed: ${messageOf(error)}`))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) {
            // A full round means more may be due: go on at once rather than after the interval.
            this.timer = setTimeout(tick, full ? 0 : intervalMs);
            this.timer.unref();
          }
        });
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }

  /** Graceful shutdown: no new round starts; the one in flight finishes (its rows delivered or rescheduled). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async claim(): Promise<{ eventId: number; sink: string; attempts: number; lease: number }[]> {
    const now = this.clock();
    const lease = now + this.leaseMs;
    const q = this.storage.q();
    const due = await q
      .selectFrom('audit_outbox')
      .select(['event_id', 'sink', 'attempts'])
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where('sink', 'in', this.sinkNames)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .orderBy('event_id')
      .orderBy('sink')
      .limit(this.batch)
      .execute();
    const claimed = [];
    for (const row of due) {
      // The condition is the claim: another instance that read the same row a moment ago has either
      // already set claimed_until into the future (this UPDATE then matches nothing), or will find it set.
      const updated = await q
        .updateTable('audit_outbox')
        .set({ claimed_until: lease })
        .where('event_id', '=', row.event_id)
        .where('sink', '=', row.sink)
        .where('state', '=', 'pending')
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 1) {
        claimed.push({ eventId: row.event_id, sink: row.sink, attempts: row.attempts, lease });
      }
    }
    return claimed;
  }

  private async events(ids: number[]): Promise<Map<number, AuditEvent>> {
    const rows = await this.storage.q().selectFrom('audit_events').selectAll().where('id', 'in', ids).execute();
    return new Map(rows.map((row) => [row.id, toEvent(row)]));
  }

  private async deliver(
    row: { eventId: number; sink: string; attempts: number; lease: number },
    event: AuditEvent | undefined,
  ): Promise<'delivered' | 'failed' | 'dead'> {
    const mine = (qb: ReturnType<Storage['q']>) =>
      qb
        .updateTable('audit_outbox')
        .where('event_id', '=', row.eventId)
        .where('sink', '=', row.sink)
        .where('claimed_until', '=', row.lease);
    try {
      // Pruned by retention since the claim: nothing left to deliver (the cascade removes the row too).
      if (event !== undefined) await this.send(row.sink, event, row.attempts + 1);
      await this.storage
        .q()
        .deleteFrom('audit_outbox')
        .where('event_id', '=', row.eventId)
        .where('sink', '=', row.sink)
        .where('claimed_until', '=', row.lease)
        .execute();
      return 'delivered';
    } catch (error) {
      const attempts = row.attempts + 1;
      const lastError = messageOf(error).slice(0, 500);
      const dead = attempts >= this.maxAttempts;
      const next = this.clock() + backoffMs(attempts, this.random(), this.baseDelayMs, this.maxDelayMs);
      await mine(this.storage.q())
        .set({
          attempts,
          last_error: lastError,
          claimed_until: null,
          ...(dead ? { state: 'dead' as const } : { next_attempt_at: next }),
        })
        .execute();
      this.log(
        `${dead ? 'error' : 'warning'}: audit: event ${row.eventId} to ${row.sink}: ${lastError}` +
          (dead ? ` (dead after ${attempts} attempts; audit dead-letters --retry ${row.eventId})` : ''),
      );
      return dead ? 'dead' : 'failed';
    }
  }

  private async send(sink: string, event: AuditEvent, attempt: number): Promise<void> {
    const line = jsonLine(event);
    if (sink === FILE_SINK) {
      if (this.sinks.logFile === undefined) throw new Error('no audit log file is configured');
      // One write of one whole line, O_APPEND: concurrent appenders never interleave inside a line.
      await appendFile(this.sinks.logFile, line, { encoding: 'utf8', mode: 0o600, flag: 'a' });
      return;
    }
    const eventClass = sink.startsWith('webhook:') ? sink.slice('webhook:'.length) : '';
    const url = [...this.sinks.webhooks].find(([name]) => name === eventClass)?.[1];
    if (url === undefined) throw new Error(`no webhook is configured for ${sink}`);
    const body = line.slice(0, -1);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: auditSignature(this.sinks.webhookSecret, body),
        [EVENT_ID_HEADER]: String(event.id),
        [TIMESTAMP_HEADER]: String(event.at),
        [ATTEMPT_HEADER]: String(attempt),
      },
      body,
      // A redirect is a failure, never followed: the body would go where the admin did not say.
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.body?.cancel();
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`the webhook answered ${response.status}`);
    }
  }
}

export interface DeadLetter {
  eventId: number;
  sink: string;
  attempts: number;
  lastError?: string;
}

/** The audit outbox's dead letters, for the CLI (`audit dead-letters`). */
export class AuditDeadLetters {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  async list(limit = 1000): Promise<DeadLetter[]> {
    const rows = await this.storage
      .q()
      .selectFrom('audit_outbox')
      .select(['event_id', 'sink', 'attempts', 'last_error'])
      .where('state', '=', 'dead')
      .orderBy('event_id')
      .orderBy('sink')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      eventId: row.event_id,
      sink: row.sink,
      attempts: row.attempts,
      ...(row.last_error === null ? {} : { lastError: row.last_error }),
    }));
  }

  /**
   * Makes dead rows pending again, due now, with a fresh count of attempts; `eventId` limits it to that
   * event's rows. Returns how many rows it revived (an unknown id is not_found).
   */
  async retry(eventId?: number): Promise<number> {
    let query = this.storage
      .q()
      .updateTable('audit_outbox')
      .set({ state: 'pending', attempts: 0, next_attempt_at: this.clock(), claimed_until: null })
      .where('state', '=', 'dead');
    if (eventId !== undefined) query = query.where('event_id', '=', eventId);
    const revived = Number((await query.executeTakeFirst()).numUpdatedRows);
    if (eventId !== undefined && revived === 0) {
      throw new KeywayError('not_found', `Event ${eventId} has no dead audit delivery.`);
    }
    return revived;
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    // fetch wraps the network cause ("fetch failed"); the cause says what happened.
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}
