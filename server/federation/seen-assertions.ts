import type { Storage } from '../storage/storage';

/**
 * The SAML assertion replay cache: every accepted assertion ID of a provider, kept until the assertion
 * would have expired anyway. In the database, so every instance on one PostgreSQL refuses an assertion
 * another instance accepted (issue 16).
 */
export class SeenAssertions {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /**
   * Records the assertion ID; false when it was recorded before (a replay). The primary key
   * (provider_id, assertion_id) decides: of two posts of one assertion at once, on one instance or
   * several, exactly one INSERT adds the row on both engines; the other meets the key (PostgreSQL: it
   * waits for the first's commit on the unique index, then conflicts) and adds nothing.
   */
  acceptOnce(providerId: string, assertionId: string, expiresAt: number): Promise<boolean> {
    return this.storage.transaction(async () => {
      const q = this.storage.q();
      // Expired IDs are swept here, so the cache needs no timer.
      const now = this.clock();
      await q.deleteFrom('saml_seen_assertions').where('expires_at', '<=', now).execute();
      const inserted = await q
        .insertInto('saml_seen_assertions')
        .values({ provider_id: providerId, assertion_id: assertionId, expires_at: expiresAt })
        .onConflict((conflict) => conflict.doNothing())
        .executeTakeFirst();
      return inserted.numInsertedOrUpdatedRows === 1n;
    });
  }
}
