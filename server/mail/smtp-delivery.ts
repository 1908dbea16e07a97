import nodemailer from 'nodemailer';
import type { SmtpOptions } from '../config';
import type { MailDelivery, MailMessage, MailReceipt } from './mail-delivery';

export class SmtpDelivery implements MailDelivery {
  readonly via = 'smtp';
  readonly location: string;
  readonly description: string;
  private readonly transport;

  constructor(
    smtp: SmtpOptions,
    private readonly from: string,
    private readonly log: (line: string) => void,
  ) {
    this.location = `${smtp.host}:${smtp.port}`;
    this.description = `SMTP ${this.location}${smtp.insecure === true ? ' (TLS not required: --smtp-insecure)' : ''}`;
    this.transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure ?? false,
      // Without TLS from the first byte, STARTTLS is required: nodemailer's requireTLS refuses a relay
      // that does not offer it (or whose offer a man in the middle removed) instead of sending in clear.
      // Only the admin's named --smtp-insecure (config.ts) sends without.
      requireTLS: smtp.secure !== true && smtp.insecure !== true,
      ...(smtp.auth ? { auth: smtp.auth } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }

  async send(message: MailMessage): Promise<MailReceipt> {
    const info = await this.transport.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
    });
    this.log(`mail: ${message.kind} e-mail to ${message.to} sent via ${this.description}`);
    return { to: message.to, subject: message.subject, messageId: info.messageId, via: 'smtp' };
  }

  close(): void {
    this.transport.close();
  }
}
