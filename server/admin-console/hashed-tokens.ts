import { randomToken, sha256Hex } from '../security/digest';
import type { NewRow } from '../storage/schema';
import type { Storage } from '../storage/storage';

/** The console's tables keyed by a hashed bearer token with an expiry: sessions and pending sign-ins. */
export type HashedTokenTable = 'admin_sessions' | 'admin_pending_sign_ins';

/**
 * A new row keyed by a fresh bearer token, for the console's cookies (admin-sessions.ts, admin-sign-ins.ts):
 * 256 random bits from node:crypto handed back once as the cookie value, only their SHA-256 stored. In the
 * same transaction, the table's expired rows (expires_at <= now) are deleted, so the table holds no more
 * than the live rows plus those expired since the last start or lookup.
 */
export async function startHashedToken<T extends HashedTokenTable>(
  storage: Storage,
  table: T,
  now: number,
  row: (idHash: string) => NewRow<T>,
): Promise<{ id: string; idHash: string }> {
  const id = randomToken();
  const idHash = sha256Hex(id);
  await storage.transaction(async () => {
    await pruneExpired(storage, table, now);
    await storage.q().insertInto(table).values(row(idHash)).execute();
  });
  return { id, idHash };
}

/** Deletes the table's expired rows (expires_at <= now): nothing reads them again. */
export async function pruneExpired(storage: Storage, table: HashedTokenTable, now: number): Promise<void> {
  await storage.q().deleteFrom(table).where('expires_at', '<=', now).execute();
}
