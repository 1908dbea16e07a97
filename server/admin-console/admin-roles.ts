import type { Storage } from '../storage/storage';

/**
 * Who may use the admin console (/admin): a role on a user account, granted and revoked from the CLI
 * (grant-admin, revoke-admin), never from the console itself, so a stolen console session cannot mint
 * more admins.
 */
export class AdminRoleStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /** Grants the role; false when the user had it already. */
  async grant(userId: number): Promise<boolean> {
    const inserted = await this.storage
      .q()
      .insertInto('admin_roles')
      .values({ user_id: userId, granted_at: this.clock() })
      .onConflict((conflict) => conflict.column('user_id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** Takes the role away and ends the user's console sessions at once; false when they had no role. */
  revoke(userId: number): Promise<boolean> {
    return this.storage.transaction(async () => {
      const q = this.storage.q();
      await q.deleteFrom('admin_sessions').where('user_id', '=', userId).execute();
      const deleted = await q.deleteFrom('admin_roles').where('user_id', '=', userId).executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0;
    });
  }

  async isAdmin(userId: number): Promise<boolean> {
    const row = await this.storage
      .q()
      .selectFrom('admin_roles')
      .select('user_id')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Login IDs of every admin, in a stable order. */
  async list(): Promise<string[]> {
    const rows = await this.storage
      .q()
      .selectFrom('admin_roles as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .select('u.login_id')
      .orderBy('u.login_id')
      .execute();
    return rows.map((row) => row.login_id);
  }
}
