import { KeywayError } from '../../protocol/errors';
import type { Db } from '../storage/database';
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
}

export interface NewUserRecord {
  loginId: string;
  email: string;
  displayName: string;
  passwordHash: string;
  aliases: readonly string[];
  phone?: string | undefined;
}

interface UserRow {
  id: number;
  login_id: string;
  email: string;
  display_name: string;
  password_hash: string;
  sign_in_method: string;
  phone: string | null;
}

const KIND_LABEL = { login_id: 'login ID', email: 'e-mail address', alias: 'alias' } as const;
type IdentifierKind = keyof typeof KIND_LABEL;

/** Users and every name they sign in with. */
export class UserStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  /** Inserts the user and all their names in one transaction: either all of them exist or none. */
  create(user: NewUserRecord): UserRecord {
    const names: { kind: IdentifierKind; display: string }[] = [
      { kind: 'login_id', display: user.loginId },
      { kind: 'email', display: user.email },
      ...user.aliases.map((alias) => ({ kind: 'alias' as const, display: alias })),
    ];
    const id = this.db
      .transaction(() => {
        const seen = new Set<string>();
        const unique = names.filter(({ display }) => {
          const key = identifierKey(display);
          // A login ID may well be the e-mail address; one row serves both.
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        for (const { kind, display } of unique) {
          const owner = this.ownerOf(display);
          if (owner !== undefined) {
            throw new KeywayError(
              'invalid_input',
              `The ${KIND_LABEL[kind]} "${display}" is already used by user "${owner}".`,
            );
          }
        }
        const now = this.clock();
        const result = this.db
          .prepare<[string, string, string, string, number, number, string | null]>(
            `INSERT INTO users (login_id, email, display_name, password_hash, created_at, password_changed_at, phone)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(user.loginId, user.email, user.displayName, user.passwordHash, now, now, user.phone ?? null);
        const userId = Number(result.lastInsertRowid);
        const insert = this.db.prepare<[string, string, number, IdentifierKind]>(
          'INSERT INTO user_identifiers (identifier, display, user_id, kind) VALUES (?, ?, ?, ?)',
        );
        for (const { kind, display } of unique) insert.run(identifierKey(display), display, userId, kind);
        return userId;
      })
      .immediate();
    const created = this.findById(id);
    if (!created) throw new Error('The new user vanished.');
    return created;
  }

  /** Finds a user by login ID, e-mail address or alias, ignoring case. */
  findByName(name: string): UserRecord | undefined {
    const row = this.db
      .prepare<[string], UserRow>(
        `SELECT users.* FROM users JOIN user_identifiers ON user_identifiers.user_id = users.id
         WHERE user_identifiers.identifier = ?`,
      )
      .get(identifierKey(name));
    return row && this.withAliases(row);
  }

  findById(id: number): UserRecord | undefined {
    const row = this.db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?').get(id);
    return row && this.withAliases(row);
  }

  list(): UserRecord[] {
    return this.db
      .prepare<[], UserRow>('SELECT * FROM users ORDER BY login_id COLLATE NOCASE, id')
      .all()
      .map((row) => this.withAliases(row));
  }

  setPasswordHash(userId: number, passwordHash: string): void {
    this.db
      .prepare<[string, number, number]>('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?')
      .run(passwordHash, this.clock(), userId);
  }

  /** The number SMS codes go to (E.164, already validated), or none. */
  setPhone(userId: number, phone: string | undefined): void {
    this.db.prepare<[string | null, number]>('UPDATE users SET phone = ? WHERE id = ?').run(phone ?? null, userId);
  }

  /** The user's own sign-in method; their domain may still switch them to unified login (SignInPolicy). */
  setSignInMethod(userId: number, method: 'password' | 'oidc'): void {
    this.db.prepare<[string, number]>('UPDATE users SET sign_in_method = ? WHERE id = ?').run(method, userId);
  }

  private ownerOf(name: string): string | undefined {
    return this.db
      .prepare<[string], { login_id: string }>(
        `SELECT users.login_id FROM users JOIN user_identifiers ON user_identifiers.user_id = users.id
         WHERE user_identifiers.identifier = ?`,
      )
      .get(identifierKey(name))?.login_id;
  }

  private withAliases(row: UserRow): UserRecord {
    const aliases = this.db
      .prepare<[number], { display: string }>(
        "SELECT display FROM user_identifiers WHERE user_id = ? AND kind = 'alias' ORDER BY display",
      )
      .all(row.id)
      .map((alias) => alias.display);
    return {
      id: row.id,
      loginId: row.login_id,
      email: row.email,
      displayName: row.display_name,
      passwordHash: row.password_hash,
      signInMethod: row.sign_in_method,
      aliases,
      phone: row.phone ?? undefined,
    };
  }
}
