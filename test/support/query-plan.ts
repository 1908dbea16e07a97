import { CompiledQuery, sql, type RawBuilder } from 'kysely';
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

/** The plan of one captured statement (its SQL and the parameters it ran with), as planOf takes it. */
export async function planOfStatement(storage: Storage, text: string, parameters: readonly unknown[]): Promise<string> {
  const explain = storage.engine === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
  const run = async () =>
    JSON.stringify((await storage.q().executeQuery(CompiledQuery.raw(explain + text, [...parameters]))).rows);
  if (storage.engine === 'sqlite') return run();
  return storage.transaction(async () => {
    await sql`SET LOCAL enable_seqscan = off`.execute(storage.q());
    return run();
  });
}

/**
 * The tables a plan reads whole (by table name: aliases in `text` are resolved, since SQLite's plan
 * names a table by its alias). A walk of a whole index counts too: it grows with the table just the same.
 * - SQLite: any `SCAN <table>` step, with or without an index (`SEARCH` is a lookup;
 *   https://www.sqlite.org/eqp.html).
 * - PostgreSQL: `Seq Scan on <table>`, an `Index Scan`/`Index Only Scan` on it without an
 *   `Index Cond`, or a `Bitmap Heap Scan` on it without a `Recheck Cond`
 *   (https://www.postgresql.org/docs/15/using-explain.html).
 */
export function fullScansIn(engine: Storage['engine'], plan: string, text = ''): string[] {
  const aliases = new Map<string, string>();
  for (const [, table, alias] of text.matchAll(/\b(?:from|join|update|into)\s+"?(\w+)"?\s+(?:as\s+)?"(\w+)"/gi)) {
    if (table && alias) aliases.set(alias, table);
  }
  const named = (name: string) => aliases.get(name) ?? name;
  const rows = JSON.parse(plan) as { detail?: string; 'QUERY PLAN'?: string }[];
  const tables: string[] = [];
  if (engine === 'sqlite') {
    for (const row of rows) {
      const scan = /^SCAN (\w+)/.exec(row.detail ?? '');
      if (scan?.[1] && scan[1] !== 'CONSTANT') tables.push(named(scan[1]));
    }
    return tables;
  }
  const lines = rows.map((row) => row['QUERY PLAN'] ?? '');
  lines.forEach((line, index) => {
    const seq = /Seq Scan on (\w+)/.exec(line);
    if (seq?.[1]) tables.push(seq[1]);
    // A bitmap heap scan whose index scans had no condition (no `Recheck Cond`) reads every row too: the
    // planner picks it to walk a whole table through any index (seen with users_by_display_name).
    const bitmap = /Bitmap Heap Scan on (\w+)/.exec(line);
    if (bitmap?.[1]) {
      const own: string[] = [];
      for (const next of lines.slice(index + 1)) {
        if (next.includes('->')) break;
        own.push(next);
      }
      if (!own.some((next) => next.includes('Recheck Cond:'))) tables.push(bitmap[1]);
    }
    const indexScan = /Index (?:Only )?Scan (?:Backward )?using \w+ on (\w+)/.exec(line);
    if (!indexScan?.[1] || line.includes('Bitmap')) return;
    // The node's own detail lines follow it, up to the next node ("->").
    const detail: string[] = [];
    for (const next of lines.slice(index + 1)) {
      if (next.includes('->')) break;
      detail.push(next);
    }
    if (!detail.some((next) => next.includes('Index Cond:'))) tables.push(indexScan[1]);
  });
  return tables;
}
