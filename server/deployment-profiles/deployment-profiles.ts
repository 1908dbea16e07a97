import { sql } from 'kysely';
import type { License } from '../../protocol/api';
import type { ClientConfig } from '../../protocol/client-config';
import { KeywayError } from '../../protocol/errors';
import type { DeploymentStore } from '../deployments/deployment-store';
import { domainOf } from '../discovery/domain-name';
import type { ServerIdentity } from '../identity';
import type { LicenseStore } from '../licenses/license-store';
import type { Storage } from '../storage/storage';
import { identifierKey } from '../users/identifiers';
import type { UserRecord } from '../users/user-store';
import {
  applyChange,
  clientSettingsOf,
  readSettings,
  type ProfileChange,
  type ProfileSettings,
} from './profile-settings';

export interface DeploymentProfile {
  id: number;
  name: string;
  /** The draft: what the next push sends. */
  settings: ProfileSettings;
  /** What clients receive now (null until the first push). */
  pushed: { version: number; settings: ProfileSettings } | null;
  users: number;
  domains: string[];
}

/** A push: the change and who it reaches (users whose profile this is; installations they redeemed). */
export interface ProfilePush {
  profile: string;
  version: number;
  settings: ProfileSettings;
  previous: ProfileSettings | null;
  users: number;
  clients: number;
  pushedAt: Date;
}

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,99}$/u;

/**
 * Deployment profiles: named bundles assigned to users or e-mail domains. Which profile a user has:
 * their own assignment if any (it beats every domain assignment), else the first of their names'
 * domains that has one, in this order: e-mail address, login ID, then aliases (alphabetically).
 * Clients receive a profile's settings only once it was pushed, in every session answer.
 */
export class DeploymentProfiles {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => number,
    private readonly licenses: LicenseStore,
    private readonly deployments: DeploymentStore,
    private readonly identity: ServerIdentity,
  ) {}

  async create(name: string, change: ProfileChange = {}): Promise<DeploymentProfile> {
    const checked = checkName(name);
    const settings = applyChange({}, change);
    await this.assertLicensePublished(settings);
    const now = this.clock();
    await this.storage.transaction(async () => {
      if (await this.row(checked)) {
        throw new KeywayError('invalid_input', `A deployment profile named "${checked}" already exists.`);
      }
      await this.storage
        .q()
        .insertInto('deployment_profiles')
        .values({ name: checked, settings: JSON.stringify(settings), created_at: now, updated_at: now })
        .execute();
    });
    return this.require(checked);
  }

  /** Changes the draft; clients see it after the next push. */
  async edit(name: string, change: ProfileChange): Promise<DeploymentProfile> {
    const profile = await this.require(name);
    const settings = applyChange(profile.settings, change);
    await this.assertLicensePublished(settings);
    await this.storage
      .q()
      .updateTable('deployment_profiles')
      .set({ settings: JSON.stringify(settings), updated_at: this.clock() })
      .where('id', '=', profile.id)
      .execute();
    return this.require(profile.name);
  }

  async find(name: string): Promise<DeploymentProfile | undefined> {
    const row = await this.row(name.trim());
    return row && this.profileOf(row);
  }

  async require(name: string): Promise<DeploymentProfile> {
    const profile = await this.find(name);
    if (!profile) throw new KeywayError('not_found', `No deployment profile is named "${name}".`);
    return profile;
  }

  async list(): Promise<DeploymentProfile[]> {
    const rows = await this.storage.q().selectFrom('deployment_profiles').selectAll().orderBy('name').execute();
    return Promise.all(rows.map((row) => this.profileOf(row)));
  }

  /** The user gets this profile (replacing any other user assignment); it beats their domain's. */
  async assignUser(name: string, user: UserRecord): Promise<void> {
    const profile = await this.require(name);
    await this.storage.transaction(async () => {
      const q = this.storage.q();
      await q.deleteFrom('profile_user_assignments').where('user_id', '=', user.id).execute();
      await q.insertInto('profile_user_assignments').values({ user_id: user.id, profile_id: profile.id }).execute();
    });
  }

  /** Everyone with an address in the domain gets this profile, unless assigned one of their own. */
  async assignDomain(name: string, domain: string): Promise<void> {
    const profile = await this.require(name);
    await this.storage.transaction(async () => {
      const q = this.storage.q();
      await q.deleteFrom('profile_domain_assignments').where('domain', '=', domain).execute();
      await q.insertInto('profile_domain_assignments').values({ domain, profile_id: profile.id }).execute();
    });
  }

  /** Removes a user's or a domain's assignment; false when there was none. */
  async unassign(target: { userId: number } | { domain: string }): Promise<boolean> {
    const q = this.storage.q();
    const result =
      'userId' in target
        ? await q.deleteFrom('profile_user_assignments').where('user_id', '=', target.userId).executeTakeFirst()
        : await q.deleteFrom('profile_domain_assignments').where('domain', '=', target.domain).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /**
   * Publishes the draft to every client of the profile's users: their next session answer (start-up or
   * silent sign-in) carries it with the new version. Returns the change and its reach.
   */
  async push(name: string): Promise<ProfilePush> {
    const profile = await this.require(name);
    await this.assertLicensePublished(profile.settings);
    const reached = await this.usersOf(profile.id);
    const clients = await this.deployments.installationsOf(reached);
    const now = this.clock();
    const version = await this.storage.transaction(async () => {
      const q = this.storage.q();
      const push = await q
        .insertInto('profile_pushes')
        .values({ profile_id: profile.id, pushed_at: now, users: reached.length, clients })
        .returning('id')
        .executeTakeFirstOrThrow();
      await q
        .updateTable('deployment_profiles')
        .set({ pushed_settings: JSON.stringify(profile.settings), pushed_version: push.id, updated_at: now })
        .where('id', '=', profile.id)
        .execute();
      return push.id;
    });
    return {
      profile: profile.name,
      version,
      settings: profile.settings,
      previous: profile.pushed?.settings ?? null,
      users: reached.length,
      clients,
      pushedAt: new Date(now),
    };
  }

  /** The profile that applies to the user (see the class comment), if any. */
  async profileFor(
    user: Pick<UserRecord, 'id' | 'email' | 'loginId' | 'aliases'>,
  ): Promise<DeploymentProfile | undefined> {
    const q = this.storage.q();
    const own = await q
      .selectFrom('profile_user_assignments')
      .innerJoin('deployment_profiles', 'deployment_profiles.id', 'profile_user_assignments.profile_id')
      .selectAll('deployment_profiles')
      .where('profile_user_assignments.user_id', '=', user.id)
      .executeTakeFirst();
    if (own) return this.profileOf(own);
    const domains = domainsInOrder(user);
    if (domains.length === 0) return undefined;
    const rows = await q
      .selectFrom('profile_domain_assignments')
      .innerJoin('deployment_profiles', 'deployment_profiles.id', 'profile_domain_assignments.profile_id')
      .selectAll('deployment_profiles')
      .select('profile_domain_assignments.domain')
      .where('profile_domain_assignments.domain', 'in', domains)
      .execute();
    const first = domains.map((domain) => rows.find((row) => row.domain === domain)).find((row) => row !== undefined);
    return first && this.profileOf(first);
  }

  /**
   * The pushed settings of the user's profile (profileFor's rule), or undefined: no profile, or never
   * pushed. Asked by every MFA decision about a user, so two statements: their login ID, then the rule.
   */
  async pushedSettingsOf(userId: number): Promise<ProfileSettings | undefined> {
    const user = await this.storage
      .q()
      .selectFrom('users')
      .select('login_id')
      .where('id', '=', userId)
      .executeTakeFirst();
    return user && this.pushedSettingsForName(user.login_id);
  }

  /**
   * The pushed settings in force for whoever types `name`, by profileFor's rule: the named user's own
   * assignment, else the first of their names' domains with one; for a name no one has, the typed name's
   * domain. One statement, the same for every name, so that home-realm discovery (discovery/sign-in-policy.ts)
   * does the same work for an unknown name as for a known one and cannot tell them apart by it.
   */
  async pushedSettingsForName(name: string): Promise<ProfileSettings | undefined> {
    const key = identifierKey(name);
    const typedDomain = domainOf(name) ?? null;
    // Raw SQL for one UNION of three row kinds (the query builder would need three statements): the named
    // user's names (to order their domains as profileFor does), their own assignment, and every domain
    // assignment of the typed domain or of a domain of one of their names (two branches rather than an OR, so
    // PostgreSQL seeks each by the domain's key instead of filtering every assignment; a domain found by both
    // comes twice, which the lookups below do not mind). The domain of a stored name is
    // the text after its last "@", found as sign-in-policy.ts finds it (same functions on both engines).
    const { rows } = await sql<{
      source: number | string;
      kind: string | null;
      name: string | null;
      settings: string | null;
      profile: string | null;
    }>`
      SELECT 0 AS source, o.kind AS kind, o.display AS name, NULL AS settings, NULL AS profile
        FROM user_identifiers i JOIN user_identifiers o ON o.user_id = i.user_id
        WHERE i.identifier = ${key}
      UNION ALL
      SELECT 1, NULL, NULL, p.pushed_settings, p.name
        FROM user_identifiers i
        JOIN profile_user_assignments a ON a.user_id = i.user_id
        JOIN deployment_profiles p ON p.id = a.profile_id
        WHERE i.identifier = ${key}
      UNION ALL
      SELECT 2, NULL, d.domain, p.pushed_settings, p.name
        FROM profile_domain_assignments d JOIN deployment_profiles p ON p.id = d.profile_id
        WHERE d.domain = ${typedDomain}
      UNION ALL
      SELECT 2, NULL, d.domain, p.pushed_settings, p.name
        FROM user_identifiers i
        JOIN user_identifiers o ON o.user_id = i.user_id
        JOIN profile_domain_assignments d
          ON d.domain = substr(o.identifier, length(rtrim(o.identifier, replace(o.identifier, '@', ''))) + 1)
        JOIN deployment_profiles p ON p.id = d.profile_id
        WHERE i.identifier = ${key} AND o.identifier LIKE '%@%'`.execute(this.storage.q());
    const of = (source: number) => rows.filter((row) => Number(row.source) === source);
    const names = of(0);
    const pushed = (row: { settings: string | null; profile: string | null } | undefined) => {
      const settings = row?.settings;
      return settings === null || settings === undefined ? undefined : readSettings(settings, row?.profile ?? '');
    };
    if (names.length === 0) {
      // Nobody has this name: the typed domain's profile, as for a user of that domain without one of their own.
      return pushed(of(2).find((row) => row.name === typedDomain));
    }
    const own = of(1)[0];
    if (own) return pushed(own);
    const named = (kind: string) => names.filter((row) => row.kind === kind).map((row) => row.name ?? '');
    const [loginId = ''] = named('login_id');
    // An e-mail address that is the login ID is stored once, as the login ID.
    const [email = loginId] = named('email');
    const domains = domainsInOrder({ email, loginId, aliases: named('alias') });
    const byDomain = of(2);
    for (const domain of domains) {
      const row = byDomain.find((each) => each.name === domain);
      if (row) return pushed(row);
    }
    return undefined;
  }

  /** What the user's clients apply: the pushed settings of their profile, or null (none, or never pushed). */
  async clientConfigFor(user: UserRecord): Promise<ClientConfig | null> {
    return configOf(await this.pushedFor(user));
  }

  /** The license the user is shown: their profile's pushed version, else the newest published, else the built-in. */
  async licenseFor(user: UserRecord | undefined): Promise<License> {
    return this.licenseOf(user === undefined ? undefined : await this.pushedFor(user));
  }

  /**
   * What every session answer carries (a sign-in, each refresh): the license and the pushed client
   * config, from ONE lookup of the user's profile. Asking licenseFor and clientConfigFor apart resolved
   * the profile twice, each time with its user count and domains (profileOf): five statements, or nine
   * with a profile, one of them a COUNT over all the profile's users, on every refresh. Now two: the
   * profile (pushedFor) and the license (test/integration/server/sign-in-commits.test.ts counts them).
   */
  async sessionSettingsFor(user: UserRecord): Promise<SessionSettings> {
    return this.sessionSettingsOf(await this.pushedFor(user));
  }

  /**
   * The same from a profile the caller already read (pushedProfileFor): a password sign-in reads the
   * user's profile once and hands it to each decision it takes part in (sessions/session-service.ts), the
   * session answer's license and settings being the last of them. One statement: the license.
   */
  async sessionSettingsOf(pushed: PushedProfile | undefined): Promise<SessionSettings> {
    return { license: await this.licenseOf(pushed), config: configOf(pushed) };
  }

  /**
   * The user's pushed profile by profileFor's rule, in one statement (see pushedFor); undefined when no
   * profile applies or it was never pushed. What a sign-in reads once for its sign-in method, its MFA
   * policy and its answer (sessions/session-service.ts).
   */
  pushedProfileFor(user: Pick<UserRecord, 'id' | 'email' | 'loginId' | 'aliases'>): Promise<PushedProfile | undefined> {
    return this.pushedFor(user);
  }

  /**
   * The user's profile as profileFor picks it (their own assignment, else the first of their domains in
   * domainsInOrder's order), but only its name and pushed settings, in one statement: the user's own
   * assignment and their domains' assignments as one UNION ALL, joined to the profiles by primary key.
   * Undefined when no profile applies or it was never pushed.
   */
  private async pushedFor(
    user: Pick<UserRecord, 'id' | 'email' | 'loginId' | 'aliases'>,
  ): Promise<PushedProfile | undefined> {
    const domains = domainsInOrder(user);
    const rows = await this.storage
      .q()
      .selectFrom((eb) => {
        const own = eb
          .selectFrom('profile_user_assignments')
          .select(['profile_id', sql<string | null>`CAST(NULL AS TEXT)`.as('domain')])
          .where('user_id', '=', user.id);
        return (
          domains.length === 0
            ? own
            : own.unionAll(
                eb
                  .selectFrom('profile_domain_assignments')
                  .select(['profile_id', 'domain'])
                  .where('domain', 'in', domains),
              )
        ).as('assigned');
      })
      .innerJoin('deployment_profiles', 'deployment_profiles.id', 'assigned.profile_id')
      .select([
        'assigned.domain',
        'deployment_profiles.name',
        'deployment_profiles.pushed_settings',
        'deployment_profiles.pushed_version',
      ])
      .execute();
    const chosen =
      rows.find((row) => row.domain === null) ??
      domains.map((domain) => rows.find((row) => row.domain === domain)).find((row) => row !== undefined);
    if (chosen?.pushed_settings == null || chosen.pushed_version === null) return undefined;
    return {
      name: chosen.name,
      version: chosen.pushed_version,
      settings: readSettings(chosen.pushed_settings, chosen.name),
    };
  }

  private async licenseOf(pushed: PushedProfile | undefined): Promise<License> {
    const pinned = pushed?.settings.licenseVersion;
    const license =
      (pinned === undefined ? undefined : await this.licenses.find(pinned)) ?? (await this.licenses.newest());
    return license ?? this.identity.license;
  }

  /** The ids of the users whose profile this is: assigned directly, or by a domain and not assigned elsewhere. */
  async usersOf(profileId: number): Promise<number[]> {
    const q = this.storage.q();
    const direct = await q
      .selectFrom('profile_user_assignments')
      .select('user_id')
      .where('profile_id', '=', profileId)
      .execute();
    const reached = direct.map((row) => row.user_id);
    const domains = await q
      .selectFrom('profile_domain_assignments')
      .select('domain')
      .where('profile_id', '=', profileId)
      .execute();
    if (domains.length === 0) return reached;
    // Candidates: anyone with a name in one of the domains and no assignment of their own.
    const candidates = await q
      .selectFrom('user_identifiers')
      .select('user_id')
      .distinct()
      .where((eb) => eb.or(domains.map(({ domain }) => eb('identifier', 'like', `%@${domain}`))))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('profile_user_assignments as own')
              .select('own.user_id')
              .whereRef('own.user_id', '=', 'user_identifiers.user_id'),
          ),
        ),
      )
      .execute();
    for (const { user_id: userId } of candidates) {
      // The same rule as profileFor, so a user whose e-mail domain names another profile is not reached.
      const names = await this.namesOf(userId);
      if (names && (await this.profileFor(names))?.id === profileId) reached.push(userId);
    }
    return reached;
  }

  private async namesOf(userId: number): Promise<Pick<UserRecord, 'id' | 'email' | 'loginId' | 'aliases'> | undefined> {
    const q = this.storage.q();
    const user = await q
      .selectFrom('users')
      .select(['id', 'email', 'login_id'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user) return undefined;
    const aliases = await q
      .selectFrom('user_identifiers')
      .select('display')
      .where('user_id', '=', userId)
      .where('kind', '=', 'alias')
      .execute();
    return { id: user.id, email: user.email, loginId: user.login_id, aliases: aliases.map((row) => row.display) };
  }

  private async assertLicensePublished(settings: ProfileSettings): Promise<void> {
    const version = settings.licenseVersion;
    if (version !== undefined && !(await this.licenses.find(version))) {
      throw new KeywayError(
        'invalid_input',
        `License version "${version}" is not published; publish it first (license publish --version ${version} --text-file FILE).`,
      );
    }
  }

  private row(name: string) {
    return this.storage.q().selectFrom('deployment_profiles').selectAll().where('name', '=', name).executeTakeFirst();
  }

  private async profileOf(row: {
    id: number;
    name: string;
    settings: string;
    pushed_settings: string | null;
    pushed_version: number | null;
  }): Promise<DeploymentProfile> {
    const q = this.storage.q();
    const users = await q
      .selectFrom('profile_user_assignments')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('profile_id', '=', row.id)
      .executeTakeFirstOrThrow();
    const domains = await q
      .selectFrom('profile_domain_assignments')
      .select('domain')
      .where('profile_id', '=', row.id)
      .orderBy('domain')
      .execute();
    return {
      id: row.id,
      name: row.name,
      settings: readSettings(row.settings, row.name),
      pushed:
        row.pushed_settings === null || row.pushed_version === null
          ? null
          : { version: row.pushed_version, settings: readSettings(row.pushed_settings, row.name) },
      users: Number(users.count),
      domains: domains.map((each) => each.domain),
    };
  }
}

/** A profile's pushed settings, as session answers and the sign-in decisions use them. */
export interface PushedProfile {
  name: string;
  version: number;
  settings: ProfileSettings;
}

/** What every session answer carries besides its tokens. */
export interface SessionSettings {
  license: License;
  config: ClientConfig | null;
}

function configOf(pushed: PushedProfile | undefined): ClientConfig | null {
  return pushed === undefined
    ? null
    : { version: pushed.version, profile: pushed.name, settings: clientSettingsOf(pushed.settings) };
}

/** The domains of the user's names, in the order that decides between domain assignments. */
function domainsInOrder(user: Pick<UserRecord, 'email' | 'loginId' | 'aliases'>): string[] {
  const names = [user.email, user.loginId, ...[...user.aliases].sort()];
  const domains: string[] = [];
  for (const name of names) {
    const domain = domainOf(name);
    if (domain !== undefined && !domains.includes(domain)) domains.push(domain);
  }
  return domains;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!NAME.test(trimmed)) {
    throw new KeywayError(
      'invalid_input',
      `"${name}" is not a profile name: 1 to 100 letters, digits, spaces, dots, dashes or underscores.`,
    );
  }
  return trimmed;
}
