import net from 'node:net';
import fastify from 'fastify';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { registerHealthRoutes, type HealthState } from '../../../server/http/health';
import { postgresStorage, type Storage } from '../../../server/storage/storage';
import { ENGINES } from '../../support/engines';
import { expectProblem, getJson, startTestServer } from './server-fixture';

async function healthApp(storage: Storage, state: HealthState, log: string[] = [], timeoutMs?: number) {
  const app = fastify({ logger: false });
  registerHealthRoutes(app, { storage, state, log: (line) => log.push(line), timeoutMs });
  await app.listen({ port: 0, host: '127.0.0.1' });
  onTestFinished(() => app.close());
  const { port } = app.server.address() as net.AddressInfo;
  return { app, origin: `http://127.0.0.1:${port}` };
}

describe.each(ENGINES)('/healthz and /readyz on $engine', (engine) => {
  afterAll(() => engine.cleanUp());

  it('both answer 200 while the database answers', async () => {
    const storage = await engine.open(await engine.fresh());
    const { origin } = await healthApp(storage, { draining: false });
    const health = await getJson(origin, '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await getJson(origin, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('/readyz answers 503 with a problem once the database is gone; /healthz still 200', async () => {
    const storage = await engine.open(await engine.fresh());
    const log: string[] = [];
    const { origin } = await healthApp(storage, { draining: false }, log);
    await storage.close();
    const problem = expectProblem(await getJson(origin, '/readyz'), 'internal', 503);
    expect(problem.detail).toBe('The database cannot be reached.');
    expect((await getJson(origin, '/healthz')).status).toBe(200);
    // The cause is for the operator's log, not for whoever asks.
    expect(log.some((line) => line.startsWith('readiness: the database check failed'))).toBe(true);
  });

  it('/readyz answers 503 while the instance drains, though the database answers', async () => {
    const storage = await engine.open(await engine.fresh());
    const state = { draining: false };
    const { origin } = await healthApp(storage, state);
    expect((await getJson(origin, '/readyz')).status).toBe(200);
    state.draining = true;
    const problem = expectProblem(await getJson(origin, '/readyz'), 'internal', 503);
    expect(problem.detail).toMatch(/shutting down/);
  });
});

describe('/readyz against a database that never answers', () => {
  it('gives up after its timeout with a 503 that names no host, user or password', async () => {
    // A TCP listener that accepts and then says nothing: a PostgreSQL behind a dead network path.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const storage = await postgresStorage(`postgres://keyway:hunter2-secret@127.0.0.1:${port}/keyway`);
    onTestFinished(async () => {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await storage.close();
    });
    const log: string[] = [];
    const { origin } = await healthApp(storage, { draining: false }, log, 200);
    const response = await getJson(origin, '/readyz');
    const problem = expectProblem(response, 'internal', 503);
    expect(problem.detail).toBe('The database did not answer within 200 ms.');
    expect(JSON.stringify(response.body)).not.toMatch(/hunter2|keyway@|127\.0\.0\.1/);
    expect((await getJson(origin, '/healthz')).status).toBe(200);
  });
});

describe('health in the reference server', () => {
  it('serves both, without rate limits, and fails readiness from the first moment of close()', async () => {
    const test = await startTestServer({ drainDelayMs: 60_000 });
    // Should an assertion fail mid-drain, closing twice ends the 60 s delay instead of waiting it out.
    onTestFinished(() => Promise.all([test.server.close(), test.server.close()]).then(() => undefined));
    // Far more probes than any per-source limit: a balancer polls every few seconds, forever.
    const probes = await Promise.all(Array.from({ length: 80 }, () => getJson(test.origin, '/readyz')));
    expect(probes.every((probe) => probe.status === 200)).toBe(true);
    // Successful probes stay out of the log (a balancer would fill it); other requests do not.
    // The 404 is logged after the 80 probes were (onResponse runs in order of completion): once its line
    // is there, any probe line would be too.
    expect((await getJson(test.origin, '/nothing-here')).status).toBe(404);
    await expect.poll(() => test.logLines.some((line) => line.startsWith('GET /nothing-here 404'))).toBe(true);
    expect(test.logLines.filter((line) => line.includes('/readyz'))).toEqual([]);

    const closing = test.server.close();
    // Draining: not ready, yet still serving (the balancer needs this window to notice), and every
    // reply closes its connection so the next request opens one elsewhere.
    const ready = await getJson(test.origin, '/readyz');
    expectProblem(ready, 'internal', 503);
    // A failing probe is logged.
    await expect.poll(() => test.logLines.some((line) => line.startsWith('GET /readyz 503'))).toBe(true);
    const health = await getJson(test.origin, '/healthz');
    expect(health.status).toBe(200);
    expect(health.headers.get('connection')).toBe('close');

    // Closing again ends the delay; the server then stops.
    await test.server.close();
    await closing;
    await expect(fetch(`${test.origin}/healthz`)).rejects.toThrow();
  });
});
