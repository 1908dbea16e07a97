import { sql } from 'kysely';
import type { Storage } from '../storage/storage';
import { identifierKey } from '../users/identifiers';

/** One line of the console's user list. */
interface DirectoryEntry {
  loginId: string;
  displayName: string;
  email: string;
  signInMethod: string;
  /** An admin locked the user (lock-user). */
  locked: boolean;
}

/** Search by a sign-in name (login ID, e-mail address, alias) or by display name, each a prefix. */
export type SearchField = 'login' | 'name';

/**
 * Where the next page starts (keyset paging): the key of the last row shown and, for names (which
 * repeat), its user id. Never an offset: OFFSET n reads and drops n rows, so page 2,000 of 100,000
 * users would read the whole table; a keyset page reads only its own rows from the index.
 */
export interface PageCursor {
  key: string;
  id: number;
}

export interface DirectoryPage {
  entries: DirectoryEntry[];
  next: PageCursor | undefined;
}

const PAGE_SIZE = 50;

/**
 * Above every code point, so `key <= x < key + TOP` holds for every x that starts with key in a binary
 * (SQLite, C-collation) order. The exact starts-with filter beside it keeps the answer right under any
 * PostgreSQL collation, where the range only narrows what the index reads.
 */
const TOP = '\u{10FFFF}';

/**
 * The console's user list over 100,000 users: every query reads one index range, in the index's order
 * (test/integration/server/admin-console-plans.test.ts EXPLAINs them on both engines):
 * - by sign-in name: user_identifiers' primary key (identifier = identifierKey of each name);
 * - by display name: users_by_display_name (lower(display_name), id), migration 14.
 */
export class UserDirectory {
  constructor(private readonly storage: Storage) {}

  async page(
    field: SearchField,
    query: string,
    after: PageCursor | undefined,
    limit = PAGE_SIZE,
  ): Promise<DirectoryPage> {
    return field === 'name' ? this.byName(query, after, limit) : this.byLogin(query, after, limit);
  }

  private async byLogin(query: string, after: PageCursor | undefined, limit: number): Promise<DirectoryPage> {
    const key = identifierKey(query);
    let select = this.storage
      .q()
      .selectFrom('user_identifiers as i')
      .innerJoin('users as u', 'u.id', 'i.user_id')
      .select(['i.identifier', 'u.id', 'u.login_id', 'u.display_name', 'u.email', 'u.sign_in_method', 'u.locked_at']);
    // With no query the list is every user once, by login ID; a query matches any of their names.
    if (key === '') select = select.where('i.kind', '=', 'login_id');
    else {
      select = select
        .where('i.identifier', '>=', key)
        .where('i.identifier', '<', key + TOP)
        .where(sql<boolean>`substr(i.identifier, 1, ${key.length}) = ${key}`);
    }
    if (after !== undefined) select = select.where('i.identifier', '>', after.key);
    const rows = await select
      .orderBy('i.identifier')
      .limit(limit + 1)
      .execute();
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    // A user whose login ID and e-mail both match appears once per page.
    const seen = new Set<number>();
    const entries = shown.filter((row) => !seen.has(row.id) && seen.add(row.id)).map(entryOf);
    return { entries, next: rows.length > limit && last ? { key: last.identifier, id: last.id } : undefined };
  }

  private async byName(query: string, after: PageCursor | undefined, limit: number): Promise<DirectoryPage> {
    const key = query.trim().toLowerCase();
    const lowered = sql<string>`lower(display_name)`;
    let select = this.storage
      .q()
      .selectFrom('users')
      .select(['id', 'login_id', 'display_name', 'email', 'sign_in_method', 'locked_at', lowered.as('name_key')]);
    if (key !== '') {
      select = select
        .where(lowered, '>=', key)
        .where(lowered, '<', key + TOP)
        .where(sql<boolean>`substr(lower(display_name), 1, ${key.length}) = ${key}`);
    }
    if (after !== undefined) {
      select = select.where(sql<boolean>`(lower(display_name), id) > (${after.key}, ${after.id})`);
    }
    const rows = await select
      .orderBy(lowered)
      .orderBy('id')
      .limit(limit + 1)
      .execute();
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return {
      entries: shown.map(entryOf),
      next: rows.length > limit && last ? { key: last.name_key, id: last.id } : undefined,
    };
  }
}

function entryOf(row: {
  login_id: string;
  display_name: string;
  email: string;
  sign_in_method: string;
  locked_at: number | null;
}): DirectoryEntry {
  return {
    loginId: row.login_id,
    displayName: row.display_name,
    email: row.email,
    signInMethod: row.sign_in_method,
    locked: row.locked_at !== null,
  };
}
