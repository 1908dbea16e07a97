import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { maskPhone } from '../destinations';
import type { SmsMessage, SmsProvider, SmsReceipt } from './sms-provider';

/** File names sort in the order messages were written, even within one millisecond. */
let sequence = 0;

/**
 * Development SMS: each message is saved as `<time>-<seq>-sms-<random>.sms.json` in the outbox
 * (beside the .eml files), holding `{ "to", "message", "id", "createdAt" }`, and logged in one line
 * that masks the number. test/support/mfa-outbox.ts reads the codes back.
 */
export class OutboxSms implements SmsProvider {
  readonly description: string;

  constructor(
    private readonly outboxDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.description = `the outbox ${outboxDir}`;
  }

  async send(message: SmsMessage): Promise<SmsReceipt> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    sequence = (sequence + 1) % 1_000_000;
    const name = `${stamp}-${String(sequence).padStart(6, '0')}-sms-${randomBytes(4).toString('hex')}.sms.json`;
    const file = path.join(this.outboxDir, name);
    // Owner-only, like the mail outbox: these files carry sign-in codes.
    await mkdir(this.outboxDir, { recursive: true, mode: 0o700 });
    const body = { to: message.to, message: message.message, id: message.id, createdAt: new Date().toISOString() };
    await writeFile(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    this.log(`sms: code to ${maskPhone(message.to)} saved to ${file}`);
    return { id: message.id, via: 'outbox', file };
  }
}
