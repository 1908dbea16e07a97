import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditSignature, backoffMs } from '../../../server/audit/outbox';
import { auditSinkOptionsFromEnv, parseAuditSinks, sinksOf, storedSinks } from '../../../server/audit/sink-config';

const SECRET = 'a-secret-of-at-least-16';
const HOUR = 60 * 60 * 1000;

describe('audit webhook back-off', () => {
  it('doubles per failure from the base, with half of each step random', () => {
    expect([1, 2, 3, 4].map((failures) => backoffMs(failures, 0, 10_000, HOUR))).toEqual([
      5000, 10_000, 20_000, 40_000,
    ]);
    expect([1, 2, 3, 4].map((failures) => backoffMs(failures, 0.999_999, 10_000, HOUR))).toEqual([
      10_000, 20_000, 40_000, 80_000,
    ]);
    expect(backoffMs(3, 0.5, 10_000, HOUR)).toBe(30_000);
  });

  it('never waits longer than the cap, however many failures (nor overflows to Infinity)', () => {
    for (const failures of [10, 30, 100, 5000]) {
      const longest = backoffMs(failures, 0.999_999, 10_000, HOUR);
      expect(longest, `after ${failures} failures`).toBeLessThanOrEqual(HOUR);
      expect(longest).toBeGreaterThanOrEqual(HOUR / 2);
    }
  });

  it('keeps a hostile random source inside the step', () => {
    expect(backoffMs(2, -5, 10_000, HOUR)).toBe(10_000);
    expect(backoffMs(2, 7, 10_000, HOUR)).toBe(20_000);
  });
});

describe('audit webhook signature', () => {
  it('is the SMS webhook scheme: sha256= hex HMAC-SHA256 of the exact body, keyed with the secret', () => {
    const body = '{"id":1,"type":"sign-in.succeeded"}';
    const expected = createHmac('sha256', SECRET).update(body).digest('hex');
    expect(auditSignature(SECRET, body)).toBe(`sha256=${expected}`);
    expect(auditSignature('another-secret-16-chars', body)).not.toBe(`sha256=${expected}`);
    expect(auditSignature(SECRET, `${body} `)).not.toBe(`sha256=${expected}`);
  });
});

describe('audit sink configuration', () => {
  it('reads one webhook variable per class, the secret and the file from the environment', () => {
    const options = auditSinkOptionsFromEnv({
      KEYWAY_AUDIT_WEBHOOK_SIGN_IN: 'https://siem.example/sign-in',
      KEYWAY_AUDIT_WEBHOOK_SECOND_FACTOR: ' https://siem.example/mfa ',
      KEYWAY_AUDIT_WEBHOOK_ADMIN: '',
      KEYWAY_AUDIT_WEBHOOK_SECRET: SECRET,
      KEYWAY_AUDIT_LOG_FILE: '/var/log/keyway/audit.jsonl',
      PATH: '/usr/bin',
    });
    expect(options).toEqual({
      webhooks: { 'sign-in': 'https://siem.example/sign-in', 'second-factor': 'https://siem.example/mfa' },
      webhookSecret: SECRET,
      logFile: '/var/log/keyway/audit.jsonl',
    });
    const sinks = parseAuditSinks(options);
    const of = sinksOf(sinks);
    expect(of('sign-in')).toEqual(['webhook:sign-in', 'file']);
    expect(of('admin')).toEqual(['file']);
  });

  it('refuses a misspelt class variable rather than silently dropping that class', () => {
    expect(() => auditSinkOptionsFromEnv({ KEYWAY_AUDIT_WEBHOOK_SIGNIN: 'https://siem.example/' })).toThrow(
      /KEYWAY_AUDIT_WEBHOOK_SIGNIN names no audit event class; use one of KEYWAY_AUDIT_WEBHOOK_SIGN_IN/,
    );
    expect(() =>
      parseAuditSinks({ webhooks: { login: 'https://x.example/' } as never, webhookSecret: SECRET }),
    ).toThrow(/"login" is not an audit event class/);
  });

  it('requires https except to this computer, and no credentials in the URL (as the SMS webhook)', () => {
    const bad: [string, RegExp][] = [
      ['http://siem.example/keyway', /must be https \(plain http only to 127\.0\.0\.1 or localhost\)/],
      ['http://10.0.0.5/keyway', /must be https/],
      ['ftp://siem.example/', /must be https/],
      ['not a url', /is not a URL/],
      ['https://user:pass@siem.example/', /must not carry a user name or password/],
    ];
    for (const [url, message] of bad) {
      expect(() => parseAuditSinks({ webhooks: { 'sign-in': url }, webhookSecret: SECRET }), url).toThrow(message);
    }
    for (const url of ['https://siem.example/k', 'http://127.0.0.1:9/k', 'http://localhost:9/k', 'http://[::1]:9/']) {
      expect(
        parseAuditSinks({ webhooks: { 'sign-in': url }, webhookSecret: SECRET }).webhooks.get('sign-in')?.href,
      ).toBe(new URL(url).href);
    }
  });

  it('requires a signing secret of at least 16 characters once a webhook is configured', () => {
    for (const webhookSecret of [undefined, '', 'short-secret']) {
      expect(() => parseAuditSinks({ webhooks: { admin: 'https://siem.example/' }, webhookSecret })).toThrow(
        /at least 16 characters in KEYWAY_AUDIT_WEBHOOK_SECRET/,
      );
    }
    // The file alone needs no secret.
    expect(parseAuditSinks({ logFile: '/tmp/audit.jsonl' }).webhookSecret).toBe('');
  });

  it('gives the admin CLI the sinks serve stored, and none for anything it cannot read', () => {
    const of = storedSinks('["webhook:sign-in","file"]');
    expect(of('sign-in')).toEqual(['webhook:sign-in', 'file']);
    expect(of('admin')).toEqual(['file']);
    for (const stored of [undefined, 'not json', '{"a":1}', '[1,2]'])
      expect(storedSinks(stored)('sign-in')).toEqual([]);
  });
});
