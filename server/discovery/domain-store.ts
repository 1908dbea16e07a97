import type { Db } from '../storage/database';

export interface SignInDomain {
  domain: string;
  method: 'oidc';
  updatedAt: Date;
}

/** E-mail domains switched to unified login. Domains must already be parsed (parseDomain). */
export class DomainStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  /** Switches the domain to unified login; returns false when it already was. */
  switchToOidc(domain: string): boolean {
    const result = this.db
      .prepare<[string, number]>(
        "INSERT INTO sign_in_domains (domain, method, updated_at) VALUES (?, 'oidc', ?) ON CONFLICT (domain) DO NOTHING",
      )
      .run(domain, this.clock());
    return result.changes === 1;
  }

  /** Puts the domain back on password sign-in (the default); returns false when it already was. */
  switchToPassword(domain: string): boolean {
    return this.db.prepare<[string]>('DELETE FROM sign_in_domains WHERE domain = ?').run(domain).changes === 1;
  }

  list(): SignInDomain[] {
    return this.db
      .prepare<[], { domain: string; updated_at: number }>(
        'SELECT domain, updated_at FROM sign_in_domains ORDER BY domain',
      )
      .all()
      .map((row) => ({ domain: row.domain, method: 'oidc', updatedAt: new Date(row.updated_at) }));
  }
}
