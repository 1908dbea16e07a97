import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../../../server/cli/run-cli';
import {
  freePort,
  SERVER_BUNDLE,
  startRoundRobinProxy,
  startServeInstances,
  startServeProcess,
  type ServeProcess,
} from '../../support/server-instances';
import { expectProblem, getJson, startTestServer, tempDir } from './server-fixture';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const DEMO = { loginId: 'ana', password: 'keyway-demo-2026' };

beforeAll(() => {
  if (!existsSync(SERVER_BUNDLE))
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build-node.mjs')], { cwd: root });
});

async function serve(options: Parameters<typeof startServeProcess>[0] = {}): Promise<ServeProcess> {
  const instance = await startServeProcess(options);
  onTestFinished(() => instance.stop('SIGKILL').then(() => undefined));
  return instance;
}

/**
 * Starts a sign-in whose headers the server has read (it answered "100 Continue", so the request is in
 * flight in its HTTP server) while its body is still unsent. `finish()` sends the body and resolves
 * with the reply.
 */
function requestInFlight(
  origin: string,
  agent: http.Agent | false = false,
): Promise<{ finish: () => Promise<{ status: number; body: string }> }> {
  const body = JSON.stringify(DEMO);
  const url = new URL('/api/v1/sessions', origin);
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        expect: '100-continue',
      },
    });
    const reply = new Promise<{ status: number; body: string }>((done, failed) => {
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => done({ status: response.statusCode ?? 0, body: text }));
        response.on('error', failed);
      });
      request.on('error', failed);
    });
    request.on('error', reject);
    request.on('continue', () =>
      resolve({
        finish: () => {
          request.end(body);
          return reply;
        },
      }),
    );
    request.flushHeaders();
  });
}

describe('graceful shutdown of serve (a real process)', () => {
  it('on SIGTERM, finishes the request in flight, then exits 0', async () => {
    const instance = await serve({ args: ['--seed-demo'] });
    const inFlight = await requestInFlight(instance.origin);
    instance.child.kill('SIGTERM');
    // Its own answer to the signal: the drain has begun.
    await instance.waitForOutput(/^Stopping: /m);
    const reply = await inFlight.finish();
    expect(reply.status, reply.body).toBe(200);
    expect(JSON.parse(reply.body)).toHaveProperty('refreshToken');
    expect(await instance.exited).toBe(0);
    await expect(fetch(`${instance.origin}/healthz`)).rejects.toThrow();
  });

  it('fails /readyz during the drain delay while still serving, and a second signal exits at once', async () => {
    // A drain delay far longer than the test's timeout: only the second signal can end it in time.
    const instance = await serve({ env: { KEYWAY_DRAIN_DELAY_SECONDS: '300' } });
    instance.child.kill('SIGTERM');
    await instance.waitForOutput(/^Stopping: \/readyz fails for 300 s/m);
    expectProblem(await getJson(instance.origin, '/readyz'), 'internal', 503);
    expect((await getJson(instance.origin, '/healthz')).status).toBe(200);
    instance.child.kill('SIGINT');
    expect(await instance.exited).toBe(1);
    expect(instance.output()).toContain('SIGINT again: stopping at once');
  });

  it('refuses a KEYWAY_DRAIN_DELAY_SECONDS that is not a whole number of seconds up to 300', async () => {
    for (const value of ['soon', '1.5', '-1', '301']) {
      const err: string[] = [];
      const code = await runCli(['serve', '--port', '0', '--data-dir', tempDir()], {
        out: () => undefined,
        err: (line) => err.push(line),
        env: { KEYWAY_DRAIN_DELAY_SECONDS: value },
      });
      expect(code, value).toBe(2);
      expect(err.join('\n')).toMatch(/KEYWAY_DRAIN_DELAY_SECONDS must be a whole number of seconds from 0 to 300/);
    }
  });
});

describe('graceful shutdown in process (startReferenceServer().close())', () => {
  it('a keep-alive connection whose request was in flight does not hold close() open', async () => {
    const test = await startTestServer();
    const agent = new http.Agent({ keepAlive: true });
    onTestFinished(() => agent.destroy());
    const inFlight = await requestInFlight(test.origin, agent);
    const closing = test.server.close();
    // Its reply began before the drain, so it keeps its connection alive: close() must end that
    // connection once it is idle instead of waiting for the keep-alive timeout (72 s in fastify).
    const reply = await inFlight.finish();
    expect(reply.status).toBe(401);
    await closing;
    await expect(fetch(`${test.origin}/healthz`)).rejects.toThrow();
  });
});

describe('the test helpers for several instances (test/support/server-instances.ts)', () => {
  // Two serve processes cannot share a SQLite data dir, and PostgreSQL is not served until the store
  // port merges (postgresNotServedYet): these two instances have separate databases, which is enough
  // to prove the helpers (start N, wait for each /readyz, round-robin, skip a dead one); the
  // multi-instance journeys on one database use them once the port lands.
  it('starts N instances and a round-robin proxy that skips one that is down', async () => {
    const instances = await startServeInstances(2, {});
    onTestFinished(() => Promise.all(instances.map((instance) => instance.stop('SIGKILL'))).then(() => undefined));
    const [first, second] = instances;
    if (!first || !second) throw new Error('Two instances were asked for.');
    const down = `http://127.0.0.1:${await freePort()}`;
    const proxy = await startRoundRobinProxy([first.origin, down, second.origin]);
    onTestFinished(() => proxy.close());
    for (let round = 0; round < 6; round += 1) {
      expect((await getJson(proxy.origin, '/readyz')).status).toBe(200);
    }
    // Round robin over three targets, the dead one's turns taken by the next live one.
    expect(proxy.served).toEqual([first, second, second, first, second, second].map((instance) => instance.origin));
    expect(await second.stop()).toBe(0);
    proxy.served.length = 0;
    for (let round = 0; round < 3; round += 1) {
      expect((await getJson(proxy.origin, '/readyz')).status).toBe(200);
    }
    expect(proxy.served).toEqual([first.origin, first.origin, first.origin]);
    await first.stop();
    expect((await fetch(`${proxy.origin}/readyz`)).status).toBe(502);
  });
});
