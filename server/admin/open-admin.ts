import path from 'node:path';
import { parseServerOrigin } from '../../protocol/server-origin';
import {
  DEFAULT_DEPLOYMENT_TTL_SECONDS,
  DEFAULT_LICENSE,
  DEFAULT_LIMITS,
  DEFAULT_SERVER_NAME,
  type SmtpOptions,
} from '../config';
import type { ServerIdentity } from '../identity';
import { createMailDelivery, defaultMailFrom } from '../mail/mail-delivery';
import { parseSmtpUrl } from '../mail/smtp-url';
import { NO_CODE_DELIVERY } from '../mfa/delivery';
import { createServices } from '../services';
import { openStorage, type DatabaseLocation } from '../storage/database';
import { readSetting } from '../storage/settings';
import { openSecretBox } from '../mfa/secret-key';
import { AdminService } from './admin-service';
import { storedSinks } from '../audit/sink-config';

export interface AdminOptions {
  dataDir: string;
  /** Where the data is; SQLite in the data dir when absent (server/storage/database.ts). */
  database?: DatabaseLocation | undefined;
  /** Defaults to the origin the last `serve` on this data dir recorded. */
  publicOrigin?: string | undefined;
  /** Defaults to the relay the last `serve` recorded (without credentials), else the outbox. */
  smtp?: SmtpOptions | undefined;
  outboxDir?: string | undefined;
  clock?: () => number;
  log?: (line: string) => void;
  deploymentTtlSeconds?: number;
  /**
   * KEYWAY_SECRET_KEY's value on PostgreSQL: the admin seals and opens second-factor secrets with the
   * same key as the servers (server/mfa/secret-key.ts); SQLite uses the data dir's key file.
   */
  secretKey?: string | undefined;
}

/**
 * The admin service on its own, for the CLI: it opens the data dir's database beside (or without) a
 * running server; WAL and busy_timeout let both write.
 */
export async function openAdminService(options: AdminOptions): Promise<AdminService> {
  // Admin commands never migrate a shared PostgreSQL database behind the servers' backs: `migrate` does.
  const storage = await openStorage(options.database ?? { engine: 'sqlite', dataDir: options.dataDir }, {
    migrations: 'refuse',
  });
  try {
    const stored = await readSetting(storage, 'public_origin');
    const origin = options.publicOrigin !== undefined ? parseServerOrigin(options.publicOrigin) : (stored ?? '');
    const name = (await readSetting(storage, 'server_name')) ?? DEFAULT_SERVER_NAME;
    const identity: ServerIdentity = { name, origin, license: DEFAULT_LICENSE };
    const storedSmtp = await readSetting(storage, 'smtp_url');
    const mail = createMailDelivery({
      from: defaultMailFrom(name, origin === '' ? 'http://localhost' : origin),
      smtp: options.smtp ?? (storedSmtp === undefined ? undefined : parseSmtpUrl(storedSmtp)),
      outboxDir: options.outboxDir ?? path.join(options.dataDir, 'outbox'),
      log: options.log ?? (() => undefined),
    });
    const box = await openSecretBox(storage, {
      dataDir: options.dataDir,
      secretKey: options.secretKey,
      clock: options.clock,
    });
    const services = createServices(storage, identity, options.clock ?? Date.now, DEFAULT_LIMITS, {
      dataDir: options.dataDir,
      box,
      delivery: NO_CODE_DELIVERY,
      // The sinks the last `serve` delivers to: the CLI's events are owed to them like the server's.
      auditSinks: storedSinks(await readSetting(storage, 'audit_sinks')),
    });
    return new AdminService({
      services,
      mail,
      identity,
      deploymentTtlSeconds: options.deploymentTtlSeconds ?? DEFAULT_DEPLOYMENT_TTL_SECONDS,
      onClose: () => {
        mail.close();
        void storage.close();
      },
    });
  } catch (error) {
    await storage.close();
    throw error;
  }
}
