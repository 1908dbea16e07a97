import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../../../server/audit/audit-log';
import { AUDIT_CLASSES, type AuditClass } from '../../../server/audit/events';
import { startAuditReceiver, type AuditReceiver } from '../../support/audit-receiver';
import { cli } from './cli-run';
import { enrolAna, passwordSignIn, signedInWithPassword } from './mfa-fixture';
import { ANA, startServerWithAna, tempDir } from './server-fixture';

const SECRET = 'audit-webhook-secret-for-tests';
const WRONG_PASSWORD = 'not the password at all';

function everyClassTo(receiver: AuditReceiver): Partial<Record<AuditClass, string>> {
  return Object.fromEntries(AUDIT_CLASSES.map((each) => [each, `${receiver.origin}/${each}`]));
}

async function allEvents(test: Awaited<ReturnType<typeof startServerWithAna>>): Promise<AuditEvent[]> {
  return (await test.server.admin.auditEvents({ limit: 1000 })).events.reverse();
}

describe('the server streams its audit log', () => {
  it('delivers every event of a real journey to its class webhook and the file, and never a secret', async () => {
    const receiver = await startAuditReceiver(SECRET);
    const logFile = path.join(tempDir(), 'audit.jsonl');
    const test = await startServerWithAna({
      audit: { webhooks: everyClassTo(receiver), webhookSecret: SECRET, logFile },
      auditDelivery: { intervalMs: 20 },
    });
    await test.server.admin.setMfaPolicy({ channels: 'totp', mode: 'enforced' });
    const { code: deploymentCode } = await test.server.admin.createDeployment(ANA.loginId);
    await passwordSignIn(test.origin, { password: WRONG_PASSWORD });
    const { secret: totpSecret } = await enrolAna(test);
    await test.server.admin.setMfaPolicy({ channels: 'totp', mode: 'optional' });
    await test.server.admin.resetMfa(ANA.loginId);
    const { refreshToken } = await signedInWithPassword(test.origin);

    const events = await allEvents(test);
    expect(new Set(events.map((event) => event.class)).size, 'several classes').toBeGreaterThanOrEqual(4);
    await receiver.waitFor(events.length);
    await vi.waitFor(() => expect(readFileSync(logFile, 'utf8').split('\n')).toHaveLength(events.length + 1));

    // Each event once, to its own class's URL, signed; in the file once each.
    expect(receiver.received.every((each) => each.signatureValid)).toBe(true);
    const byId = new Map(receiver.received.map((each) => [Number(each.headers['x-keyway-event-id']), each]));
    expect([...byId.keys()].sort((x, y) => x - y)).toEqual(events.map((event) => event.id));
    for (const event of events) expect(byId.get(event.id)?.path, event.type).toBe(`/${event.class}`);
    const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as AuditEvent).id).sort((x, y) => x - y)).toEqual(
      events.map((event) => event.id),
    );

    // The secret scan, over every byte that left: bodies, headers and the file.
    const leaving = [
      ...receiver.received.map((each) => `${JSON.stringify(each.headers)}\n${each.body}`),
      readFileSync(logFile, 'utf8'),
    ].join('\n');
    expect(leaving.includes('sign-in.failed'), 'the scan sees the events').toBe(true);
    for (const secret of [ANA.password, WRONG_PASSWORD, deploymentCode, totpSecret, refreshToken, SECRET]) {
      expect(leaving.includes(secret), `a secret left the server: ${secret.slice(0, 4)}…`).toBe(false);
    }
  });

  it("delivers the admin CLI's events too, and `audit dead-letters --retry` sends a dead one again", async () => {
    const receiver = await startAuditReceiver(SECRET);
    receiver.answers.push(500, 500);
    const test = await startServerWithAna({
      audit: { webhooks: { admin: `${receiver.origin}/admin` }, webhookSecret: SECRET },
      auditDelivery: { intervalMs: 20, maxAttempts: 1 },
    });
    // Ana's creation (recorded at start, an admin event) is answered 500 once: dead after its one attempt.
    await receiver.waitFor(1);
    expect((await cli(test.dataDir, {}, 'create-otp-client', '--name', 'vpn')).code).toBe(0);
    // The CLI's clock is the real one; the server's stands still until moved.
    test.advance(60_000);
    await receiver.waitFor(2);
    const dead = await vi.waitFor(async () => {
      const listed = await cli(test.dataDir, {}, 'audit', 'dead-letters');
      expect(listed.out).toHaveLength(2);
      return listed.out;
    });
    const events = await allEvents(test);
    const created = events.find((event) => event.type === 'admin.otp-client-created');
    const user = events.find((event) => event.type === 'admin.user-created');
    expect(dead).toEqual([
      `event ${user?.id}  to webhook:admin  after 1 attempts  the webhook answered 500`,
      `event ${created?.id}  to webhook:admin  after 1 attempts  the webhook answered 500`,
    ]);

    expect((await cli(test.dataDir, {}, 'audit', 'dead-letters', '--retry', String(created?.id))).out).toEqual([
      'Queued 1 audit delivery again.',
    ]);
    test.advance(60_000);
    // The retry is an admin action, audited too (admin.audit-dead-letters-retried): the admin webhook gets
    // the event sent again and the retry's own event, in whichever order the worker claims them.
    await receiver.waitFor(4);
    const retried = (await allEvents(test)).filter((event) => event.type === 'admin.audit-dead-letters-retried');
    expect(retried).toHaveLength(1);
    const idsFrom = (from: number) =>
      receiver.received
        .slice(from)
        .map((delivery) => delivery.headers['x-keyway-event-id'])
        .sort();
    expect(idsFrom(2)).toEqual([String(created?.id), String(retried[0]?.id)].sort());
    expect(receiver.received.slice(2).every((delivery) => delivery.signatureValid)).toBe(true);

    expect((await cli(test.dataDir, {}, 'audit', 'dead-letters', '--retry-all')).out).toEqual([
      'Queued 1 audit delivery again.',
    ]);
    test.advance(60_000);
    await receiver.waitFor(6);
    const retriedAgain = (await allEvents(test)).filter((event) => event.type === 'admin.audit-dead-letters-retried');
    expect(retriedAgain).toHaveLength(2);
    expect(idsFrom(4)).toEqual(
      [String(user?.id), String(retriedAgain.find((e) => e.id !== retried[0]?.id)?.id)].sort(),
    );
    await vi.waitFor(async () =>
      expect((await cli(test.dataDir, {}, 'audit', 'dead-letters')).out).toEqual(['No dead audit deliveries.']),
    );
  });

  it('refuses bad dead-letter options with a usage error', async () => {
    const test = await startServerWithAna();
    for (const [args, message] of [
      [['--retry', 'abc'], /--retry must be an event id, such as 42/],
      [['--retry', '1', '--retry-all'], /--retry and --retry-all cannot be combined/],
    ] as const) {
      const run = await cli(test.dataDir, {}, 'audit', 'dead-letters', ...args);
      expect(run.code).toBe(2);
      expect(run.err.join('\n')).toMatch(message);
    }
    const unknown = await cli(test.dataDir, {}, 'audit', 'dead-letters', '--retry', '424242');
    expect(unknown.code).toBe(1);
    expect(unknown.err.join('\n')).toMatch(/Event 424242 has no dead audit delivery/);
  });

  it('serve refuses a bad audit setting, from a flag or the environment, naming it', async () => {
    const dataDir = tempDir();
    const cases: [Record<string, string>, string[], number, RegExp][] = [
      [
        {},
        ['--audit-webhook', 'login=https://siem.example/k'],
        2,
        /--audit-webhook: "login" is not an audit event class/,
      ],
      [{}, ['--audit-webhook', 'sign-in'], 2, /--audit-webhook must be CLASS=URL/],
      [{ KEYWAY_AUDIT_WEBHOOK_SECRET: SECRET }, ['--audit-webhook', 'admin=http://siem.example/k'], 1, /must be https/],
      [{}, ['--audit-webhook', 'admin=https://siem.example/k'], 1, /KEYWAY_AUDIT_WEBHOOK_SECRET/],
      [{ KEYWAY_AUDIT_WEBHOOK_LOGIN: 'https://siem.example/k' }, [], 1, /KEYWAY_AUDIT_WEBHOOK_LOGIN names no audit/],
    ];
    for (const [env, args, code, message] of cases) {
      const run = await cli(dataDir, env, 'serve', '--port', '0', ...args);
      expect(run.code, args.join(' ')).toBe(code);
      expect(run.err.join('\n')).toMatch(message);
    }
  });

  it('refuses to start with a plain-http webhook off this computer, or without a long enough secret', async () => {
    await expect(
      startServerWithAna({ audit: { webhooks: { admin: 'http://siem.example/k' }, webhookSecret: SECRET } }),
    ).rejects.toThrow(/KEYWAY_AUDIT_WEBHOOK_ADMIN: the URL must be https/);
    await expect(
      startServerWithAna({ audit: { webhooks: { admin: 'https://siem.example/k' }, webhookSecret: 'short' } }),
    ).rejects.toThrow(/at least 16 characters in KEYWAY_AUDIT_WEBHOOK_SECRET/);
  });
});
