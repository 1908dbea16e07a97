import type { SmtpOptions } from '../config';
import { OutboxDelivery } from './outbox-delivery';
import { SmtpDelivery } from './smtp-delivery';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** A short label for file names and log lines, e.g. "deployment" or "welcome". */
  kind: string;
}

export interface MailReceipt {
  to: string;
  subject: string;
  messageId: string;
  via: 'smtp' | 'outbox';
  /** The .eml file, when the message went to the outbox. */
  file?: string;
}

/** Where the server's mail goes: an SMTP relay, or the outbox directory when there is none. */
export interface MailDelivery {
  readonly via: 'smtp' | 'outbox';
  /** The relay's host:port, or the outbox directory. */
  readonly location: string;
  /** For people: "SMTP 127.0.0.1:2525" or "the outbox <dir>". */
  readonly description: string;
  send(message: MailMessage): Promise<MailReceipt>;
  close(): void;
}

export interface MailDeliveryOptions {
  from: string;
  smtp?: SmtpOptions | undefined;
  outboxDir: string;
  log: (line: string) => void;
}

export function createMailDelivery(options: MailDeliveryOptions): MailDelivery {
  return options.smtp
    ? new SmtpDelivery(options.smtp, options.from, options.log)
    : new OutboxDelivery(options.outboxDir, options.from, options.log);
}

/** The default From address: the server's host, or localhost for a loopback server. */
export function defaultMailFrom(serverName: string, origin: string): string {
  const host = new URL(origin).hostname;
  const domain = /^(127\.|\[::1\]$|localhost$)/.test(host) ? 'localhost' : host;
  return `"${serverName.replace(/["\\\r\n]/g, '')}" <keyway@${domain}>`;
}
