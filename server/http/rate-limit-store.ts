import { createHash } from 'node:crypto';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Storage } from '../storage/storage';

/** What @fastify/rate-limit's `incr`/`read` callbacks carry: the count in the window and its ms left. */
interface RateLimitCount {
  current: number;
  ttl: number;
}

/**
 * The option createLimiter (rate-limiter.ts) passes through createRateLimit() to name its counter.
 * @fastify/rate-limit merges every option it is given into what it hands the store's child() (its
 * index.js, createLimiterArgs → mergeParams → store.child), so the name reaches us unchanged.
 */
export const LIMITER_NAME_OPTION = 'keywayLimiter';

/** How often (by the store's clock) one instance deletes windows that have ended. */
const PRUNE_INTERVAL_MS = 60_000;

/**
 * @fastify/rate-limit's documented custom `store` (its README, "Custom Store"; the interface is
 * FastifyRateLimitStore in its types: `incr(key, cb, timeWindow, max)` and `child(routeOptions)`), over
 * the server's Storage instead of process memory: on SQLite the counters live in the data dir's file,
 * so a restart forgets no throttle; on PostgreSQL every instance counts against one budget.
 *
 * Fixed windows, like the library's LocalStore: the first hit opens a window of `timeWindow` ms and
 * every hit in it adds one; the first hit after it ends opens a new one at 1.
 */
export function storageRateLimitStore(storage: Storage, clock: () => number = Date.now): FastifyRateLimitStoreCtor {
  // Shared by the root store and every child made from it: one per HTTP app.
  const shared: SharedState = { storage, clock, names: new Map(), lastPrune: clock() };
  // The library makes the root store with `new store(globalParams)`; it needs nothing from them.
  return class extends StorageRateLimitStore {
    constructor() {
      super(shared, '');
    }
  };
}

interface SharedState {
  storage: Storage;
  clock: () => number;
  /** How many limiters of each name this app has made so far (see child()). */
  names: Map<string, number>;
  lastPrune: number;
}

class StorageRateLimitStore implements FastifyRateLimitStore {
  constructor(
    private readonly shared: SharedState,
    private readonly namespace: string,
  ) {}

  /**
   * One counter space per limiter. createLimiter names each after what it limits; several limiters may
   * share a name ("sign-in attempts from this address" on the API, the provider's pages and /account),
   * and each kept its own budget in memory, so the n-th of a name gets "#n". Every instance of one
   * version builds its limiters in the same order (at start, from the same code), so the same limiter
   * gets the same namespace on every instance. A route-level limit (config.rateLimit, unused here)
   * would be named by its method and URL, as the library's RedisStore does.
   */
  child(routeOptions: object): FastifyRateLimitStore {
    const options = routeOptions as {
      [LIMITER_NAME_OPTION]?: unknown;
      routeInfo?: { method?: unknown; url?: unknown };
    };
    const given = options[LIMITER_NAME_OPTION];
    const base =
      typeof given === 'string' ? given : `${String(options.routeInfo?.method)} ${String(options.routeInfo?.url)}`;
    const seen = this.shared.names.get(base) ?? 0;
    this.shared.names.set(base, seen + 1);
    return new StorageRateLimitStore(this.shared, `${base}#${seen}`);
  }

  incr(key: string, callback: (error: Error | null, result?: RateLimitCount) => void, timeWindow: number): void {
    this.increment(key, timeWindow).then(
      (result) => callback(null, result),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** The non-mutating peek of `{ increment: false }` (the library's optional `read`). */
  read(key: string, callback: (error: Error | null, result?: RateLimitCount) => void): void {
    this.peek(key).then(
      (result) => callback(null, result),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /**
   * Counts one hit in ONE statement: INSERT … ON CONFLICT DO UPDATE … RETURNING, which both engines run
   * atomically, so concurrent hits from any number of instances are each counted exactly once and each
   * sees its own count:
   * - PostgreSQL: "ON CONFLICT DO UPDATE guarantees an atomic INSERT or UPDATE outcome … even under high
   *   concurrency" (https://www.postgresql.org/docs/15/sql-insert.html#SQL-ON-CONFLICT); the conflicting
   *   row is locked and, in READ COMMITTED (autocommit), the SET is evaluated on its latest committed
   *   version, so `count + 1` never loses an update.
   * - SQLite: one statement is one implicit transaction under the database's single write lock.
   * A read-then-write (SELECT, then UPDATE) would let two instances read the same count and both pass.
   * Not inside a caller's transaction (q() would join it): limiters run before a handler's work.
   *
   * The count is durable before the limiter decides, so a refused or failed request has counted even if
   * the server stops right after. On SQLite the statement goes through storage.transaction() so that it
   * shares one commit (one fsync) with the other transactions ready at the same moment, usually other
   * requests' own work (group-commit.ts): before that, a sign-in or a refresh paid two fsyncs, this
   * counter's and its own. On PostgreSQL it stays one autocommit statement (one round trip); wrapping
   * it would add BEGIN and COMMIT and, under SERIALIZABLE, conflicts on the source's one hot row.
   */
  private async increment(key: string, windowMs: number): Promise<RateLimitCount> {
    const { storage, clock } = this.shared;
    const now = clock();
    const counted =
      storage.engine === 'sqlite'
        ? await storage.transaction(() => this.upsert(key, windowMs, now))
        : await this.upsert(key, windowMs, now);
    // After the count's transaction, so the background prune never runs on a transaction it is not part of.
    this.pruneNowAndThen(now);
    return counted;
  }

  private async upsert(key: string, windowMs: number, now: number): Promise<RateLimitCount> {
    const { storage } = this.shared;
    const windowEnds = now + windowMs;
    const expired = sql<boolean>`rate_limits.window_ends_at <= ${now}`;
    const row = await storage
      .q()
      .insertInto('rate_limits')
      .values({ key_hash: this.keyHash(key), count: 1, window_ends_at: windowEnds })
      .onConflict((conflict) =>
        conflict.column('key_hash').doUpdateSet({
          count: sql<number>`CASE WHEN ${expired} THEN 1 ELSE rate_limits.count + 1 END`,
          window_ends_at: sql<number>`CASE WHEN ${expired} THEN ${windowEnds} ELSE rate_limits.window_ends_at END`,
        }),
      )
      .returning(['count', 'window_ends_at'])
      .executeTakeFirstOrThrow();
    return { current: row.count, ttl: Math.max(0, row.window_ends_at - now) };
  }

  private async peek(key: string): Promise<RateLimitCount> {
    const now = this.shared.clock();
    const row = await this.shared.storage
      .q()
      .selectFrom('rate_limits')
      .select(['count', 'window_ends_at'])
      .where('key_hash', '=', this.keyHash(key))
      .where('window_ends_at', '>', now)
      .executeTakeFirst();
    return row ? { current: row.count, ttl: row.window_ends_at - now } : { current: 0, ttl: 0 };
  }

  /**
   * SHA-256 of the limiter's namespace and the key. Keys include deployment codes and login IDs, which
   * must not sit in the database in clear (deployments store only a hash of the code, too).
   */
  private keyHash(key: string): string {
    return createHash('sha256').update(`${this.namespace}\n${key}`).digest('hex');
  }

  /**
   * Deletes ended windows about once a minute per instance, in the background: a prune that fails
   * (the database is briefly away) costs nothing but rows, and the next one retries. It cannot delete
   * a live window: its WHERE is re-checked on the row it deletes (PostgreSQL re-evaluates it on a row
   * an increment just updated; SQLite runs one statement at a time).
   */
  private pruneNowAndThen(now: number): void {
    if (now - this.shared.lastPrune < PRUNE_INTERVAL_MS) return;
    this.shared.lastPrune = now;
    this.shared.storage
      .q()
      .deleteFrom('rate_limits')
      .where('window_ends_at', '<=', now)
      .execute()
      .catch(() => undefined);
  }
}
