import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CodeSent, VerifiedSession } from '../../../protocol/mfa';
import { latestSms, latestSmsCode } from '../../support/mfa-outbox';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { ANA_PHONE, challenged, startMfaServer, verify } from './mfa-fixture';
import { ANA, expectProblem, postJson, type JsonResponse } from './server-fixture';

function send(origin: string, challengeId: string, channel: 'email' | 'sms'): Promise<JsonResponse> {
  return postJson(origin, '/api/v1/mfa/send', { challengeId, channel });
}

function codeIn(mail: ParsedMail): string {
  const code = /^\s+(\d{6})$/m.exec(mail.text ?? '')?.[1];
  if (code === undefined) throw new Error(`No code in:\n${mail.text ?? ''}`);
  return code;
}

function otherThan(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

async function withSmtpSink() {
  const sink = await startSmtpSink();
  onTestFinished(() => sink.close());
  return sink;
}

/** The code in the nth e-mail the sink received (1-based), waiting for it to arrive. */
async function nthCode(sink: SmtpSink, n: number): Promise<string> {
  await sink.waitForMail(() => sink.messages.length >= n);
  const mail = sink.messages[n - 1];
  if (!mail) throw new Error(`Only ${sink.messages.length} e-mails arrived.`);
  return codeIn(mail);
}

/** A server enforcing e-mail codes, mailing through a real SMTP sink. */
async function emailServer(channels = 'email') {
  const sink = await withSmtpSink();
  const test = await startMfaServer(
    { mode: 'enforced', channels },
    { smtp: { host: '127.0.0.1', port: sink.port, insecure: true } },
  );
  return { test, sink };
}

describe('codes by e-mail', () => {
  it('sends a six-digit code through the mail delivery (real SMTP) and signs in with it, once', async () => {
    const { test, sink } = await emailServer('totp,email');
    const required = await challenged(test.origin);
    // No fresh deployment: enrolment is not offered on the password alone (e-mail is the way here).
    expect(required.enrollmentRequired).toBe(false);
    expect(required.channels).toEqual([
      { channel: 'totp', hint: '', available: false },
      { channel: 'email', hint: 'a•••@example.com', available: true },
    ]);

    const sent = await send(test.origin, required.challengeId, 'email');
    expect(sent.status).toBe(200);
    expect(CodeSent.parse(sent.body)).toEqual({
      channel: 'email',
      hint: 'a•••@example.com',
      expiresIn: 600,
      resendAfter: 30,
    });
    const mail = await sink.waitForMail((m) => m.subject === 'Your sign-in code for Keyway reference server');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(ANA.email);
    const code = codeIn(mail);
    expect(mail.subject).not.toContain(code);
    expect(typeof mail.html === 'string' ? mail.html : '').toContain(code);
    expect(mail.text).toContain('within 10 minutes');

    const verified = await verify(test.origin, { challengeId: required.challengeId, channel: 'email', code });
    expect(verified.status).toBe(200);
    VerifiedSession.parse(verified.body);
    expectProblem(
      await verify(test.origin, { challengeId: required.challengeId, channel: 'email', code }),
      'mfa_code_used',
      409,
    );
  });

  it('allows a resend only after the cooldown; the new code replaces the old one', async () => {
    const { test, sink } = await emailServer();
    const required = await challenged(test.origin);
    expect(required.enrollmentRequired).toBe(false);
    expect((await send(test.origin, required.challengeId, 'email')).status).toBe(200);
    const first = await nthCode(sink, 1);

    const tooSoon = await send(test.origin, required.challengeId, 'email');
    expect(expectProblem(tooSoon, 'mfa_resend_too_soon', 429).retryAfter).toBe(30);
    expect(tooSoon.headers.get('retry-after')).toBe('30');
    test.advance(29_000);
    expect(
      expectProblem(await send(test.origin, required.challengeId, 'email'), 'mfa_resend_too_soon', 429).retryAfter,
    ).toBe(1);
    test.advance(1_000);
    expect((await send(test.origin, required.challengeId, 'email')).status).toBe(200);
    const second = await nthCode(sink, 2);

    if (first !== second) {
      expectProblem(
        await verify(test.origin, { challengeId: required.challengeId, channel: 'email', code: first }),
        'mfa_code_invalid',
        401,
      );
    }
    const ok = await verify(test.origin, { challengeId: required.challengeId, channel: 'email', code: second });
    expect(ok.status).toBe(200);
  });

  it('reports an expired code as expired (server clock), and a resend replaces it', async () => {
    const { test, sink } = await emailServer();
    const required = await challenged(test.origin);
    expect((await send(test.origin, required.challengeId, 'email')).status).toBe(200);
    const code = await nthCode(sink, 1);

    test.advance(10 * 60 * 1000 + 1000);
    expectProblem(
      await verify(test.origin, { challengeId: required.challengeId, channel: 'email', code }),
      'mfa_code_expired',
      410,
    );
    const resent = CodeSent.parse((await send(test.origin, required.challengeId, 'email')).body);
    expect(resent.expiresIn).toBeLessThanOrEqual(600);
    const fresh = await nthCode(sink, 2);
    expect(
      (await verify(test.origin, { challengeId: required.challengeId, channel: 'email', code: fresh })).status,
    ).toBe(200);
  });

  it('kills the challenge after five wrong codes, and a resend does not reset the count', async () => {
    const { test, sink } = await emailServer();
    const required = await challenged(test.origin);
    await send(test.origin, required.challengeId, 'email');
    const first = await nthCode(sink, 1);
    for (let attempt = 1; attempt <= 3; attempt++) {
      expectProblem(
        await verify(test.origin, { challengeId: required.challengeId, channel: 'email', code: otherThan(first) }),
        'mfa_code_invalid',
        401,
      );
    }
    test.advance(30_000);
    expect((await send(test.origin, required.challengeId, 'email')).status).toBe(200);
    const second = await nthCode(sink, 2);
    const fourth = expectProblem(
      await verify(test.origin, { challengeId: required.challengeId, channel: 'email', code: otherThan(second) }),
      'mfa_code_invalid',
      401,
    );
    expect(fourth.detail).toContain('1 more try');
    expectProblem(
      await verify(test.origin, { challengeId: required.challengeId, channel: 'email', code: otherThan(second) }),
      'mfa_too_many_attempts',
      429,
    );
    // Dead: the right code, a resend, anything.
    expectProblem(
      await verify(test.origin, { challengeId: required.challengeId, channel: 'email', code: second }),
      'mfa_too_many_attempts',
      429,
    );
    test.advance(30_000);
    expectProblem(await send(test.origin, required.challengeId, 'email'), 'mfa_too_many_attempts', 429);
  });

  it('lets a challenge without a code expire after ten minutes', async () => {
    const test = await startMfaServer({ mode: 'enforced', channels: 'email' });
    const required = await challenged(test.origin);
    test.advance(10 * 60 * 1000);
    expectProblem(await send(test.origin, required.challengeId, 'email'), 'mfa_challenge_expired', 410);
  });
});

describe('codes by SMS', () => {
  it('writes the text message to the outbox (one masked log line) and signs in with its code', async () => {
    const test = await startMfaServer({ mode: 'enforced', channels: 'totp,sms' });
    const before = await challenged(test.origin);
    expect(before.channels[1]).toEqual({ channel: 'sms', hint: '', available: false });
    expectProblem(await send(test.origin, before.challengeId, 'sms'), 'mfa_channel_not_allowed', 403);

    expect((await test.server.admin.setPhone(ANA.loginId, '+44 7700 900123')).phone).toBe(ANA_PHONE);
    const required = await challenged(test.origin);
    expect(required.channels[1]).toEqual({ channel: 'sms', hint: '+44 •••• ••23', available: true });
    const sent = CodeSent.parse((await send(test.origin, required.challengeId, 'sms')).body);
    expect(sent.hint).toBe('+44 •••• ••23');

    const outbox = path.join(test.dataDir, 'outbox');
    const code = await latestSmsCode(outbox, ANA_PHONE);
    const sms = await latestSms(outbox, ANA_PHONE);
    expect(sms?.message).toMatch(/^\d{6} is your Keyway reference server sign-in code\. It expires in 10 minutes\./);
    const logged = test.logLines.filter((line) => line.startsWith('sms: '));
    expect(logged).toEqual([`sms: code to +44 •••• ••23 saved to ${sms?.file ?? ''}`]);

    // An e-mail code is not an SMS code.
    expectProblem(
      await verify(test.origin, { challengeId: required.challengeId, channel: 'email', code }),
      'mfa_channel_not_allowed',
      403,
    );
    expect((await verify(test.origin, { challengeId: required.challengeId, channel: 'sms', code })).status).toBe(200);
  });

  it('posts to the SMS webhook with an HMAC-SHA256 signature of the body; a failed delivery can be retried at once', async () => {
    const secret = 'webhook secret for tests 0123456789';
    const received: { body: string; signature: string | undefined }[] = [];
    let status = 500;
    const gateway = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const signature = request.headers['x-keyway-signature'];
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: typeof signature === 'string' ? signature : undefined,
        });
        response.statusCode = status;
        response.end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => gateway.close(() => resolve())));
    const webhookUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`;

    const test = await startMfaServer(
      { mode: 'enforced', channels: 'sms' },
      { sms: { webhookUrl, webhookSecret: secret } },
    );
    await test.server.admin.setPhone(ANA.loginId, ANA_PHONE);
    const required = await challenged(test.origin);

    const failed = await send(test.origin, required.challengeId, 'sms');
    expect(expectProblem(failed, 'internal', 500).detail).toBe(
      'The code could not be sent by text message. Try again, or verify another way.',
    );
    expect(test.logLines.filter((line) => line.startsWith('error: mfa:'))).toEqual([
      `error: mfa: could not send an SMS code via webhook ${webhookUrl}: The SMS webhook answered 500.`,
    ]);
    status = 202;
    expect((await send(test.origin, required.challengeId, 'sms')).status).toBe(200);

    expect(received).toHaveLength(2);
    const last = received[1] ?? { body: '', signature: undefined };
    const expected = `sha256=${createHmac('sha256', secret).update(last.body).digest('hex')}`;
    expect(last.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(timingSafeEqual(Buffer.from(last.signature ?? ''), Buffer.from(expected))).toBe(true);
    const payload = JSON.parse(last.body) as { to: string; message: string; id: string };
    expect(Object.keys(payload)).toEqual(['to', 'message', 'id']);
    expect(payload.to).toBe(ANA_PHONE);
    expect(payload.id).not.toBe((JSON.parse(received[0]?.body ?? '{}') as { id?: string }).id);
    const code = /\b(\d{6})\b/.exec(payload.message)?.[1] ?? '';
    expect((await verify(test.origin, { challengeId: required.challengeId, channel: 'sms', code })).status).toBe(200);
    // Nothing went to the outbox.
    expect(await latestSms(path.join(test.dataDir, 'outbox'), ANA_PHONE)).toBeUndefined();
  });

  it('refuses to start with a webhook that is not https (except loopback) or has no real secret', async () => {
    const { startReferenceServer } = await import('../../../server/index');
    const { tempDir } = await import('./server-fixture');
    await expect(
      startReferenceServer({
        dataDir: tempDir(),
        sms: { webhookUrl: 'http://gateway.example/sms', webhookSecret: 'x'.repeat(32) },
      }),
    ).rejects.toThrow(/must be https/);
    await expect(
      startReferenceServer({
        dataDir: tempDir(),
        sms: { webhookUrl: 'https://gateway.example/sms', webhookSecret: 'short' },
      }),
    ).rejects.toThrow(/at least 16 characters/);
  });
});
