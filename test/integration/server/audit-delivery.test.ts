import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it, vi } from 'vitest';
import { AuditLog } from '../../../server/audit/audit-log';
import type { AuditEventInput } from '../../../server/audit/events';
import { jsonLine } from '../../../server/audit/export';
import { AuditDeadLetters, AuditDelivery, type DeliveryOptions } from '../../../server/audit/outbox';
import { parseAuditSinks, sinksOf, type AuditSinkOptions } from '../../../server/audit/sink-config';
import type { Storage } from '../../../server/storage/storage';
import { startAuditReceiver } from '../../support/audit-receiver';
import { forEachEngine } from '../../support/engines';
import { tempDir } from './server-fixture';

const SECRET = 'audit-webhook-secret-for-tests';
const signIn = (userId: number): AuditEventInput => ({
  type: 'sign-in.succeeded',
  actor: { kind: 'user', userId },
  details: { method: 'password' },
});
const adminAction: AuditEventInput = {
  type: 'admin.otp-client-created',
  actor: { kind: 'admin', name: 'cli:auditor' },
  details: { client: 'vpn' },
};

interface Rig {
  audit: AuditLog;
  delivery: AuditDelivery;
  deadLetters: AuditDeadLetters;
  clock: { now: number };
}

function rig(storage: Storage, options: AuditSinkOptions, delivery: DeliveryOptions = {}): Rig {
  const clock = { now: 1_000_000 };
  const sinks = parseAuditSinks({ webhookSecret: SECRET, ...options });
  return {
    audit: new AuditLog(storage, () => clock.now, sinksOf(sinks)),
    delivery: new AuditDelivery(storage, () => clock.now, sinks, { random: () => 0, ...delivery }),
    deadLetters: new AuditDeadLetters(storage, () => clock.now),
    clock,
  };
}

async function outbox(
  storage: Storage,
): Promise<{ event_id: number; sink: string; state: string; attempts: number }[]> {
  return storage.q().selectFrom('audit_outbox').select(['event_id', 'sink', 'state', 'attempts']).execute();
}

forEachEngine('audit delivery', (open, engine) => {
  it('POSTs each event to its class webhook, signed with the secret, and removes it from the outbox', async () => {
    const storage = await open();
    const receiver = await startAuditReceiver(SECRET);
    const { audit, delivery } = rig(storage, {
      webhooks: { 'sign-in': `${receiver.origin}/sign-in`, admin: `${receiver.origin}/admin` },
    });
    await audit.record(signIn(7));
    await audit.record(adminAction);
    expect(await delivery.runOnce()).toEqual({ delivered: 2, failed: 0, dead: 0 });

    const events = (await audit.query({ limit: 10 })).events.reverse();
    expect(receiver.received.map((each) => each.path)).toEqual(['/sign-in', '/admin']);
    for (const [index, each] of receiver.received.entries()) {
      const event = events[index];
      if (event === undefined) throw new Error('missing event');
      expect(each.signatureValid, 'the receiver verifies the signature with the shared secret').toBe(true);
      // The same object as `audit export --format jsonl`.
      expect(`${each.body}\n`).toBe(jsonLine(event));
      expect(each.headers['content-type']).toBe('application/json');
      expect(each.headers['x-keyway-event-id']).toBe(String(event.id));
      expect(each.headers['x-keyway-timestamp']).toBe(String(event.at));
      expect(each.headers['x-keyway-delivery-attempt']).toBe('1');
    }
    expect(await outbox(storage)).toEqual([]);
    expect(await delivery.runOnce()).toEqual({ delivered: 0, failed: 0, dead: 0 });
    expect(receiver.received).toHaveLength(2);
  });

  it('a receiver holding another key rejects the signature', async () => {
    const storage = await open();
    const receiver = await startAuditReceiver('a-different-secret-entirely');
    const { audit, delivery } = rig(storage, { webhooks: { 'sign-in': receiver.origin } });
    await audit.record(signIn(7));
    await delivery.runOnce();
    expect(receiver.received.map((each) => each.signatureValid)).toEqual([false]);
  });

  it('retries a failed delivery with exponential back-off by the injected clock, then delivers it', async () => {
    const storage = await open();
    const receiver = await startAuditReceiver(SECRET);
    receiver.answers.push(500, 503);
    const { audit, delivery, clock } = rig(
      storage,
      { webhooks: { 'sign-in': receiver.origin } },
      { baseDelayMs: 10_000 },
    );
    await audit.record(signIn(7));

    expect(await delivery.runOnce()).toEqual({ delivered: 0, failed: 1, dead: 0 });
    // random() = 0: half of the 10 s step. Not due before, due exactly then.
    clock.now += 4_999;
    expect(await delivery.runOnce()).toEqual({ delivered: 0, failed: 0, dead: 0 });
    clock.now += 1;
    expect(await delivery.runOnce()).toEqual({ delivered: 0, failed: 1, dead: 0 });
    // Doubled: 10 s after the second failure.
    clock.now += 9_999;
    expect(await delivery.runOnce()).toEqual({ delivered: 0, failed: 0, dead: 0 });
    clock.now += 1;
    expect(await delivery.runOnce()).toEqual({ delivered: 1, failed: 0, dead: 0 });

    expect(receiver.received.map((each) => each.headers['x-keyway-delivery-attempt'])).toEqual(['1', '2', '3']);
    // The same signed body each time: receivers drop the duplicates by id.
    expect(new Set(receiver.received.map((each) => each.body)).size).toBe(1);
    expect(await outbox(storage)).toEqual([]);
  });

  it('never waits longer than the cap between attempts', async () => {
    const storage = await open();
    const receiver = await startAuditReceiver(SECRET);
    receiver.answers.push(...Array<number>(8).fill(500));
    const { audit, delivery, clock } = rig(
      storage,
      { webhooks: { 'sign-in': receiver.origin } },
      { baseDelayMs: 1_000, maxDelayMs: 4_000, random: () => 0.999_999 },
    );
    await audit.record(signIn(7));
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      expect((await delivery.runOnce()).failed, `attempt ${attempt}`).toBe(1);
      const [row] = await storage.q().selectFrom('audit_outbox').select('next_attempt_at').execute();
      expect(row?.next_attempt_at, `attempt ${attempt}`).toBeLessThanOrEqual(clock.now + 4_000);
      clock.now = row?.next_attempt_at ?? clock.now;
    }
  });

  it('marks a row dead after the last attempt, lists it, and delivers it again once retried', async () => {
    const storage = await open();
    const receiver = await startAuditReceiver(SECRET);
    receiver.answers.push(500, 500, 500);
    const { audit, delivery, deadLetters, clock } = rig(
      storage,
      { webhooks: { 'sign-in': receiver.origin } },
      { maxAttempts: 3, baseDelayMs: 1_000 },
    );
    await audit.record(signIn(7));
    const [event] = (await audit.query({ limit: 1 })).events;
    const results = [];
    for (let round = 0; round < 3; round += 1) {
      results.push(await delivery.runOnce());
      clock.now += 60 * 60 * 1000;
    }
    expect(results.map((each) => (each.dead === 1 ? 'dead' : each.failed === 1 ? 'failed' : 'none'))).toEqual([
      'failed',
      'failed',
      'dead',
    ]);
    // Dead rows are not tried again by the worker.
    expect(await delivery.runOnce()).toEqual({ delivered: 0, failed: 0, dead: 0 });
    expect(receiver.received).toHaveLength(3);
    expect(await deadLetters.list()).toEqual([
      { eventId: event?.id, sink: 'webhook:sign-in', attempts: 3, lastError: 'the webhook answered 500' },
    ]);

    await expect(deadLetters.retry(999_999)).rejects.toThrow(/Event 999999 has no dead audit delivery/);
    expect(await deadLetters.retry(event?.id)).toBe(1);
    expect(await deadLetters.list()).toEqual([]);
    expect(await delivery.runOnce()).toEqual({ delivered: 1, failed: 0, dead: 0 });
    expect(receiver.received.map((each) => each.headers['x-keyway-delivery-attempt'])).toEqual(['1', '2', '3', '1']);
    expect(await outbox(storage)).toEqual([]);
  });

  it('does not follow a redirect: the body goes only where the admin said', async () => {
    const storage = await open();
    const receiver = await startAuditReceiver(SECRET);
    receiver.answers.push(307);
    const { audit, delivery } = rig(storage, { webhooks: { 'sign-in': receiver.origin } });
    await audit.record(signIn(7));
    expect(await delivery.runOnce()).toEqual({ delivered: 0, failed: 1, dead: 0 });
    expect(receiver.received.map((each) => each.path)).toEqual(['/']);
  });

  it('appends one JSON line per event to the log file, in the order they were recorded', async () => {
    const storage = await open();
    const file = path.join(tempDir(), 'audit.jsonl');
    const { audit, delivery } = rig(storage, { logFile: file });
    await audit.record(signIn(7));
    await audit.record(adminAction);
    await audit.record(signIn(8));
    expect(await delivery.runOnce()).toEqual({ delivered: 3, failed: 0, dead: 0 });
    await audit.record(signIn(9));
    expect(await delivery.runOnce()).toEqual({ delivered: 1, failed: 0, dead: 0 });

    const events = (await audit.query({ limit: 10 })).events.reverse();
    expect(readFileSync(file, 'utf8')).toBe(events.map(jsonLine).join(''));
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(5);
  });

  it("leaves a row another instance holds alone until that claim lapses (a crashed instance's rows)", async () => {
    const storage = await open();
    const receiver = await startAuditReceiver(SECRET);
    const { audit, delivery, clock } = rig(storage, { webhooks: { 'sign-in': receiver.origin } });
    await audit.record(signIn(7));
    // What an instance that claimed the row and then died leaves behind.
    await storage
      .q()
      .updateTable('audit_outbox')
      .set({ claimed_until: clock.now + 30_000 })
      .execute();
    expect(await delivery.runOnce()).toEqual({ delivered: 0, failed: 0, dead: 0 });
    clock.now += 29_999;
    expect(await delivery.runOnce()).toEqual({ delivered: 0, failed: 0, dead: 0 });
    clock.now += 1;
    expect(await delivery.runOnce()).toEqual({ delivered: 1, failed: 0, dead: 0 });
    expect(receiver.received).toHaveLength(1);
  });

  it('stops gracefully: the round in flight finishes before stop() resolves', async () => {
    const storage = await open();
    const receiver = await startAuditReceiver(SECRET, { delayMs: 200 });
    const { audit, delivery } = rig(storage, { webhooks: { 'sign-in': receiver.origin } });
    await audit.record(signIn(7));
    delivery.start(10);
    // Wait for the claim (its own row's state), then stop mid-delivery.
    await vi.waitFor(async () => {
      const [row] = await storage.q().selectFrom('audit_outbox').select('claimed_until').execute();
      expect(row?.claimed_until).not.toBeNull();
    });
    await delivery.stop();
    expect(receiver.received).toHaveLength(1);
    expect(await outbox(storage)).toEqual([]);
  });

  it('two instances on one database deliver each row once, however their rounds interleave', async () => {
    const location = await engine.fresh();
    const first = await engine.open(location);
    const second = await engine.open(location);
    // A slow receiver, so the two instances' rounds overlap.
    const receiver = await startAuditReceiver(SECRET, { delayMs: 5 });
    const a = rig(first, { webhooks: { 'sign-in': receiver.origin } }, { batch: 100 });
    const b = rig(second, { webhooks: { 'sign-in': receiver.origin } }, { batch: 100 });
    for (let user = 1; user <= 30; user += 1) await a.audit.record(signIn(user));

    const rounds = await Promise.all([
      a.delivery.runOnce(),
      b.delivery.runOnce(),
      a.delivery.runOnce(),
      b.delivery.runOnce(),
    ]);
    expect(rounds.reduce((sum, each) => sum + each.delivered, 0)).toBe(30);
    const ids = receiver.received.map((each) => each.headers['x-keyway-event-id']);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect(await outbox(first)).toEqual([]);
  });
});
