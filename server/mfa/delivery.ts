import { randomUUID } from 'node:crypto';
import type { MailDelivery } from '../mail/mail-delivery';
import { mfaCodeEmail } from '../mail/mfa-code-email';
import type { UserRecord } from '../users/user-store';
import type { SmsProvider } from './sms/sms-provider';

/** Sends e-mail and SMS codes; the MFA flow does not know how. */
export interface CodeDelivery {
  email(user: UserRecord, code: string, minutes: number): Promise<void>;
  sms(phone: string, code: string, minutes: number): Promise<void>;
}

export interface MessengerOptions {
  /** The server's mail delivery, made once the server knows its origin (the From address needs it). */
  mail: () => MailDelivery | undefined;
  sms: SmsProvider;
  serverName: () => string;
  /** Delivery failures are logged here; the user only hears that the code could not be sent. */
  log: (line: string) => void;
}

export function createCodeDelivery(options: MessengerOptions): CodeDelivery {
  const logged = async (what: string, via: string, work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      options.log(`error: mfa: could not send ${what} via ${via}: ${reason}`);
      throw error;
    }
  };
  return {
    async email(user, code, minutes) {
      const mail = options.mail();
      if (!mail) throw new Error('Mail delivery is not ready yet.');
      const message = mfaCodeEmail({
        to: user.email,
        displayName: user.displayName,
        serverName: options.serverName(),
        code,
        minutes,
      });
      await logged('an e-mail code', mail.description, () => mail.send(message));
    },
    async sms(phone, code, minutes) {
      const message = `${code} is your ${options.serverName()} sign-in code. It expires in ${minutes} minutes. Do not share it.`;
      const id = randomUUID();
      await logged('an SMS code', options.sms.description, () => options.sms.send({ to: phone, message, id }));
    },
  };
}

/** For the admin CLI, which never sends codes. */
export const NO_CODE_DELIVERY: CodeDelivery = {
  email: () => Promise.reject(new Error('This process does not send sign-in codes.')),
  sms: () => Promise.reject(new Error('This process does not send sign-in codes.')),
};
