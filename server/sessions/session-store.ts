import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_MS } from '../config';
import { rowIdOf } from '../oidc/adapter';
import { randomToken, sha256Hex } from '../security/digest';
import type { Db } from '../storage/database';
import type { NewRow } from '../storage/schema';
import type { Storage } from '../storage/storage';

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresIn: number;
}

export type Rotation =
  { outcome: 'rotated'; userId: number; tokens: IssuedTokens } | { outcome: 'invalid' | 'replayed' };

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
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
    /** The same database on the asynchronous layer; the store's methods are moving to it (issue 16). */
    private readonly storage: Storage,
  ) {}

  start(userId: number, installationId: string | undefined): IssuedTokens {
    return this.db
      .transaction(() => {
        const family = this.db
          .prepare<[number, string | null, number]>(
            'INSERT INTO session_families (user_id, installation_id, created_at) VALUES (?, ?, ?)',
          )
          .run(userId, installationId ?? null, this.clock());
        return this.issue(Number(family.lastInsertRowid));
      })
      .immediate();
  }

  /**
   * Rotates a refresh token. A token that was already used means two parties hold the family (a
   * stolen token, RFC 9700 §4.14.2): the whole family is revoked, the newest token included. The
   * revocation commits even though the caller then refuses the request.
   * Of two concurrent rotations of one token (two instances, or a thief racing the owner), exactly one
   * rotates: marking the token used is one conditional UPDATE (… WHERE used_at IS NULL) whose
   * affected-row count decides, inside one transaction (SQLite: IMMEDIATE; PostgreSQL: SERIALIZABLE with
   * retry, storage.ts), so the loser sees the token used and revokes the family, as reuse detection asks.
   */
  rotate(refreshToken: string): Promise<Rotation> {
    return this.storage.transaction(async (): Promise<Rotation> => {
      const q = this.storage.q();
      const now = this.clock();
      const hash = sha256Hex(refreshToken);
      const row: RefreshRow | undefined = await q
        .selectFrom('refresh_tokens as r')
        .innerJoin('session_families as f', 'f.id', 'r.family_id')
        .select(['r.family_id', 'f.user_id', 'r.expires_at', 'r.used_at', 'f.revoked_at'])
        .where('r.token_hash', '=', hash)
        .executeTakeFirst();
      if (!row) return { outcome: 'invalid' };
      if (row.revoked_at !== null || row.expires_at <= now) return { outcome: 'invalid' };
      const marked = await q
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (row.used_at !== null || marked.numUpdatedRows !== 1n) {
        await q
          .updateTable('session_families')
          .set({ revoked_at: now })
          .where('id', '=', row.family_id)
          .where('revoked_at', 'is', null)
          .execute();
        return { outcome: 'replayed' };
      }
      const issued = newTokens(row.family_id, now);
      await q.deleteFrom('access_tokens').where('expires_at', '<=', now).execute();
      await q.insertInto('access_tokens').values(issued.accessRow).execute();
      await q.insertInto('refresh_tokens').values(issued.refreshRow).execute();
      return { outcome: 'rotated', userId: row.user_id, tokens: issued.tokens };
    });
  }

  /** Revokes the family of a refresh token, used or not. Unknown tokens are ignored. */
  revokeByRefreshToken(refreshToken: string): void {
    const row = this.db
      .prepare<[string], { family_id: number }>('SELECT family_id FROM refresh_tokens WHERE token_hash = ?')
      .get(sha256Hex(refreshToken));
    if (row) this.revokeFamily(row.family_id);
  }

  /**
   * The user behind a live refresh token: the current one of its family (never used), unexpired, in an
   * unrevoked family. A used (replayed) or old token proves nothing about a current session.
   */
  userOfLiveRefreshToken(refreshToken: string): number | undefined {
    return this.db
      .prepare<[string, number], { user_id: number }>(
        `SELECT f.user_id FROM refresh_tokens r JOIN session_families f ON f.id = r.family_id
         WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ? AND f.revoked_at IS NULL`,
      )
      .get(sha256Hex(refreshToken), this.clock())?.user_id;
  }

  /**
   * The user behind a live refresh token of the OpenID Provider: its RefreshToken row (ids stored hashed,
   * server/oidc/adapter.ts `rowIdOf`), never consumed (rotated or replayed), unexpired by the provider's
   * own real clock (which the adapter stores expiry by). A revoked one has no row. The provider's
   * accountId is the user's id as a string (server/oidc/provider.ts findAccount).
   */
  userOfLiveProviderRefreshToken(refreshToken: string, now = Date.now()): number | undefined {
    const accountId = this.db
      .prepare<[string, number], { account_id: string | null }>(
        `SELECT account_id FROM oidc_payloads WHERE model = 'RefreshToken' AND id = ?
         AND consumed_at IS NULL AND expires_at > ?`,
      )
      .get(rowIdOf(refreshToken), now)?.account_id;
    return accountId !== null && accountId !== undefined && /^[1-9]\d{0,15}$/.test(accountId)
      ? Number(accountId)
      : undefined;
  }

  /** Revokes every live session of a user; returns how many there were. */
  revokeAllOfUser(userId: number): number {
    return this.db
      .prepare<[number, number]>('UPDATE session_families SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
      .run(this.clock(), userId).changes;
  }

  /** Whether this installation has ever finished a sign-in of this user (a source the user has used). */
  hasSignedInFrom(userId: number, installationId: string): boolean {
    return (
      this.db
        .prepare<[number, string], { one: number }>(
          'SELECT 1 AS one FROM session_families WHERE user_id = ? AND installation_id = ? LIMIT 1',
        )
        .get(userId, installationId) !== undefined
    );
  }

  /**
   * Remembers a browser that finished a sign-in of this user; returns the random value for its cookie.
   * Only SHA-256 of it is stored.
   */
  rememberBrowser(userId: number): string {
    const value = randomToken();
    this.db
      .prepare<[string, number, number]>('INSERT INTO known_browsers (id_hash, user_id, created_at) VALUES (?, ?, ?)')
      .run(sha256Hex(value), userId, this.clock());
    return value;
  }

  /** Whether this browser cookie value was handed out by a sign-in of this user (never of another). */
  knowsBrowser(userId: number, value: string): boolean {
    return (
      this.db
        .prepare<[string, number], { one: number }>(
          'SELECT 1 AS one FROM known_browsers WHERE id_hash = ? AND user_id = ?',
        )
        .get(sha256Hex(value), userId) !== undefined
    );
  }

  /** The user behind a live access token, if any. */
  userOfAccessToken(accessToken: string): number | undefined {
    return this.db
      .prepare<[string, number], { user_id: number }>(
        `SELECT f.user_id FROM access_tokens a JOIN session_families f ON f.id = a.family_id
         WHERE a.token_hash = ? AND a.expires_at > ? AND f.revoked_at IS NULL`,
      )
      .get(sha256Hex(accessToken), this.clock())?.user_id;
  }

  private revokeFamily(familyId: number): void {
    this.db
      .prepare<[number, number]>('UPDATE session_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(this.clock(), familyId);
  }

  private issue(familyId: number): IssuedTokens {
    const now = this.clock();
    const { tokens, accessRow, refreshRow } = newTokens(familyId, now);
    // Expired access tokens are useless; dropping them here keeps the table small without a timer.
    this.db.prepare<[number]>('DELETE FROM access_tokens WHERE expires_at <= ?').run(now);
    this.db
      .prepare<[string, number, number]>(
        'INSERT INTO access_tokens (token_hash, family_id, expires_at) VALUES (?, ?, ?)',
      )
      .run(accessRow.token_hash, accessRow.family_id, accessRow.expires_at);
    this.db
      .prepare<[string, number, number, number]>(
        'INSERT INTO refresh_tokens (token_hash, family_id, issued_at, expires_at) VALUES (?, ?, ?, ?)',
      )
      .run(refreshRow.token_hash, refreshRow.family_id, refreshRow.issued_at, refreshRow.expires_at);
    return tokens;
  }
}

/**
 * A fresh access and refresh token for a family, and the rows that store their SHA-256: one definition
 * for sign-in (still on the synchronous Db) and rotation (on the storage layer) while both exist.
 */
function newTokens(
  familyId: number,
  now: number,
): { tokens: IssuedTokens; accessRow: NewRow<'access_tokens'>; refreshRow: NewRow<'refresh_tokens'> } {
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
