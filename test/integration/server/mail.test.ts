import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseDeploymentInput } from '../../../protocol/deployment-link';
import { parseSmtpUrl, smtpUrlWithoutCredentials } from '../../../server/mail/smtp-url';
import { startSmtpSink } from '../../support/smtp-sink';
import { ANA, startTestServer } from './server-fixture';

async function startWithSink() {
  const sink = await startSmtpSink();
  onTestFinished(() => sink.close());
  // The sink offers no STARTTLS: sending to it is the admin's named choice (--smtp-insecure).
  const test = await startTestServer({ smtp: { host: '127.0.0.1', port: sink.port, insecure: true } });
  return { ...test, sink };
}

const LINK = /https?:\/\/[^\s"<>]+\/deploy\?code=[0-9A-Z%-]+/;

describe('mail', () => {
  it('never sends in clear text to a relay that offers no STARTTLS (or had it stripped), unless the admin says --smtp-insecure', async () => {
    const sink = await startSmtpSink();
    onTestFinished(() => sink.close());
    const { server } = await startTestServer({ smtp: parseSmtpUrl(`smtp://127.0.0.1:${sink.port}`) });
    await expect(
      server.admin.createUser({ loginId: ANA.loginId, email: ANA.email, displayName: ANA.displayName }),
    ).rejects.toThrow(/STARTTLS/i);
    expect(sink.messages).toHaveLength(0);

    const insecure = await startTestServer({ smtp: parseSmtpUrl(`smtp://127.0.0.1:${sink.port}`, true) });
    await insecure.server.admin.createUser({ loginId: 'bob', email: 'bob@example.com', displayName: 'Bob' });
    await sink.waitForMail((m) => m.to !== undefined && !Array.isArray(m.to) && m.to.text === 'bob@example.com');
  });

  it('keeps the named opt-out through the stored relay URL, and refuses unknown URL options', () => {
    const options = parseSmtpUrl('smtp://relay.example:2525', true);
    expect(smtpUrlWithoutCredentials(options)).toBe('smtp://relay.example:2525?insecure=yes');
    expect(parseSmtpUrl(smtpUrlWithoutCredentials(options)).insecure).toBe(true);
    expect(parseSmtpUrl('smtp://relay.example:2525').insecure).toBeUndefined();
    expect(() => parseSmtpUrl('smtp://relay.example:2525?tls=off')).toThrow(/no query other than insecure=yes/);
  });

  it('sends the welcome e-mail with the initial password', async () => {
    const { server, sink } = await startWithSink();
    const created = await server.admin.createUser({
      loginId: ANA.loginId,
      email: ANA.email,
      displayName: ANA.displayName,
    });
    expect(created.passwordGenerated).toBe(true);
    expect(created.welcomeEmail?.via).toBe('smtp');

    const mail = await sink.waitForMail((m) => m.subject?.includes('password') === true);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(ANA.email);
    expect(mail.text).toContain(created.password);
    expect(mail.text).toContain(`Login ID: ${ANA.loginId}`);
    expect(mail.html).toContain(created.password);
  });

  it('sends the deployment e-mail with a landing link and the code, in HTML and text', async () => {
    const { server, sink, origin } = await startWithSink();
    await server.admin.createUser({ ...ANA, sendWelcomeEmail: false });

    const deployment = await server.admin.sendDeployment(ANA.email);
    const mail = await sink.waitForMail((m) => m.subject === 'Set up Keyway for Keyway reference server');

    const text = mail.text ?? '';
    const html = typeof mail.html === 'string' ? mail.html : '';
    for (const body of [text, html]) {
      expect(body).toContain(deployment.landingUrl);
      expect(body).toContain(deployment.code);
      expect(body).toContain(ANA.displayName);
    }
    expect(deployment.code).toMatch(/^([0-9A-Z]{5}-)+[0-9A-Z]{1,5}$/);
    const link = LINK.exec(text)?.[0] ?? '';
    const parsed = parseDeploymentInput(link);
    expect(parsed.origin).toBe(origin);
    expect(parsed.text).toBe(deployment.code);
    expect(mail.from?.text).toContain('keyway@localhost');
  });

  it('escapes everything it puts into HTML', async () => {
    const { server, sink } = await startWithSink();
    await server.admin.createUser({
      loginId: 'mallory',
      email: 'mallory@example.com',
      displayName: '<img src=x onerror=alert(1)> & "Mallory"',
    });
    const mail = await sink.waitForMail((m) => m.text?.includes('mallory') === true);
    const html = typeof mail.html === 'string' ? mail.html : '';
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Mallory&quot;');
  });

  it('writes .eml files to the outbox when no SMTP relay is configured', async () => {
    const { server, logLines, dataDir } = await startTestServer();
    await server.admin.createUser({ ...ANA, sendWelcomeEmail: false });
    const deployment = await server.admin.sendDeployment(ANA.loginId);

    const file = deployment.email?.file ?? '';
    expect(file.startsWith(`${dataDir}/outbox/`)).toBe(true);
    expect(file.endsWith('.eml')).toBe(true);
    expect(logLines.filter((line) => line.includes(file))).toHaveLength(1);
    const mail = await simpleParser(readFileSync(file));
    expect(mail.text).toContain(deployment.landingUrl);
    expect(mail.html).toContain(deployment.code);
  });
});
