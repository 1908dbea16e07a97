import { License } from '../../protocol/api';
import { KeywayError } from '../../protocol/errors';
import type { Storage } from '../storage/storage';

export interface PublishedLicense extends License {
  publishedAt: Date;
}

/**
 * Licenses an admin published (`license publish`). The newest published one is the server's license;
 * before any, the server's built-in one (ServerIdentity.license). A deployment profile may pin a
 * published version (deployment-profiles). Clients show a version the user has not accepted before Home.
 */
export class LicenseStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
  ) {}

  /** Publishes a new version; a version is published once (its text never changes under the same name). */
  async publish(version: string, text: string): Promise<PublishedLicense> {
    const parsed = License.safeParse({ version: version.trim(), text });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path[0] === 'version' ? 'license version (1 to 64 characters)' : 'license text';
      throw new KeywayError('invalid_input', `The ${field} is not valid: ${issue?.message ?? 'unknown problem'}.`);
    }
    const publishedAt = this.clock();
    return this.storage.transaction(async () => {
      const q = this.storage.q();
      const existing = await q
        .selectFrom('licenses')
        .select('version')
        .where('version', '=', parsed.data.version)
        .executeTakeFirst();
      if (existing) {
        throw new KeywayError(
          'invalid_input',
          `License version "${parsed.data.version}" is already published; publish the new text under a new version.`,
        );
      }
      await q
        .insertInto('licenses')
        .values({ version: parsed.data.version, text: parsed.data.text, published_at: publishedAt })
        .execute();
      return { ...parsed.data, publishedAt: new Date(publishedAt) };
    });
  }

  async find(version: string): Promise<License | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('licenses')
      .select(['version', 'text'])
      .where('version', '=', version)
      .executeTakeFirst();
    return row && { version: row.version, text: row.text };
  }

  /**
   * The newest published license, if any. Read on every session answer and discovery request: the
   * latest publication time first (both engines' min/max optimisation: one seek at the end of
   * licenses_by_published), then the greatest version published at that very time (a seek by
   * published_at). ORDER BY published_at, version … LIMIT 1 walked the whole index on both engines,
   * which has no (published_at, version) order (test/integration/server/query-plans.test.ts).
   */
  async newest(): Promise<License | undefined> {
    const row = await this.storage
      .q()
      .selectFrom('licenses')
      .select(['version', 'text'])
      .where('published_at', '=', (eb) =>
        eb.selectFrom('licenses').select((max) => max.fn.max('published_at').as('at')),
      )
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && { version: row.version, text: row.text };
  }

  async list(): Promise<{ version: string; publishedAt: Date }[]> {
    const rows = await this.storage
      .q()
      .selectFrom('licenses')
      .select(['version', 'published_at'])
      .orderBy('published_at', 'desc')
      // The same order as newest(), so the first listed is the current one on every engine (ties in
      // the same millisecond otherwise come back in an engine-dependent order).
      .orderBy('version', 'desc')
      .execute();
    return rows.map((row) => ({ version: row.version, publishedAt: new Date(row.published_at) }));
  }
}
