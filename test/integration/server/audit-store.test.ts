import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { AuditLog } from '../../../server/audit/audit-log';
import { withAuditSource } from '../../../server/audit/context';
import type { AuditEventInput } from '../../../server/audit/events';
import { forEachEngine } from '../../support/engines';

const ANA = { kind: 'user', userId: 7 } as const;

function signIn(userId: number): AuditEventInput {
  return { type: 'sign-in.succeeded', actor: { kind: 'user', userId }, details: { method: 'password' } };
}

forEachEngine('AuditLog', (open) => {
  it('records an event with its source and reads it back, newest first, in keyset pages', async () => {
    const storage = await open();
    let now = 1_000;
    const audit = new AuditLog(storage, () => now);
    await withAuditSource({ sourceAddress: '192.0.2.7', userAgent: 'Keyway/1.0 (Linux)' }, () =>
      audit.record({ ...signIn(7), installationId: 'inst-AAAAAAAAAAAAAAAA' }),
    );
    for (let index = 0; index < 4; index += 1) {
      now += index % 2; // two events share each millisecond: the id breaks the tie
      await audit.record(signIn(index + 10));
    }
    const first = await audit.query({ limit: 2 });
    expect(first.events.map((event) => event.userId)).toEqual([13, 12]);
    expect(first.next).toBeDefined();
    const second = await audit.query({ limit: 2, cursor: first.next });
    expect(second.events.map((event) => event.userId)).toEqual([11, 10]);
    const third = await audit.query({ limit: 2, cursor: second.next });
    expect(third.next).toBeUndefined();
    expect(third.events).toEqual([
      {
        id: expect.any(Number) as number,
        at: 1_000,
        type: 'sign-in.succeeded',
        class: 'sign-in',
        actor: { kind: 'user', id: '7' },
        userId: 7,
        sourceAddress: '192.0.2.7',
        userAgent: 'Keyway/1.0 (Linux)',
        installationId: 'inst-AAAAAAAAAAAAAAAA',
        details: { method: 'password' },
      },
    ]);
  });

  it('filters by user, types and a time range', async () => {
    const storage = await open();
    let now = 0;
    const audit = new AuditLog(storage, () => now);
    for (const userId of [1, 2, 1, 2]) {
      now += 100;
      await audit.record(signIn(userId));
    }
    now += 100;
    await audit.record({
      type: 'sign-in.failed',
      actor: { kind: 'anonymous' },
      userId: 1,
      reason: 'invalid_credentials',
      details: { method: 'password' },
    });
    const ats = async (query: Parameters<AuditLog['query']>[0]) =>
      (await audit.query(query)).events.map((event) => event.at);
    expect(await ats({ limit: 10, userId: 1 })).toEqual([500, 300, 100]);
    expect(await ats({ limit: 10, types: ['sign-in.failed'] })).toEqual([500]);
    expect(await ats({ limit: 10, userId: 1, types: ['sign-in.succeeded'] })).toEqual([300, 100]);
    expect(await ats({ limit: 10, from: 200, to: 400 })).toEqual([300, 200]);
    expect(await ats({ limit: 10, types: [] })).toEqual([]);
  });

  it('refuses bad queries with invalid_input naming the field', async () => {
    const audit = new AuditLog(await open(), () => 0);
    await expect(audit.query({ limit: 0 })).rejects.toMatchObject({ code: 'invalid_input', message: /limit/ });
    await expect(audit.query({ limit: 10, cursor: "1' or 1=1" })).rejects.toMatchObject({
      code: 'invalid_input',
      message: /cursor/,
    });
    await expect(audit.query({ limit: 10, types: ['nope' as 'sign-in.failed'] })).rejects.toMatchObject({
      code: 'invalid_input',
      message: /types/,
    });
  });

  it('refuses an event that does not fit its catalogue entry, and writes nothing', async () => {
    const storage = await open();
    const audit = new AuditLog(storage, () => 0);
    const bad: unknown[] = [
      // a field the schema does not have (where a password would leak)
      { ...signIn(1), details: { method: 'password', password: 'hunter2-hunter2' } },
      // a free-form string where an enum belongs
      { ...signIn(1), details: { method: 'hunter2-hunter2' } },
      // a reason the type does not have
      { ...signIn(1), reason: 'invalid_credentials' },
      // an actor kind the type does not allow
      { ...signIn(1), actor: { kind: 'system' } },
      // an admin name that is not "cli:…" or "console:…"
      { type: 'admin.phone-set', actor: { kind: 'admin', name: 'root; hunter2' }, details: { phone: true } },
      { type: 'not.in.catalogue', actor: ANA, details: {} },
    ];
    for (const event of bad) await expect(audit.record(event as AuditEventInput)).rejects.toThrow();
    expect((await audit.query({ limit: 10 })).events).toEqual([]);
  });

  it('keeps a hostile source out: no address that is not an IP, no control characters in the user agent', async () => {
    const audit = new AuditLog(await open(), () => 0);
    await withAuditSource({ sourceAddress: 'evil\n', userAgent: `a\r\nX-Injected: 1${'b'.repeat(500)}` }, () =>
      audit.record(signIn(1)),
    );
    const [event] = (await audit.query({ limit: 1 })).events;
    expect(event?.sourceAddress).toBeUndefined();
    expect(event?.userAgent).toMatch(/^aX-Injected: 1b+$/);
    expect(event?.userAgent).toHaveLength(200);
  });

  it('is append-only: the database refuses an UPDATE of an event', async () => {
    const storage = await open();
    await new AuditLog(storage, () => 0).record(signIn(1));
    await expect(sql`UPDATE audit_events SET details = '{}'`.execute(storage.q())).rejects.toThrow(/append-only/);
  });

  it('an event rolls back with the transaction it was recorded in', async () => {
    const storage = await open();
    const audit = new AuditLog(storage, () => 0);
    await expect(
      storage.transaction(async () => {
        await audit.record(signIn(1));
        throw new Error('the fact did not become true');
      }),
    ).rejects.toThrow();
    expect((await audit.query({ limit: 10 })).events).toEqual([]);
  });

  it('retention deletes events older than the setting, and records that it did', async () => {
    const storage = await open();
    const day = 24 * 60 * 60 * 1000;
    let now = 0;
    const audit = new AuditLog(storage, () => now);
    expect(await audit.retentionDays()).toBe(365);
    await audit.record(signIn(1));
    now = 5 * day;
    await audit.record(signIn(2));
    await audit.setRetentionDays(3);
    await expect(audit.setRetentionDays(0)).rejects.toMatchObject({ code: 'invalid_input' });
    now = 6 * day;
    expect(await audit.prune()).toBe(1);
    const events = (await audit.query({ limit: 10 })).events;
    expect(events.map((event) => [event.type, event.userId])).toEqual([
      ['audit.pruned', undefined],
      ['sign-in.succeeded', 2],
    ]);
    expect(events[0]?.details).toEqual({ events: 1, before: 3 * day });
    expect(await audit.prune()).toBe(0);
  });

  it('writes one outbox row per configured sink of the event class, in the same transaction', async () => {
    const storage = await open();
    const audit = new AuditLog(
      storage,
      () => 0,
      (eventClass) => (eventClass === 'sign-in' ? ['webhook:sign-in', 'file'] : ['file']),
    );
    await audit.record(signIn(1));
    await audit.record({
      type: 'admin.phone-set',
      actor: { kind: 'admin', name: 'cli:root' },
      details: { phone: false },
    });
    const rows = await storage
      .q()
      .selectFrom('audit_outbox')
      .select(['sink', 'state'])
      .orderBy('event_id')
      .orderBy('sink')
      .execute();
    expect(rows).toEqual([
      { sink: 'file', state: 'pending' },
      { sink: 'webhook:sign-in', state: 'pending' },
      { sink: 'file', state: 'pending' },
    ]);
  });
});
