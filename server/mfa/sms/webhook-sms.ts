import { createHmac } from 'node:crypto';
import { KeywayError } from '../../../protocol/errors';
import { maskPhone } from '../destinations';
import type { SmsMessage, SmsProvider, SmsReceipt } from './sms-provider';

const SMS_SIGNATURE_HEADER = 'x-keyway-signature';
const TIMEOUT_MS = 10_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * SMS through an HTTP gateway. The contract (server/mfa/README.md):
 *
 *   POST <--sms-webhook-url>
 *   Content-Type: application/json
 *   X-Keyway-Signature: sha256=<lower-case hex HMAC-SHA256 of the exact body bytes, keyed with
 *                       KEYWAY_SMS_WEBHOOK_SECRET as UTF-8>
 *
 *   { "to": "+447700900123", "message": "…", "id": "<unique per message>" }
 *
 * Any 2xx means accepted; anything else, a redirect, or no answer within 10 s fails the send, and the
 * user may press Resend at once. The receiver should compare the signature in constant time and may
 * use `id` to drop duplicates.
 */
export class WebhookSms implements SmsProvider {
  readonly description: string;
  private readonly url: URL;

  constructor(
    url: string,
    private readonly secret: string,
    private readonly log: (line: string) => void,
  ) {
    this.url = parseWebhookUrl(url);
    if (secret.length < 16) {
      throw new KeywayError(
        'invalid_input',
        'The SMS webhook needs a secret of at least 16 characters in KEYWAY_SMS_WEBHOOK_SECRET to sign its requests.',
      );
    }
    this.description = `webhook ${this.url.origin}${this.url.pathname}`;
  }

  async send(message: SmsMessage): Promise<SmsReceipt> {
    const body = JSON.stringify({ to: message.to, message: message.message, id: message.id });
    const signature = createHmac('sha256', Buffer.from(this.secret, 'utf8')).update(body, 'utf8').digest('hex');
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SMS_SIGNATURE_HEADER]: `sha256=${signature}` },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`The SMS webhook answered ${response.status}.`);
    }
    this.log(`sms: code to ${maskPhone(message.to)} handed to ${this.description}`);
    return { id: message.id, via: 'webhook' };
  }
}

/** https, or plain http to this computer: the body carries a sign-in code. */
function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new KeywayError('invalid_input', `"${text}" is not a URL; expected https://gateway.example/sms.`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    if (url.username !== '' || url.password !== '') {
      throw new KeywayError('invalid_input', 'The SMS webhook URL must not carry a user name or password.');
    }
    return url;
  }
  throw new KeywayError(
    'invalid_input',
    'The SMS webhook URL must be https (plain http only to 127.0.0.1 or localhost).',
  );
}
