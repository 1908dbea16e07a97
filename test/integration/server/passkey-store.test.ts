import { afterEach, describe, expect, it } from 'vitest';
import { CEREMONY_TTL_MS, PasskeyStepStore, PasskeyStore, type NewPasskey } from '../../../server/mfa/passkey-store';
import type { Storage } from '../../../server/storage/storage';
import { UserStore } from '../../../server/users/user-store';
import { ENGINES } from '../../support/engines';

/**
 * The passkey store's single-use and binding guarantees on both engines, with several "instances" on
 * PostgreSQL (three Storages with their own pools over one database, as three servers would be).
 */
describe.each(ENGINES)('passkey store on $engine', (engine) => {
  afterEach(() => engine.cleanUp());
  let now = 1_800_000_000_000;
  const clock = () => now;

  async function world() {
    const location = await engine.fresh();
    const first = await engine.open(location);
    const storages: Storage[] =
      engine.engine === 'sqlite' ? [first] : [first, await engine.open(location), await engine.open(location)];
    const users = new UserStore(first, clock);
    const user = (name: string) =>
      users.create({ loginId: name, email: `${name}@example.com`, displayName: name, passwordHash: 'x', aliases: [] });
    const stores = storages.map((storage) => new PasskeyStore(storage, clock));
    const steps = storages.map((storage) => new PasskeyStepStore(storage, clock));
    return { stores, steps, ana: await user('ana'), bob: await user('bob') };
  }

  const storeAt = (stores: PasskeyStore[], index: number): PasskeyStore => {
    const store = stores[index % stores.length];
    if (!store) throw new Error('no store');
    return store;
  };

  const passkeyOf = (userId: number, credentialId: string): NewPasskey => ({
    userId,
    credentialId,
    publicKey: 'pQECAyYgASFYIA',
    counter: 3,
    transports: ['internal'],
    backupEligible: false,
    backedUp: false,
    aaguid: '00000000-0000-0000-0000-000000000000',
    name: 'Laptop',
  });

  it('attack: a challenge answered from several instances at once is taken exactly once (replay refused)', async () => {
    const w = await world();
    await w.stores[0]?.openCeremony('challenge-one', {
      purpose: 'second-factor',
      userId: w.ana.id,
      binding: 'step:x',
      userVerification: 'preferred',
    });
    const taken = await Promise.all(
      Array.from({ length: 6 }, (_, index) => storeAt(w.stores, index).takeCeremony('challenge-one')),
    );
    expect(taken.filter((each) => each !== undefined)).toHaveLength(1);
    expect(taken.find((each) => each !== undefined)).toMatchObject({ userId: w.ana.id, binding: 'step:x' });
    // Replayed later: nothing left to answer.
    expect(await w.stores[0]?.takeCeremony('challenge-one')).toBeUndefined();
  });

  it('refuses a challenge past its lifetime, and one it never issued', async () => {
    const w = await world();
    const store = w.stores[0];
    await store?.openCeremony('challenge-two', {
      purpose: 'passwordless',
      userId: undefined,
      binding: 'passwordless:uid',
      userVerification: 'required',
    });
    now += CEREMONY_TTL_MS;
    expect(await store?.takeCeremony('challenge-two')).toBeUndefined();
    expect(await store?.takeCeremony('never-issued')).toBeUndefined();
  });

  it('attack: two uses verified against the same counter move it once (the other is a clone)', async () => {
    const w = await world();
    const added = await w.stores[0]?.add(passkeyOf(w.ana.id, 'cred-ana'));
    if (!added) throw new Error('not added');
    const results = await Promise.all(
      w.stores.flatMap((store) => [store.recordUse(added.id, 3, 4, false), store.recordUse(added.id, 3, 4, false)]),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = await w.stores[0]?.byCredentialId('cred-ana');
    expect(stored).toMatchObject({ counter: 4, userId: w.ana.id, lastUsedAt: now });
  });

  it('keeps each passkey to its owner: another user can neither rename nor remove it', async () => {
    const w = await world();
    const store = w.stores[0];
    const added = await store?.add(passkeyOf(w.ana.id, 'cred-ana-2'));
    if (!store || !added) throw new Error('not added');
    expect(await store.rename(added.id, w.bob.id, 'Mine now')).toBe(false);
    expect(await store.remove(added.id, w.bob.id)).toBe(false);
    expect(await store.ofUser(w.ana.id)).toHaveLength(1);
    expect(await store.hasAny(w.bob.id)).toBe(false);
    expect(await store.remove(added.id, w.ana.id)).toBe(true);
    expect(await store.hasAny(w.ana.id)).toBe(false);
  });

  it('attack: a step result code is spent once, only with the right code, only for its challenge', async () => {
    const w = await world();
    const steps = w.steps[0];
    if (!steps) throw new Error('no steps');
    const token = await steps.create({
      kind: 'mfa',
      userId: w.ana.id,
      challengeHash: 'challenge-hash',
      returnTo: 'http://127.0.0.1:5000/passkey-callback',
      state: 'state-state-state-1',
      expiresAt: now + 60_000,
    });
    const step = await steps.find(token);
    if (!step) throw new Error('no step');
    expect(await steps.finish(step.idHash, 'result-code-result-code')).toBe(true);
    // The page is single-use.
    expect(await steps.finish(step.idHash, 'another-code-another')).toBe(false);
    expect(await steps.spendResult('challenge-hash', 'wrong-code-wrong-code')).toBe(false);
    expect(await steps.spendResult('other-challenge', 'result-code-result-code')).toBe(false);
    const spent = await Promise.all(
      w.steps.flatMap((each) => [
        each.spendResult('challenge-hash', 'result-code-result-code'),
        each.spendResult('challenge-hash', 'result-code-result-code'),
      ]),
    );
    expect(spent.filter(Boolean)).toHaveLength(1);
  });
});
