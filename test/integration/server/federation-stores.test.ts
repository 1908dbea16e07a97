import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeywayError } from '../../../protocol/errors';
import { AttemptStore, type UpstreamIdentity } from '../../../server/federation/attempts';
import { FederationError } from '../../../server/federation/federation-errors';
import { IdentityMapper } from '../../../server/federation/identity-mapping';
import type { IdentityProvider } from '../../../server/federation/provider-config';
import { ProviderStore } from '../../../server/federation/provider-store';
import { SeenAssertions } from '../../../server/federation/seen-assertions';
import { loadSpKeys } from '../../../server/federation/sp-keys';
import { SecretBox } from '../../../server/mfa/secret-box';
import { UserStore } from '../../../server/users/user-store';
import { ENGINES, type EngineUnderTest } from '../../support/engines';
import { instancesOn, roundRobin, someUser } from './store-fixture';

const OKTA: IdentityProvider = {
  id: 'okta',
  displayName: 'Okta',
  kind: 'oidc',
  oidc: { issuer: 'https://okta.example.com', clientId: 'keyway', tokenEndpointAuthMethod: 'client_secret_basic' },
  jit: false,
  passwordBeside: true,
  domains: ['example.com'],
};

/**
 * The federation stores' single-use guarantees on both engines, with several "instances": on PostgreSQL
 * three Storages with their own pools over one database (as three servers would be); on SQLite the one
 * connection a process has (storage-engines.test.ts).
 */
async function federationWorld(engine: EngineUnderTest) {
  const storages = await instancesOn(engine);
  const [first] = storages;
  const at = roundRobin(storages);
  const keyDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-federation-key-'));
  const box = SecretBox.inDataDir(keyDir);
  let now = 1_700_000_000_000;
  const clock = () => now;
  await new ProviderStore(first, clock, box).save(OKTA, 'client-secret', false);
  const users = new UserStore(first, clock);
  const ana = await users.findById(await someUser(first, 'ana'));
  if (!ana) throw new Error('The test user was not created.');
  return {
    first,
    at,
    box,
    clock,
    ana,
    users,
    advance: (ms: number) => (now += ms),
    cleanUp: () => rmSync(keyDir, { recursive: true, force: true }),
  };
}

type World = Awaited<ReturnType<typeof federationWorld>>;

function upstream(subject: string): UpstreamIdentity {
  return { issuer: 'https://okta.example.com', subject, email: 'ana@example.com', emailTrusted: true };
}

async function outcome<T>(work: Promise<T>): Promise<T | string> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof KeywayError || error instanceof FederationError) return error.code;
    throw error;
  }
}

describe.each(ENGINES)('federation stores on $engine', (engine) => {
  const worlds: World[] = [];
  const world = async () => {
    const made = await federationWorld(engine);
    worlds.push(made);
    return made;
  };
  afterEach(async () => {
    for (const each of worlds.splice(0)) each.cleanUp();
    await engine.cleanUp();
  });

  it('attack: one answer posted at once to several instances takes its attempt once; its ticket redeems once', async () => {
    const w = await world();
    const attempts = (index: number) => new AttemptStore(w.at(index), w.clock);
    const { state } = await attempts(0).start({ providerId: 'okta', interactionUid: 'uid-1', nonce: 'n' });
    const taken = await Promise.all(Array.from({ length: 8 }, (_, index) => attempts(index).take('okta', state)));
    const winners = taken.filter((each) => typeof each !== 'string');
    expect(winners).toHaveLength(1);
    expect(taken.filter((each) => each === 'used')).toHaveLength(7);
    expect(await attempts(1).take('okta', 'not-a-state')).toBe('unknown');
    expect(await attempts(1).take('other', state)).toBe('unknown');

    const [attempt] = winners;
    if (attempt === undefined || typeof attempt === 'string') throw new Error('No attempt taken.');
    const ticket = await attempts(2).succeed(attempt, upstream('okta-ana'));
    // Another interaction's browser cannot redeem it; its own redeems it once, however many race.
    expect(await attempts(0).finish('uid-other', ticket)).toBeUndefined();
    const finished = await Promise.all(
      Array.from({ length: 8 }, (_, index) => attempts(index).finish('uid-1', ticket)),
    );
    expect(finished.filter((each) => each !== undefined)).toEqual([
      { providerId: 'okta', identity: upstream('okta-ana') },
    ]);
    expect(await attempts(1).finishedIn('uid-1')).toBe(true);
  });

  it('refuses an expired attempt as expired, and a used one as used', async () => {
    const w = await world();
    const attempts = new AttemptStore(w.at(0), w.clock);
    const { state: late } = await attempts.start({ providerId: 'okta', interactionUid: 'uid-late' });
    const { state: used } = await attempts.start({ providerId: 'okta', interactionUid: 'uid-used' });
    expect(typeof (await attempts.take('okta', used))).toBe('object');
    w.advance(10 * 60 * 1000);
    expect(await attempts.take('okta', late)).toBe('expired');
    expect(await attempts.take('okta', used)).toBe('used');
  });

  it('attack: one SAML assertion posted at once to several instances is accepted once', async () => {
    const w = await world();
    const expiresAt = w.clock() + 60_000;
    const accepted = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        new SeenAssertions(w.at(index), w.clock).acceptOnce('okta', '_assertion-1', expiresAt),
      ),
    );
    expect(accepted.filter(Boolean)).toHaveLength(1);
    // Kept until it would have expired anyway; then the ID is forgotten (the assertion is dead by then).
    const seen = new SeenAssertions(w.at(1), w.clock);
    expect(await seen.acceptOnce('okta', '_assertion-1', expiresAt)).toBe(false);
    w.advance(60_000);
    expect(await seen.acceptOnce('okta', '_assertion-2', w.clock() + 60_000)).toBe(true);
    expect(await seen.acceptOnce('okta', '_assertion-1', w.clock() + 60_000)).toBe(true);
  });

  it('attack: six upstream accounts with one address signing in at once: only one is linked to the user', async () => {
    const w = await world();
    const mapper = (index: number) => new IdentityMapper(w.at(index), w.clock, w.users);
    // Every pool connected first, so the sign-ins below meet in the database, not in connection set-up.
    await Promise.all([0, 1, 2].map((index) => w.at(index).q().selectFrom('users').select('id').execute()));
    const subjects = ['okta-ana', 'okta-mallory', 'okta-eve', 'okta-oscar', 'okta-trent', 'okta-peggy'];
    const results = await Promise.all(
      subjects.map((subject, index) => outcome(mapper(index).map(OKTA, upstream(subject)))),
    );
    const signedIn = results.filter((each) => typeof each !== 'string');
    expect(signedIn).toEqual([w.ana]);
    expect(results.filter((each) => each === 'sso_link_conflict')).toHaveLength(subjects.length - 1);
    const links = await w.first.q().selectFrom('federated_identities').select('subject').execute();
    expect(links).toHaveLength(1);
    // The linked subject keeps signing in; the others stay refused.
    const linked = links[0]?.subject ?? '';
    expect(await mapper(1).map(OKTA, upstream(linked))).toEqual(w.ana);
    const other = subjects.find((subject) => subject !== linked) ?? '';
    expect(await outcome(mapper(2).map(OKTA, upstream(other)))).toBe('sso_link_conflict');
  });

  it('every instance that starts at once on a fresh database ends with the same SAML SP key pair', async () => {
    const w = await world();
    const keys = await Promise.all([0, 1, 2].map((index) => loadSpKeys(w.at(index), w.box, w.clock)));
    expect(new Set(keys.map((each) => each.certificate)).size).toBe(1);
    const rows = await w.first.q().selectFrom('saml_sp_keys').select('kid').execute();
    expect(rows).toHaveLength(1);
  });

  it('attack: two admins routing one domain to two providers at once: one is refused, the domain has one owner', async () => {
    const w = await world();
    const store = (index: number) => new ProviderStore(w.at(index), w.clock, w.box);
    const provider = (id: string): IdentityProvider => ({ ...OKTA, id, displayName: id, domains: ['corp.example'] });
    const results = await Promise.all(
      ['azure', 'google'].map((id, index) => outcome(store(index + 1).save(provider(id), 'secret', false))),
    );
    expect(results.filter((each) => each === 'invalid_input')).toHaveLength(1);
    const owner = await store(0).forDomain('corp.example');
    expect(results).toContainEqual({ created: true });
    expect(['azure', 'google']).toContain(owner?.id);
    expect(await store(2).clientSecret(owner?.id ?? '')).toBe('secret');
  });
});
