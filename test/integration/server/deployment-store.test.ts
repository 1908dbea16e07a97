import { afterEach, describe, expect, it } from 'vitest';
import { REDEEM_GRACE_MS } from '../../../server/config';
import { DeploymentStore } from '../../../server/deployments/deployment-store';
import { ENGINES } from '../../support/engines';
import { instancesOn, roundRobin, someUser } from './store-fixture';

describe.each(ENGINES)('DeploymentStore on $engine', (engine) => {
  afterEach(() => engine.cleanUp());

  it('of many concurrent redemptions of one code by different installations, exactly one claims it', async () => {
    // PostgreSQL: three stores with their own pools, as three server instances would be. SQLite: one
    // connection per process (see storage-engines.test.ts), so one store shared.
    const storages = await instancesOn(engine);
    const [first] = storages;
    const storeOf = (index: number) => new DeploymentStore(roundRobin(storages)(index), clock);
    let now = 1_000_000;
    const clock = () => now;
    const userId = await someUser(first, 'ana');
    await storeOf(0).insert(userId, 'hash', now + 60_000);

    const claims = await Promise.all(
      Array.from({ length: 9 }, (_, index) => storeOf(index).claim('hash', `installation-${index}`)),
    );
    const winners = claims.filter((claim) => claim.outcome === 'claimed');
    expect(winners).toEqual([{ outcome: 'claimed', userId, deploymentId: expect.any(Number) as number }]);
    expect(claims.filter((claim) => claim.outcome === 'used')).toHaveLength(8);

    // The winner's installation may ask again within the grace period (a lost response); nobody else.
    const winner = `installation-${claims.findIndex((claim) => claim.outcome === 'claimed')}`;
    const store = storeOf(storages.length - 1);
    expect(await store.claim('hash', winner)).toMatchObject({ outcome: 'repeated', userId });
    now += REDEEM_GRACE_MS;
    expect(await store.claim('hash', winner)).toEqual({ outcome: 'used' });
    expect(await store.claim('other', winner)).toEqual({ outcome: 'unknown' });
  });

  it('an expired code is refused, and expireUnredeemed ends an open code but never a redeemed one', async () => {
    const storage = await engine.open(await engine.fresh());
    let now = 5_000_000;
    const store = new DeploymentStore(storage, () => now);
    const userId = await someUser(storage, 'ana');
    await store.insert(userId, 'short', now + 1_000);
    await store.insert(userId, 'open', now + 60_000);
    await store.insert(userId, 'redeemed', now + 60_000);
    expect(await store.claim('redeemed', 'installation-r')).toMatchObject({ outcome: 'claimed' });

    await store.expireUnredeemed('open');
    await store.expireUnredeemed('redeemed');
    expect(await store.claim('open', 'installation-o')).toEqual({ outcome: 'expired' });
    expect(await store.claim('redeemed', 'installation-r')).toMatchObject({ outcome: 'repeated' });
    now += 1_000;
    expect(await store.claim('short', 'installation-s')).toEqual({ outcome: 'expired' });
  });
});
