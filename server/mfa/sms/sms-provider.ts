import { OutboxSms } from './outbox-sms';
import { WebhookSms } from './webhook-sms';

export interface SmsMessage {
  /** E.164. */
  to: string;
  message: string;
  /** Unique per message, so a gateway can drop a retried duplicate. */
  id: string;
}

export interface SmsReceipt {
  id: string;
  via: 'outbox' | 'webhook';
  /** The file, when the message went to the outbox. */
  file?: string;
}

/** Where SMS codes go. The reference server has no carrier; a gateway sits behind the webhook. */
export interface SmsProvider {
  /** For people and logs: "the outbox <dir>" or "webhook https://…". */
  readonly description: string;
  send(message: SmsMessage): Promise<SmsReceipt>;
}

export interface SmsOptions {
  /** POST each message here (see webhook-sms.ts for the contract). */
  webhookUrl: string;
  /** The HMAC key of the X-Keyway-Signature header (KEYWAY_SMS_WEBHOOK_SECRET). */
  webhookSecret: string;
}

export function createSmsProvider(
  options: SmsOptions | undefined,
  outboxDir: string,
  log: (line: string) => void,
): SmsProvider {
  return options ? new WebhookSms(options.webhookUrl, options.webhookSecret, log) : new OutboxSms(outboxDir, log);
}
