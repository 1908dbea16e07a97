import { sql, type RawBuilder } from 'kysely';
import type { Storage } from '../../server/storage/storage';

/**
 * The query plan of `query` as text, to prove which index a query uses. PostgreSQL picks a sequential
 * scan over a tiny table whatever its indexes, so there the plan is taken with sequential scans
 * discouraged (enable_seqscan = off, for this transaction only): what is then shown is whether an index
 * CAN serve the query, which is what a missing index would change.
 */
export async function planOf(storage: Storage, query: RawBuilder<unknown>): Promise<string> {
  if (storage.engine === 'sqlite') {
    return JSON.stringify((await sql`EXPLAIN QUERY PLAN ${query}`.execute(storage.q())).rows);
  }
  return storage.transaction(async () => {
    await sql`SET LOCAL enable_seqscan = off`.execute(storage.q());
    return JSON.stringify((await sql`EXPLAIN ${query}`.execute(storage.q())).rows);
  });
}
