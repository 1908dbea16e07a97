import { expect, it } from 'vitest';
import { AdminRoleStore } from '../../../server/admin-console/admin-roles';
import { AdminSessionStore } from '../../../server/admin-console/admin-sessions';
import { UserStore } from '../../../server/users/user-store';
import { forEachEngine } from '../../support/engines';

/** The console's session rules at the store, on both engines, with a clock the test moves. */
forEachEngine('AdminSessionStore', (open) => {
  async function setUp() {
    const storage = await open();
    let now = 1_000_000;
    const clock = () => now;
    const users = new UserStore(storage, clock);
    const ana = await users.create({
      loginId: 'ana',
      email: 'ana@example.com',
      displayName: 'Ana',
      passwordHash: 'not-a-real-hash',
      aliases: [],
    });
    const roles = new AdminRoleStore(storage, clock);
    const sessions = new AdminSessionStore(storage, clock, { idleMs: 1_000, absoluteMs: 10_000 });
    await roles.grant(ana.id);
    return { storage, users, roles, sessions, ana, advance: (ms: number) => void (now += ms) };
  }

  it('counts a session only while its user holds the role, even if its row was left behind', async () => {
    const { storage, sessions, ana } = await setUp();
    const { id } = await sessions.start(ana.id);
    expect(await sessions.use(id)).toMatchObject({ userId: ana.id });
    // The role gone by any path other than revoke() (which also deletes the sessions): still no access.
    await storage.q().deleteFrom('admin_roles').where('user_id', '=', ana.id).execute();
    expect(await sessions.use(id)).toBeUndefined();
  });

  it('ends sessions that began before a password change', async () => {
    const { users, sessions, ana, advance } = await setUp();
    const { id } = await sessions.start(ana.id);
    advance(1);
    await users.setPasswordHash(ana.id, 'another-hash');
    expect(await sessions.use(id)).toBeUndefined();
  });

  it('keeps a used session to its absolute lifetime and drops an idle one', async () => {
    const { sessions, ana, advance } = await setUp();
    const busy = await sessions.start(ana.id);
    const idle = await sessions.start(ana.id);
    for (let elapsed = 0; elapsed < 9_000; elapsed += 900) {
      advance(900);
      expect(await sessions.use(busy.id)).toBeDefined();
    }
    expect(await sessions.use(idle.id)).toBeUndefined();
    advance(1_000);
    expect(await sessions.use(busy.id)).toBeUndefined();
  });

  it('grants once, revokes once and ends the sessions with the role', async () => {
    const { roles, sessions, ana } = await setUp();
    expect(await roles.grant(ana.id)).toBe(false);
    const { id } = await sessions.start(ana.id);
    expect(await roles.revoke(ana.id)).toBe(true);
    expect(await roles.revoke(ana.id)).toBe(false);
    await roles.grant(ana.id);
    // A fresh grant does not bring an old session back.
    expect(await sessions.use(id)).toBeUndefined();
  });
});
