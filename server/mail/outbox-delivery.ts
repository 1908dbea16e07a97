import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { MailDelivery, MailMessage, MailReceipt } from './mail-delivery';

/**
 * Development mail: each message is rendered by nodemailer exactly as it would go over SMTP and saved
 * as an .eml file any mail client opens.
 */
export class OutboxDelivery implements MailDelivery {
  readonly via = 'outbox';
  readonly description: string;
  private readonly transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    readonly location: string,
    private readonly from: string,
    private readonly log: (line: string) => void,
  ) {
    this.description = `the outbox ${location}`;
  }

  async send(message: MailMessage): Promise<MailReceipt> {
    const info = await this.transport.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
    });
    if (!Buffer.isBuffer(info.message)) throw new Error('nodemailer returned a stream although buffer was set.');
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = path.join(this.location, `${stamp}-${message.kind}-${randomBytes(4).toString('hex')}.eml`);
    // Owner-only: these files carry authentication codes and initial passwords.
    await mkdir(this.location, { recursive: true, mode: 0o700 });
    await writeFile(file, info.message, { mode: 0o600 });
    this.log(`mail: ${message.kind} e-mail to ${message.to} saved to ${file}`);
    return { to: message.to, subject: message.subject, messageId: info.messageId, via: 'outbox', file };
  }

  close(): void {
    this.transport.close();
  }
}
