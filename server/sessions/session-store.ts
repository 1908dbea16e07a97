import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_MS } from '../config';
import { rowIdOf } from '../oidc/adapter';
import { randomToken, sha256Hex } from '../security/digest';
import type { QueryCreator } from 'kysely';
import type { KeywayTables, NewRow, Row } from '../storage/schema';
import type { Storage } from '../storage/storage';
import { withAliasRows, type UserRecord } from '../users/user-store';

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresIn: number;
}

/**
 * `user`: the family's user with its aliases as the rotation read it (undefined when the user is gone:
 * the caller refuses). The caller still decides whether that user may have tokens (a lock).
 */
export type Rotation =
  | { outcome: 'rotated'; userId: number; user: UserRecord | undefined; tokens: IssuedTokens }
  | { outcome: 'invalid' | 'replayed' };

/**
 * How often (by the store's clock) one instance deletes expired access tokens. They are useless once
 * expired (userOfAccessToken checks expires_at), so deleting them is housekeeping, not a control.
 */
const PRUNE_INTERVAL_MS = 60_000;

/** PostgreSQL's isolation for rotate() (SQLite ignores it); why it is enough is said at rotate(). */
const ROTATION_ISOLATION = { isolation: 'read committed' } as const;
/** PostgreSQL's isolation for start(); why it is enough is said there. */
const START_ISOLATION = { isolation: 'read committed' } as const;

interface RefreshRow {
  family_id: number;
  user_id: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

/**
 * Sessions as token families: a sign-in starts a family; each refresh marks its token used and issues
 * the next one in the same family. Only SHA-256 of each token is stored.
 */
export class SessionStore {
  private lastPrune: number;

  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {
    this.lastPrune = clock();
  }

  /**
   * A new family with its first tokens; the family and its tokens are one transaction. PostgreSQL: READ
   * COMMITTED, because it only inserts new rows under fresh keys and reads nothing that decides anything,
   * so SERIALIZABLE has nothing to protect here and only added its predicate-lock bookkeeping to every
   * sign-in. A "sign out everywhere" racing it sees the family or not, the same two outcomes as before.
   */
  async start(userId: number, installationId: string | undefined): Promise<IssuedTokens> {
    const newFamily = async () => {
      const family = await this.storage
        .q()
        .insertInto('session_families')
        .values({
          user_id: userId,
          installation_id: installationId ?? null,
          created_at: this.clock(),
          revoked_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return this.issue(family.id);
    };
    // Inside a caller's transaction (a password sign-in, an MFA verify) the family and its tokens are
    // already atomic with the caller's work, and a failure here fails the caller's transaction: a
    // savepoint would only add SAVEPOINT and RELEASE, two more round trips on PostgreSQL.
    const tokens = await (this.storage.q().isTransaction
      ? newFamily()
      : this.storage.transaction(newFamily, START_ISOLATION));
    this.pruneNowAndThen();
    return tokens;
  }

  /**
   * Rotates a refresh token. A token that was already used means two parties hold the family (a
   * stolen token, RFC 9700 §4.14.2): the whole family is revoked, the newest token included. The
   * revocation commits even though the caller then refuses the request.
   * Of two concurrent rotations of one token (two instances, or a thief racing the owner), exactly one
   * rotates: marking the token used is one conditional UPDATE (… WHERE used_at IS NULL) whose
   * affected-row count decides, inside one transaction, so the loser sees the token used and revokes the
   * family, as reuse detection asks. SQLite: BEGIN IMMEDIATE, one writer at a time. PostgreSQL: READ
   * COMMITTED, because the UPDATE serialises the contenders itself: it waits for the row lock of a
   * concurrent UPDATE of the same token and then re-checks its WHERE on the committed row ("the second
   * updater … will re-evaluate its search condition to see if the updated version of the row still
   * matches", https://www.postgresql.org/docs/15/transaction-iso.html#XACT-READ-COMMITTED), so exactly one
   * contender counts one updated row. SERIALIZABLE bought nothing more here and cost most refreshes a
   * retry: the inserts of concurrent rotations land on the index pages the others' reads had locked.
   * A family revoked after the UPDATE checked it and before the commit only gets tokens that every
   * check refuses (they all join the family's revoked_at).
   */
  async rotate(refreshToken: string): Promise<Rotation> {
    const now = this.clock();
    const hash = sha256Hex(refreshToken);
    const rotation =
      this.storage.engine === 'postgres'
        ? await this.rotateInOneStatement(hash, now)
        : await this.storage.transaction(async (): Promise<Rotation> => {
            // The usual case in one statement: the conditional UPDATE marks the token used only if it is
            // live (unused, unexpired, its family unrevoked) and returns its family and user. The SELECT
            // that used to come first only decided why a token is refused, so it runs only when the
            // UPDATE marked nothing (refused): the outcomes are the same (refresh-rotation.test.ts), and
            // the UPDATE's row count still decides a race as said above.
            const marked = await this.markUsed(this.storage.q(), hash, now).execute();
            const live = marked[0];
            // user_id is never null (the family exists: the UPDATE's WHERE found it unrevoked).
            const userId = live?.user_id ?? undefined;
            if (marked.length !== 1 || !live || userId === undefined) return this.refused(hash, now);
            const issued = newTokens(live.family_id, now);
            await this.store(issued);
            // SQLite has no data-modifying WITH, and a statement there is a function call, not a round
            // trip: the user is read apart, inside the same transaction.
            const user = withAliasRows(await this.userWithAliases().where('users.id', '=', userId).execute());
            return { outcome: 'rotated', userId, user, tokens: issued.tokens };
          }, ROTATION_ISOLATION);
    this.pruneNowAndThen();
    return rotation;
  }

  /**
   * PostgreSQL: the whole rotation of a live token in ONE statement, with no BEGIN and COMMIT around it
   * (three round trips instead of the five a transaction of UPDATE, INSERT and user read took): the
   * conditional UPDATE in a WITH, the two INSERTs of the new tokens in WITHs reading the UPDATE's
   * RETURNING, and the main SELECT answering the family's user with its aliases. PostgreSQL runs every
   * data-modifying statement in WITH "exactly once, and always to completion", on one snapshot
   * (https://www.postgresql.org/docs/15/queries-with.html#QUERIES-WITH-MODIFYING), and a statement
   * outside an explicit transaction is its own transaction: all of it commits, durably, or none.
   * The race of two rotations is decided exactly as in a transaction (see rotate(): the UPDATE waits for
   * the other's row lock and re-checks used_at on the committed row), and the loser's INSERTs read an
   * empty RETURNING, so they insert nothing. The user is read on the statement's snapshot, which is
   * at least as new as the family the UPDATE found unrevoked; lockUser revokes the families with the
   * lock in one transaction, so a lock already committed is seen by one or the other.
   */
  private async rotateInOneStatement(hash: string, now: number): Promise<Rotation> {
    const issued = newTokens(0, now); // family_id comes from the UPDATE's RETURNING, not from here
    const { accessRow, refreshRow } = issued;
    const rows = await this.storage
      .q()
      .with('marked', (db) => this.markUsed(db, hash, now))
      .with('access', (db) =>
        db
          .insertInto('access_tokens')
          .columns(['token_hash', 'family_id', 'expires_at'])
          .expression((eb) =>
            eb
              .selectFrom('marked')
              .select([
                eb.cast<string>(eb.val(accessRow.token_hash), 'text').as('token_hash'),
                'marked.family_id',
                eb.cast<number>(eb.val(accessRow.expires_at), 'bigint').as('expires_at'),
              ]),
          ),
      )
      .with('refresh', (db) =>
        db
          .insertInto('refresh_tokens')
          .columns(['token_hash', 'family_id', 'issued_at', 'expires_at', 'used_at'])
          .expression((eb) =>
            eb
              .selectFrom('marked')
              .select([
                eb.cast<string>(eb.val(refreshRow.token_hash), 'text').as('token_hash'),
                'marked.family_id',
                eb.cast<number>(eb.val(refreshRow.issued_at), 'bigint').as('issued_at'),
                eb.cast<number>(eb.val(refreshRow.expires_at), 'bigint').as('expires_at'),
                eb.cast<number | null>(eb.lit(null), 'bigint').as('used_at'),
              ]),
          ),
      )
      .selectFrom('marked')
      .leftJoin('users', 'users.id', 'marked.user_id')
      .leftJoin('user_identifiers as alias', (join) =>
        join.onRef('alias.user_id', '=', 'users.id').on('alias.kind', '=', 'alias'),
      )
      .select([
        'marked.family_id',
        'marked.user_id',
        'users.id',
        'users.login_id',
        'users.email',
        'users.display_name',
        'users.password_hash',
        'users.sign_in_method',
        'users.created_at',
        'users.password_changed_at',
        'users.phone',
        'users.locked_at',
        'users.lock_reason',
        'alias.display as alias_display',
      ])
      .orderBy('alias.display')
      .execute();
    const first = rows[0];
    const userId = first?.user_id ?? undefined;
    // Nothing marked: refused or replayed, decided in a transaction of its own (only on this path).
    if (!first || userId === undefined) {
      return this.storage.transaction(() => this.refused(hash, now), ROTATION_ISOLATION);
    }
    // The user is gone when its row is absent (the LEFT JOIN gave nulls): the caller refuses.
    const user =
      first.id === null
        ? undefined
        : // The LEFT JOIN found the user (its primary key is not null), so every row carries the user's
          // columns as stored, NOT NULL ones included: the rows are findById's, with the family's two
          // columns besides.
          withAliasRows(rows as unknown as (Row<'users'> & { alias_display: string | null })[]);
    return {
      outcome: 'rotated',
      userId,
      user,
      tokens: issued.tokens,
    };
  }

  /**
   * The conditional UPDATE that marks a live token used (unused, unexpired, its family unrevoked) and
   * returns its family and user: its affected-row count decides a race (see rotate()).
   */
  private markUsed(q: QueryCreator<KeywayTables>, hash: string, now: number) {
    return (
      q
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', hash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        // Correlated, so each engine seeks the family by its primary key (an IN list scanned every family:
        // query-plans.test.ts).
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('session_families')
              .select('session_families.id')
              .whereRef('session_families.id', '=', 'refresh_tokens.family_id')
              .where('session_families.revoked_at', 'is', null),
          ),
        )
        .returning((eb) => [
          'refresh_tokens.family_id',
          eb
            .selectFrom('session_families')
            .select('session_families.user_id')
            .whereRef('session_families.id', '=', 'refresh_tokens.family_id')
            .as('user_id'),
        ])
    );
  }

  /** A user with its aliases, one row per alias (UserStore.findById's query; withAliasRows reads it). */
  private userWithAliases() {
    return this.storage
      .q()
      .selectFrom('users')
      .leftJoin('user_identifiers as alias', (join) =>
        join.onRef('alias.user_id', '=', 'users.id').on('alias.kind', '=', 'alias'),
      )
      .selectAll('users')
      .select('alias.display as alias_display')
      .orderBy('alias.display');
  }

  /**
   * Why a token the UPDATE did not mark is refused: unknown, expired or revoked (invalid), or already
   * used (reuse: the family is revoked, and that commits though the caller refuses). Inside a transaction.
   */
  private async refused(hash: string, now: number): Promise<Rotation> {
    const q = this.storage.q();
    const row: RefreshRow | undefined = await q
      .selectFrom('refresh_tokens as r')
      .innerJoin('session_families as f', 'f.id', 'r.family_id')
      .select(['r.family_id', 'f.user_id', 'r.expires_at', 'r.used_at', 'f.revoked_at'])
      .where('r.token_hash', '=', hash)
      .executeTakeFirst();
    if (!row) return { outcome: 'invalid' };
    if (row.revoked_at !== null || row.expires_at <= now) return { outcome: 'invalid' };
    // Used, or (only in a race no engine lets happen here) seen live yet not marked: treated as reuse,
    // as the SELECT-then-UPDATE did.
    await q
      .updateTable('session_families')
      .set({ revoked_at: now })
      .where('id', '=', row.family_id)
      .where('revoked_at', 'is', null)
      .execute();
    return { outcome: 'replayed' };
  }

  /** Revokes the family of a refresh token, used or not. Unknown tokens are ignored. */
  async revokeByRefreshToken(refreshToken: string): Promise<void> {
    const row = await this.storage
      .q()
      .selectFrom('refresh_tokens')
      .select('family_id')
      .where('token_hash', '=', sha256Hex(refreshToken))
      .executeTakeFirst();
    if (row) await this.revokeFamily(row.family_id);
  }

  /**
   * The user behind a live refresh token: the current one of its family (never used), unexpired, in an
   * unrevoked family. A used (replayed) or old token proves nothing about a current session.
   */
  async userOfLiveRefreshToken(refreshToken: string): Promise<number | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('refresh_tokens as r')
      .innerJoin('session_families as f', 'f.id', 'r.family_id')
      .select('f.user_id')
      .where('r.token_hash', '=', sha256Hex(refreshToken))
      .where('r.used_at', 'is', null)
      .where('r.expires_at', '>', this.clock())
      .where('f.revoked_at', 'is', null)
      .executeTakeFirst();
    return row?.user_id;
  }

  /**
   * The user behind a live refresh token of the OpenID Provider: its RefreshToken row (ids stored hashed,
   * server/oidc/adapter.ts `rowIdOf`), never consumed (rotated or replayed), unexpired by the provider's
   * own real clock (which the adapter stores expiry by). A revoked one has no row. The provider's
   * accountId is the user's id as a string (server/oidc/provider.ts findAccount).
   */
  async userOfLiveProviderRefreshToken(refreshToken: string, now = Date.now()): Promise<number | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('oidc_payloads')
      .select('account_id')
      .where('model', '=', 'RefreshToken')
      .where('id', '=', rowIdOf(refreshToken))
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    const accountId = row?.account_id;
    return accountId !== null && accountId !== undefined && /^[1-9]\d{0,15}$/.test(accountId)
      ? Number(accountId)
      : undefined;
  }

  /** Revokes every live session of a user; returns how many there were. */
  async revokeAllOfUser(userId: number): Promise<number> {
    const revoked = await this.storage
      .q()
      .updateTable('session_families')
      .set({ revoked_at: this.clock() })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(revoked.numUpdatedRows);
  }

  /** Whether this installation has ever finished a sign-in of this user (a source the user has used). */
  async hasSignedInFrom(userId: number, installationId: string): Promise<boolean> {
    const row = await this.storage
      .q()
      .selectFrom('session_families')
      .select('id')
      .where('user_id', '=', userId)
      .where('installation_id', '=', installationId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Remembers a browser that finished a sign-in of this user; returns the random value for its cookie.
   * Only SHA-256 of it is stored.
   */
  async rememberBrowser(userId: number): Promise<string> {
    const value = randomToken();
    await this.storage
      .q()
      .insertInto('known_browsers')
      .values({ id_hash: sha256Hex(value), user_id: userId, created_at: this.clock() })
      .execute();
    return value;
  }

  /** Whether this browser cookie value was handed out by a sign-in of this user (never of another). */
  async knowsBrowser(userId: number, value: string): Promise<boolean> {
    const row = await this.storage
      .q()
      .selectFrom('known_browsers')
      .select('user_id')
      .where('id_hash', '=', sha256Hex(value))
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The user behind a live access token, if any. */
  async userOfAccessToken(accessToken: string): Promise<number | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('access_tokens as a')
      .innerJoin('session_families as f', 'f.id', 'a.family_id')
      .select('f.user_id')
      .where('a.token_hash', '=', sha256Hex(accessToken))
      .where('a.expires_at', '>', this.clock())
      .where('f.revoked_at', 'is', null)
      .executeTakeFirst();
    return row?.user_id;
  }

  private async revokeFamily(familyId: number): Promise<void> {
    await this.storage
      .q()
      .updateTable('session_families')
      .set({ revoked_at: this.clock() })
      .where('id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /**
   * Deletes expired access tokens about once a minute per instance, after a sign-in or refresh has
   * committed, in the background, outside its transaction. Doing it inside every rotation cost each
   * refresh a scan of the whole table (no index on expires_at) and, on PostgreSQL, made every concurrent
   * SERIALIZABLE rotation conflict with every other (the scan's predicate lock covers the rows the others
   * insert), so most refreshes were retried (measured: 15 refreshes/s against 426 bare answers/s).
   * A prune that fails (the database is briefly away) costs nothing but rows; the next one retries. It
   * cannot delete a live token: its WHERE is evaluated on each row it deletes.
   */
  /**
   * Deletes expired access tokens, at most once a PRUNE_INTERVAL_MS, in the background. start() and
   * rotate() call it; a caller that starts a session inside its own transaction (a password sign-in, an
   * MFA verify) calls it once that has committed, since inside it nothing is pruned (see below).
   */
  pruneNowAndThen(): void {
    const now = this.clock();
    const q = this.storage.q();
    // Never inside a caller's transaction (an MFA verify starts the session inside its own): the
    // background query would run on, or after the end of, a transaction it does not belong to.
    if (q.isTransaction || now - this.lastPrune < PRUNE_INTERVAL_MS) return;
    this.lastPrune = now;
    q.deleteFrom('access_tokens')
      .where('expires_at', '<=', now)
      .execute()
      .catch(() => undefined);
  }

  /** The family's first tokens; runs inside start()'s transaction. */
  private async issue(familyId: number): Promise<IssuedTokens> {
    const issued = newTokens(familyId, this.clock());
    await this.store(issued);
    return issued.tokens;
  }

  /**
   * Stores a new access and refresh token, inside the caller's transaction. PostgreSQL: ONE statement,
   * the access token's INSERT in a WITH of the refresh token's, so a sign-in and a refresh pay one round
   * trip for both (PostgreSQL runs a data-modifying statement in WITH "exactly once, and always to
   * completion, independently of whether the primary query reads all (or indeed any) of their output",
   * https://www.postgresql.org/docs/15/queries-with.html#QUERIES-WITH-MODIFYING; an error in either
   * fails the statement and the transaction). SQLite has no INSERT in WITH, and a statement there is a
   * function call, not a round trip: two statements.
   */
  private async store(issued: Pick<NewTokens, 'accessRow' | 'refreshRow'>): Promise<void> {
    const q = this.storage.q();
    if (this.storage.engine === 'postgres') {
      await q
        .with('access', (db) => db.insertInto('access_tokens').values(issued.accessRow))
        .insertInto('refresh_tokens')
        .values(issued.refreshRow)
        .execute();
      return;
    }
    await q.insertInto('access_tokens').values(issued.accessRow).execute();
    await q.insertInto('refresh_tokens').values(issued.refreshRow).execute();
  }
}

/** A fresh access and refresh token for a family, and the rows that store their SHA-256 (sign-in and rotation). */
interface NewTokens {
  tokens: IssuedTokens;
  accessRow: NewRow<'access_tokens'>;
  refreshRow: NewRow<'refresh_tokens'>;
}

function newTokens(familyId: number, now: number): NewTokens {
  const accessToken = randomToken();
  const refreshToken = randomToken();
  return {
    tokens: { accessToken, refreshToken, accessTokenExpiresIn: ACCESS_TOKEN_TTL_SECONDS },
    accessRow: {
      token_hash: sha256Hex(accessToken),
      family_id: familyId,
      expires_at: now + ACCESS_TOKEN_TTL_SECONDS * 1000,
    },
    refreshRow: {
      token_hash: sha256Hex(refreshToken),
      family_id: familyId,
      issued_at: now,
      expires_at: now + REFRESH_TOKEN_TTL_MS,
      used_at: null,
    },
  };
}
