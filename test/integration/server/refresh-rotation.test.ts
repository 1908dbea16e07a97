import type { KyselyPlugin } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_MS } from '../../../server/config';
import { sha256Hex } from '../../../server/security/digest';
import { SessionStore } from '../../../server/sessions/session-store';
import type { Storage } from '../../../server/storage/storage';
import { ENGINES } from '../../support/engines';
import { instancesOn, roundRobin, someUser } from './store-fixture';

/** A user with one session family holding `token` as its current refresh token. */
async function sessionWith(
  storage: Storage,
  token: string,
  now: number,
): Promise<{ userId: number; familyId: number }> {
  const q = storage.q();
  // One user per session: a test may hold several.
  const userId = await someUser(storage, `ana-${token}`);
  const { id: familyId } = await q
    .insertInto('session_families')
    .values({ user_id: userId, installation_id: 'installation-a', created_at: now, revoked_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await q
    .insertInto('refresh_tokens')
    .values({
      token_hash: sha256Hex(token),
      family_id: familyId,
      issued_at: now,
      expires_at: now + REFRESH_TOKEN_TTL_MS,
      used_at: null,
    })
    .execute();
  return { userId, familyId };
}

describe.each(ENGINES)('refresh rotation on $engine', (engine) => {
  afterEach(() => engine.cleanUp());

  const storeOn = (storage: Storage, clock: () => number) => new SessionStore(storage, clock);

  it('of concurrent rotations of one refresh token (several instances), one rotates and the reuse revokes the family', async () => {
    const storages = await instancesOn(engine);
    const [first] = storages;
    const now = 10_000_000;
    const { userId } = await sessionWith(first, 'refresh-token-0', now);

    const rotations = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        storeOn(roundRobin(storages)(index), () => now).rotate('refresh-token-0'),
      ),
    );
    const rotated = rotations.filter((rotation) => rotation.outcome === 'rotated');
    expect(rotated).toHaveLength(1);
    // The first loser finds the token used and revokes the family; later ones find the family revoked.
    const refused = rotations.filter((rotation) => rotation.outcome !== 'rotated').map((rotation) => rotation.outcome);
    expect(refused).toHaveLength(5);
    expect(refused).toContain('replayed');
    expect(rotated[0]).toMatchObject({ userId });

    // The replays revoked the family: the token the winner got is dead too (RFC 9700 §4.14.2).
    const next = rotated[0]?.outcome === 'rotated' ? rotated[0].tokens.refreshToken : '';
    expect(await storeOn(first, () => now).rotate(next)).toEqual({ outcome: 'invalid' });
  });

  it('a rotation issues a working successor once; replaying the old token afterwards revokes the successor', async () => {
    const storage = await engine.open(await engine.fresh());
    let now = 20_000_000;
    const store = storeOn(storage, () => now);
    await sessionWith(storage, 'refresh-token-1', now);
    const first = await store.rotate('refresh-token-1');
    if (first.outcome !== 'rotated') throw new Error(`expected a rotation, got ${first.outcome}`);
    const second = await store.rotate(first.tokens.refreshToken);
    expect(second.outcome).toBe('rotated');
    // A thief replays the first token: the family goes, the owner's current token with it.
    expect(await store.rotate('refresh-token-1')).toEqual({ outcome: 'replayed' });
    if (second.outcome !== 'rotated') throw new Error('unreachable');
    expect(await store.rotate(second.tokens.refreshToken)).toEqual({ outcome: 'invalid' });
    // Unknown and expired tokens are simply invalid.
    expect(await store.rotate('never-issued')).toEqual({ outcome: 'invalid' });
    await sessionWith(storage, 'refresh-token-2', now);
    now += REFRESH_TOKEN_TTL_MS;
    expect(await store.rotate('refresh-token-2')).toEqual({ outcome: 'invalid' });
  });
  it('deletes expired access tokens about once a minute, after a rotation commits, and never a live one', async () => {
    const storage = await engine.open(await engine.fresh());
    let now = 30_000_000;
    const store = storeOn(storage, () => now);
    await sessionWith(storage, 'refresh-token-3', now);
    const accessRows = async () =>
      (await storage.q().selectFrom('access_tokens').select('token_hash').execute()).map((row) => row.token_hash);

    const rotateOrThrow = async (token: string) => {
      const rotation = await store.rotate(token);
      if (rotation.outcome !== 'rotated') throw new Error(`expected a rotation, got ${rotation.outcome}`);
      return rotation.tokens;
    };
    const first = await rotateOrThrow('refresh-token-3');
    // Just before the first access token expires, a rotation prunes (a minute has passed) but keeps it.
    now += ACCESS_TOKEN_TTL_SECONDS * 1000 - 1;
    const second = await rotateOrThrow(first.refreshToken);
    // Then it expires; the next rotation, within the minute, leaves its row (no scan per refresh).
    now += 1;
    const third = await rotateOrThrow(second.refreshToken);
    expect(await store.userOfAccessToken(first.accessToken)).toBeUndefined();
    expect(await accessRows()).toHaveLength(3);

    // A minute later, a rotation prunes in the background: the expired token's row goes, live ones stay.
    now += 60_000;
    const fourth = await rotateOrThrow(third.refreshToken);
    await expect.poll(accessRows).toHaveLength(3);
    expect(await accessRows()).toEqual(
      expect.arrayContaining([second, third, fourth].map((tokens) => sha256Hex(tokens.accessToken))),
    );
    expect(await store.userOfAccessToken(fourth.accessToken)).toBeDefined();
  });
});

describe('refresh rotation: the conditional UPDATE decides', () => {
  const sqlite = ENGINES.find((engine) => engine.engine === 'sqlite');
  if (!sqlite) throw new Error('the SQLite engine is always under test');
  afterEach(() => sqlite.cleanUp());

  it('a rotation that loses its token to a concurrent rotation just before marking it used is a replay', async () => {
    // Under SQLite's IMMEDIATE transaction nothing else can write in between; this stands in for an
    // isolation that lets a concurrent rotation commit right before rotate()'s conditional UPDATE (on
    // PostgreSQL, READ COMMITTED, the UPDATE waits for it and re-checks its WHERE on the committed row).
    // The write lands on the same connection, inside the open transaction, as the UPDATE is compiled.
    const storage = await sqlite.open(await sqlite.fresh());
    const db = storage.sqlite;
    if (!db) throw new Error('SQLite storage has its connection');
    const now = 40_000_000;
    await sessionWith(storage, 'refresh-token-4', now);
    let raced = false;
    const racer: KyselyPlugin = {
      transformQuery: (args) => {
        if (!raced && args.node.kind === 'UpdateQueryNode') {
          raced = true;
          db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE used_at IS NULL').run(now);
        }
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    };
    const racing: Storage = { ...storage, q: () => storage.q().withPlugin(racer) };
    const rotation = await new SessionStore(racing, () => now).rotate('refresh-token-4');
    expect(raced).toBe(true);
    expect(rotation).toEqual({ outcome: 'replayed' });
    const families = await storage.q().selectFrom('session_families').select('revoked_at').execute();
    expect(families).toEqual([{ revoked_at: now }]);
  });
});
