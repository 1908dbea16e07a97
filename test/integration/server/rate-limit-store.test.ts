import { randomBytes } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import fastify, { type FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { KeywayError } from '../../../protocol/errors';
import { encodeDeploymentCode } from '../../../protocol/deployment-code';
import { storageRateLimitStore } from '../../../server/http/rate-limit-store';
import { createLimiter } from '../../../server/http/rate-limiter';
import type { DatabaseLocation } from '../../../server/storage/database';
import type { Storage } from '../../../server/storage/storage';
import { ENGINES } from '../../support/engines';
import { expectProblem, postJson, startTestServer, tempDir } from './server-fixture';

/**
 * The shared rate-limit store (server/http/rate-limit-store.ts): what two server instances on one
 * database, or one server before and after a restart, must agree on. Each "instance" here is its own
 * fastify app with its own Storage connection to the same database, running the production
 * createLimiter; only the clock is shared and moved by hand, so the windows are tested without waiting.
 */
describe.each(ENGINES)('shared rate limits on $engine', (engine) => {
  afterAll(() => engine.cleanUp());

  let now = 1_800_000_000_000;
  const clock = () => now;

  /** An app with two limiters named alike (as on the API and /account) and one per-login limiter. */
  async function instance(location: DatabaseLocation): Promise<{ app: FastifyInstance; storage: Storage }> {
    const storage = await engine.open(location);
    const app = fastify({ logger: false });
    await app.register(rateLimit, { global: false, store: storageRateLimitStore(storage, clock) });
    const api = createLimiter(app, { max: 3, windowSeconds: 60, what: 'sign-in attempts from this address' });
    const page = createLimiter(app, { max: 3, windowSeconds: 60, what: 'sign-in attempts from this address' });
    const perLogin = createLimiter(app, { max: 3, windowSeconds: 60, what: 'checks for this login ID' });
    app.setErrorHandler((error: Error, _request, reply) =>
      error instanceof KeywayError
        ? reply.status(429).send({ retryAfter: error.retryAfter })
        : reply.status(500).send({ message: error.message }),
    );
    app.post<{ Querystring: { login?: string } }>('/api', async (request) => {
      await api(request);
      return { ok: true };
    });
    app.post('/page', async (request) => {
      await page(request);
      return { ok: true };
    });
    app.post<{ Querystring: { login: string } }>('/check', async (request) => {
      await perLogin(request, request.query.login);
      return { ok: true };
    });
    await app.ready();
    return { app, storage };
  }

  const hit = async (target: FastifyInstance, url = '/api'): Promise<number> =>
    (await target.inject({ method: 'POST', url })).statusCode;

  it('two instances on one database count against one budget', async () => {
    const location = await engine.fresh();
    const a = await instance(location);
    const b = await instance(location);
    expect([await hit(a.app), await hit(b.app), await hit(a.app)]).toEqual([200, 200, 200]);
    // The fourth attempt from this address, whichever instance it reaches, is over the budget of 3.
    expect(await hit(b.app)).toBe(429);
    expect(await hit(a.app)).toBe(429);
    await Promise.all([a.app.close(), b.app.close()]);
  });

  it('counts every one of many concurrent hits spread over two instances exactly once', async () => {
    const location = await engine.fresh();
    const a = await instance(location);
    const b = await instance(location);
    const statuses = await Promise.all(
      Array.from({ length: 12 }, (_, index) => hit(index % 2 === 0 ? a.app : b.app, '/api')),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(9);
    await Promise.all([a.app.close(), b.app.close()]);
  });

  it('a restarted instance (a new app and connection on the same database) still refuses', async () => {
    const location = await engine.fresh();
    const first = await instance(location);
    for (let attempt = 0; attempt < 3; attempt += 1) expect(await hit(first.app)).toBe(200);
    await first.app.close();
    await first.storage.close();

    const restarted = await instance(location);
    const refused = await restarted.app.inject({ method: 'POST', url: '/api' });
    expect(refused.statusCode).toBe(429);
    // The window carried over too: what is left of the minute, not a fresh one.
    expect(refused.json<{ retryAfter: number }>().retryAfter).toBeLessThanOrEqual(60);
    await restarted.app.close();
  });

  it('opens a new window once the old one has ended, and not before', async () => {
    const location = await engine.fresh();
    const a = await instance(location);
    const b = await instance(location);
    for (let attempt = 0; attempt < 3; attempt += 1) expect(await hit(a.app)).toBe(200);
    now += 59_000;
    expect(await hit(b.app)).toBe(429);
    now += 1_000;
    expect([await hit(b.app), await hit(a.app), await hit(b.app)]).toEqual([200, 200, 200]);
    expect(await hit(a.app)).toBe(429);
    await Promise.all([a.app.close(), b.app.close()]);
  });

  it('keeps limiters of one name, and keys of one limiter, apart', async () => {
    const location = await engine.fresh();
    const a = await instance(location);
    const b = await instance(location);
    for (let attempt = 0; attempt < 3; attempt += 1) expect(await hit(a.app, '/api')).toBe(200);
    expect(await hit(a.app, '/api')).toBe(429);
    // The same words, another limiter: its own budget, on every instance.
    expect(await hit(b.app, '/page')).toBe(200);
    for (let attempt = 0; attempt < 3; attempt += 1) expect(await hit(a.app, '/check?login=ana')).toBe(200);
    expect(await hit(b.app, '/check?login=ana')).toBe(429);
    expect(await hit(b.app, '/check?login=bob')).toBe(200);
    await Promise.all([a.app.close(), b.app.close()]);
  });

  it('stores neither the keys nor the limiter names in clear', async () => {
    const location = await engine.fresh();
    const a = await instance(location);
    await hit(a.app, '/check?login=secret-login-id');
    const rows = await a.storage.q().selectFrom('rate_limits').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toMatch(/secret-login-id|login ID|127\.0\.0\.1/);
    await a.app.close();
  });

  it('deletes ended windows as it goes', async () => {
    const location = await engine.fresh();
    const a = await instance(location);
    await hit(a.app, '/check?login=old');
    now += 10 * 60_000;
    await hit(a.app, '/check?login=new');
    // The prune runs in the background; wait for its own effect, the old row gone.
    await expect
      .poll(async () => (await a.storage.q().selectFrom('rate_limits').select('key_hash').execute()).length)
      .toBe(1);
    await a.app.close();
  });
});

describe('shared rate limits in the reference server', () => {
  it('a restarted server on the same data dir still refuses a source that used its budget', async () => {
    const dataDir = tempDir();
    const limits = { redeemPerSourcePerMinute: 2 };
    const tryCode = (origin: string) =>
      postJson(origin, '/api/v1/deployments/redeem', {
        code: encodeDeploymentCode(origin, randomBytes(16)),
        installationId: 'installation-restart-test',
      });
    const first = await startTestServer({ dataDir, limits });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expectProblem(await tryCode(first.origin), 'deployment_unknown', 404);
    }
    await first.server.close();

    // Before issue 16 the counter lived in the process, and this attempt was a fresh 404.
    const second = await startTestServer({ dataDir, limits });
    expectProblem(await tryCode(second.origin), 'rate_limited', 429);
  });
});
