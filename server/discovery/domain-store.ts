import type { Storage } from '../storage/storage';

export interface SignInDomain {
  domain: string;
  method: 'oidc';
  updatedAt: Date;
}

/** E-mail domains switched to unified login. Domains must already be parsed (parseDomain). */
export class DomainStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /**
   * Switches the domain to unified login; returns false when it already was. One statement whose
   * inserted-row count decides, so of two concurrent switches exactly one answers true on both engines.
   */
  async switchToOidc(domain: string): Promise<boolean> {
    const inserted = await this.storage
      .q()
      .insertInto('sign_in_domains')
      .values({ domain, method: 'oidc', updated_at: this.clock() })
      .onConflict((conflict) => conflict.column('domain').doNothing())
      .executeTakeFirst();
    return inserted.numInsertedOrUpdatedRows === 1n;
  }

  /** Puts the domain back on password sign-in (the default); returns false when it already was. */
  async switchToPassword(domain: string): Promise<boolean> {
    const deleted = await this.storage
      .q()
      .deleteFrom('sign_in_domains')
      .where('domain', '=', domain)
      .executeTakeFirst();
    return deleted.numDeletedRows === 1n;
  }

  async list(): Promise<SignInDomain[]> {
    const rows = await this.storage
      .q()
      .selectFrom('sign_in_domains')
      .select(['domain', 'updated_at'])
      .orderBy('domain')
      .execute();
    return rows.map((row) => ({ domain: row.domain, method: 'oidc', updatedAt: new Date(row.updated_at) }));
  }
}
