import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** One text message the reference server saved to its outbox (server/mfa/sms/outbox-sms.ts). */
export interface OutboxSms {
  to: string;
  message: string;
  id: string;
  createdAt: string;
  file: string;
}

/** Every .sms.json file in the outbox, oldest first (their names sort by time of writing). */
async function readSmsOutbox(outboxDir: string): Promise<OutboxSms[]> {
  let names: string[];
  try {
    names = await readdir(outboxDir);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
  const files = names.filter((name) => name.endsWith('.sms.json')).sort();
  return Promise.all(
    files.map(async (name) => {
      const file = path.join(outboxDir, name);
      const body = JSON.parse(await readFile(file, 'utf8')) as Omit<OutboxSms, 'file'>;
      return { ...body, file };
    }),
  );
}

/**
 * The six-digit code of the newest text message to `phone` (E.164, as the server stores it) in the
 * outbox, e.g. `<data dir>/outbox`. Waits up to `timeoutMs` for one to arrive; with `after`, only
 * messages written after that one count (so a resend's code is not confused with the first).
 */
export async function latestSmsCode(
  outboxDir: string,
  phone: string,
  options: { timeoutMs?: number; after?: OutboxSms } = {},
): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  for (;;) {
    const messages = (await readSmsOutbox(outboxDir)).filter(
      (sms) => sms.to === phone && (options.after === undefined || sms.file > options.after.file),
    );
    const code = /\b(\d{6})\b/.exec(messages.at(-1)?.message ?? '')?.[1];
    if (code !== undefined) return code;
    if (Date.now() > deadline) throw new Error(`No SMS code for ${phone} in ${outboxDir}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The newest text message to `phone`, or undefined. */
export async function latestSms(outboxDir: string, phone: string): Promise<OutboxSms | undefined> {
  return (await readSmsOutbox(outboxDir)).filter((sms) => sms.to === phone).at(-1);
}
