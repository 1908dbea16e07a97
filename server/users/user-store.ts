import { KeywayError } from '../../protocol/errors';
import { sql } from 'kysely';
import type { Row } from '../storage/schema';
import type { Storage } from '../storage/storage';
import { identifierKey } from './identifiers';

export interface UserRecord {
  id: number;
  loginId: string;
  email: string;
  displayName: string;
  passwordHash: string;
  signInMethod: string;
  aliases: string[];
  /** E.164, for SMS codes. */
  phone: string | undefined;
  /** Set while an admin has locked the user (user-lock.ts): when, and the admin's note, if any. */
  lock: { at: number; reason: string | undefined } | undefined;
}

export interface NewUserRecord {
  loginId: string;
  email: string;
  displayName: string;
  passwordHash: string;
  aliases: readonly string[];
  phone?: string | undefined;
}

const KIND_LABEL = { login_id: 'login ID', email: 'e-mail address', alias: 'alias' } as const;
type IdentifierKind = keyof typeof KIND_LABEL;

/** Users and every name they sign in with. */
export class UserStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /**
   * Inserts the user and all their names in one transaction: either all of them exist or none. Of two
   * concurrent creations claiming one name (two admins, two instances, two first SSO sign-ins), exactly
   * one succeeds and the other hears which user has the name: the check and the inserts run in one
   * transaction (SQLite: BEGIN IMMEDIATE, so one after the other; PostgreSQL: SERIALIZABLE with retry,
   * storage.ts, where the loser's insert into the identifier's primary key fails as a serialization
   * failure because it read that key first, https://www.postgresql.org/docs/15/transaction-iso.html#XACT-SERIALIZABLE,
   * and its retry then finds the owner). PostgreSQL documents rare corner cases where such a loss is
   * reported as a unique violation instead (mvcc-serialization-failure-handling.html): the primary key
   * still refuses the second owner and the whole transaction rolls back, only the message is less clear.
   */
  async create(user: NewUserRecord): Promise<UserRecord> {
    const names: { kind: IdentifierKind; display: string }[] = [
      { kind: 'login_id', display: user.loginId },
      { kind: 'email', display: user.email },
      ...user.aliases.map((alias) => ({ kind: 'alias' as const, display: alias })),
    ];
    const seen = new Set<string>();
    const unique = names.filter(({ display }) => {
      const key = identifierKey(display);
      // A login ID may well be the e-mail address; one row serves both.
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const id = await this.storage.transaction(async () => {
      for (const { kind, display } of unique) {
        const owner = await this.ownerOf(display);
        if (owner !== undefined) {
          throw new KeywayError(
            'invalid_input',
            `The ${KIND_LABEL[kind]} "${display}" is already used by user "${owner}".`,
          );
        }
      }
      const q = this.storage.q();
      const now = this.clock();
      const inserted = await q
        .insertInto('users')
        .values({
          login_id: user.loginId,
          email: user.email,
          display_name: user.displayName,
          password_hash: user.passwordHash,
          created_at: now,
          password_changed_at: now,
          phone: user.phone ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await q
        .insertInto('user_identifiers')
        .values(
          unique.map(({ kind, display }) => ({
            identifier: identifierKey(display),
            display,
            user_id: inserted.id,
            kind,
          })),
        )
        .execute();
      return inserted.id;
    });
    const created = await this.findById(id);
    if (!created) throw new Error('The new user vanished.');
    return created;
  }

  /** Finds a user by login ID, e-mail address or alias, ignoring case. */
  /**
   * The user and its aliases in ONE statement (a LEFT JOIN, one row per alias): every sign-in and refresh
   * looks a user up, and on PostgreSQL each statement is a round trip, the main cost measured there
   * (test/bench/gap-causes.ts). Both lookups go through user_identifiers' indexes (query-plans.test.ts).
   */
  async findByName(name: string): Promise<UserRecord | undefined> {
    const rows = await this.storage
      .q()
      .selectFrom('user_identifiers as named')
      .innerJoin('users', 'users.id', 'named.user_id')
      .leftJoin('user_identifiers as alias', (join) =>
        join.onRef('alias.user_id', '=', 'users.id').on('alias.kind', '=', 'alias'),
      )
      .selectAll('users')
      .select('alias.display as alias_display')
      .where('named.identifier', '=', identifierKey(name))
      .orderBy('alias.display')
      .execute();
    return withAliasRows(rows);
  }

  /**
   * A password sign-in's first read: the user named `name` (as findByName) and, in the same statement,
   * the lock-out row of the subject its failures count toward when no device of its own applies:
   * `ACCOUNT_LOCK_PREFIX` + id for a known user, `unknownSubject` for a name no one has (sessions/
   * session-service.ts lockSubject). They were two statements, each a round trip on PostgreSQL (issue 16;
   * test/integration/server/sign-in-commits.test.ts pins the count). The one-row probe is what the joins
   * hang from, so an unknown name still gets its lock-out row. `lockedUntil` is only the pre-check: the
   * success transaction re-checks the lock (sign-in-throttle.ts resetUnlessLocked).
   */
  async findByNameWithLock(
    name: string,
    unknownSubject: string,
  ): Promise<{ user: UserRecord | undefined; lockedUntil: number | null }> {
    const rows = await this.storage
      .q()
      // CAST: PostgreSQL must know the parameter's type to compare it; both engines spell it so.
      .selectFrom(sql<{ identifier: string }>`(select cast(${identifierKey(name)} as text) as identifier)`.as('probe'))
      .leftJoin('user_identifiers as named', 'named.identifier', 'probe.identifier')
      .leftJoin('users', 'users.id', 'named.user_id')
      .leftJoin('user_identifiers as alias', (join) =>
        join.onRef('alias.user_id', '=', 'users.id').on('alias.kind', '=', 'alias'),
      )
      // `||` with a NULL id is NULL on both engines, so no user means the unknown name's subject.
      .leftJoin('sign_in_failures as failure', (join) =>
        join.on(
          sql<boolean>`failure.subject = coalesce(${ACCOUNT_LOCK_PREFIX} || cast(users.id as text), ${unknownSubject})`,
        ),
      )
      .selectAll('users')
      .select(['alias.display as alias_display', 'failure.locked_until as failure_locked_until'])
      .orderBy('alias.display')
      .execute();
    const lockedUntil = rows[0]?.failure_locked_until ?? null;
    if (rows[0]?.id == null) return { user: undefined, lockedUntil };
    // The probe matched a user: every row carries its columns (LEFT JOIN types them nullable).
    return { user: withAliasRows(rows as (Row<'users'> & { alias_display: string | null })[]), lockedUntil };
  }

  async findById(id: number): Promise<UserRecord | undefined> {
    const rows = await this.storage
      .q()
      .selectFrom('users')
      .leftJoin('user_identifiers as alias', (join) =>
        join.onRef('alias.user_id', '=', 'users.id').on('alias.kind', '=', 'alias'),
      )
      .selectAll('users')
      .select('alias.display as alias_display')
      .where('users.id', '=', id)
      .orderBy('alias.display')
      .execute();
    return withAliasRows(rows);
  }

  async list(): Promise<UserRecord[]> {
    const rows = await this.storage
      .q()
      .selectFrom('users')
      .selectAll()
      // lower() rather than SQLite's COLLATE NOCASE, which PostgreSQL lacks: the same order on both.
      .orderBy(sql`lower(login_id)`)
      .orderBy('id')
      .execute();
    return Promise.all(rows.map((row) => this.withAliases(row)));
  }

  async setPasswordHash(userId: number, passwordHash: string): Promise<void> {
    await this.storage
      .q()
      .updateTable('users')
      .set({ password_hash: passwordHash, password_changed_at: this.clock() })
      .where('id', '=', userId)
      .execute();
  }

  /** The number SMS codes go to (E.164, already validated), or none. */
  async setPhone(userId: number, phone: string | undefined): Promise<void> {
    await this.storage
      .q()
      .updateTable('users')
      .set({ phone: phone ?? null })
      .where('id', '=', userId)
      .execute();
  }

  /**
   * An admin's lock (with their note) or its end (undefined). Only the state: ending the sessions and
   * recording it is AdminService.lockUser's business, in the same transaction.
   */
  async setLock(userId: number, lock: { reason: string | undefined } | undefined): Promise<void> {
    await this.storage
      .q()
      .updateTable('users')
      .set({ locked_at: lock ? this.clock() : null, lock_reason: lock?.reason ?? null })
      .where('id', '=', userId)
      .execute();
  }

  /** The user's own sign-in method; their domain may still switch them to unified login (SignInPolicy). */
  async setSignInMethod(userId: number, method: 'password' | 'oidc'): Promise<void> {
    await this.storage.q().updateTable('users').set({ sign_in_method: method }).where('id', '=', userId).execute();
  }

  /**
   * Replaces the user's display name, e-mail address and aliases (the admin console's edit form). The
   * check that no other user holds a new name and the rewrite of the names are one transaction, as in
   * create(): of two edits claiming one name at once, one wins and the other hears who has it.
   */
  async updateProfile(
    userId: number,
    profile: { displayName: string; email: string; aliases: readonly string[] },
  ): Promise<void> {
    await this.storage.transaction(async () => {
      const q = this.storage.q();
      const current = await q.selectFrom('users').select('login_id').where('id', '=', userId).executeTakeFirst();
      if (!current) throw new KeywayError('not_found', 'This user no longer exists.');
      const seen = new Set([identifierKey(current.login_id)]);
      const names: { kind: IdentifierKind; display: string }[] = [];
      for (const [kind, display] of [
        ['email', profile.email] as const,
        ...profile.aliases.map((alias) => ['alias', alias] as const),
      ]) {
        const key = identifierKey(display);
        if (seen.has(key)) continue;
        seen.add(key);
        names.push({ kind, display });
      }
      for (const { kind, display } of names) {
        const owner = await q
          .selectFrom('user_identifiers as i')
          .innerJoin('users as u', 'u.id', 'i.user_id')
          .select('u.login_id')
          .where('i.identifier', '=', identifierKey(display))
          .where('i.user_id', '!=', userId)
          .executeTakeFirst();
        if (owner) {
          throw new KeywayError(
            'invalid_input',
            `The ${KIND_LABEL[kind]} "${display}" is already used by user "${owner.login_id}".`,
          );
        }
      }
      await q
        .updateTable('users')
        .set({ display_name: profile.displayName, email: profile.email })
        .where('id', '=', userId)
        .execute();
      await q.deleteFrom('user_identifiers').where('user_id', '=', userId).where('kind', '!=', 'login_id').execute();
      if (names.length > 0) {
        await q
          .insertInto('user_identifiers')
          .values(
            names.map(({ kind, display }) => ({ identifier: identifierKey(display), display, user_id: userId, kind })),
          )
          .execute();
      }
    });
  }

  private async ownerOf(name: string): Promise<string | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('users')
      .innerJoin('user_identifiers', 'user_identifiers.user_id', 'users.id')
      .select('users.login_id')
      .where('user_identifiers.identifier', '=', identifierKey(name))
      .executeTakeFirst();
    return row?.login_id;
  }

  private async withAliases(row: Row<'users'>): Promise<UserRecord> {
    const aliases = await this.storage
      .q()
      .selectFrom('user_identifiers')
      .select('display')
      .where('user_id', '=', row.id)
      .where('kind', '=', 'alias')
      .orderBy('display')
      .execute();
    return userRecord(
      row,
      aliases.map((alias) => alias.display),
    );
  }
}

/** The lock-out subject of an account (sign-in-throttle.ts), followed by the user's id. */
export const ACCOUNT_LOCK_PREFIX = 'user:';

/** One user's rows from a LEFT JOIN on its aliases (one row per alias, or one with none): the record. */
export function withAliasRows(rows: (Row<'users'> & { alias_display: string | null })[]): UserRecord | undefined {
  const [first] = rows;
  if (!first) return undefined;
  const aliases = rows.flatMap((row) => (row.alias_display === null ? [] : [row.alias_display]));
  return userRecord(first, aliases);
}

function userRecord(row: Row<'users'>, aliases: string[]): UserRecord {
  return {
    id: row.id,
    loginId: row.login_id,
    email: row.email,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    signInMethod: row.sign_in_method,
    aliases,
    phone: row.phone ?? undefined,
    lock: row.locked_at === null ? undefined : { at: row.locked_at, reason: row.lock_reason ?? undefined },
  };
}
