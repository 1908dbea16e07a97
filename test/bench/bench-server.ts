import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';
import { DEFAULT_LIMITS, startReferenceServer } from '../../server/index';

/**
 * The server side of `npm run bench`, run as its own process so the load generator never shares its
 * event loop or cores with the server it measures (as in production, where clients are elsewhere).
 *
 *   serve   start the reference server on 127.0.0.1 with the demo users; print one JSON line:
 *           { origin, issuer, deepLinks: [...] } (fresh single-use deployment links for ana).
 *   hash    measure raw argon2id verify throughput with the server's own library and parameters, at
 *           the given concurrency, for the given time; print { verifiesPerSecond, medianMs }.
 */
const PASSWORD = 'keyway-bench-2026';
// The server's parameters (server/users/password-hash.ts): OWASP's minimum for argon2id.
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const { values, positionals } = parseArgs({
  options: {
    'deep-links': { type: 'string', default: '0' },
    'production-limits': { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '4' },
    'duration-ms': { type: 'string', default: '3000' },
  },
  allowPositionals: true,
});
const Mode = z.enum(['serve', 'hash']);
const mode = Mode.parse(positionals[0]);
const count = z.coerce.number().int().min(0).max(1000);

if (mode === 'hash') {
  const concurrency = count.parse(values.concurrency);
  const durationMs = z.coerce.number().int().min(100).max(600_000).parse(values['duration-ms']);
  const encoded = await hash(PASSWORD, ARGON2_OPTIONS);
  await verify(encoded, PASSWORD); // warm the thread pool
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        if (!(await verify(encoded, PASSWORD))) throw new Error('argon2 verify failed');
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({ verifiesPerSecond: latencies.length / elapsed, medianMs: latencies[Math.floor(latencies.length / 2)] })}\n`,
  );
} else {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-bench-server-'));
  // Throughput runs lift the per-source limits (every request comes from 127.0.0.1); the load run keeps
  // the production values to show the rate-limit answers are the only refusals.
  const generous = 1_000_000;
  const server = await startReferenceServer({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    limits: values['production-limits']
      ? DEFAULT_LIMITS
      : {
          signInPerSourcePerMinute: generous,
          sessionCallsPerSourcePerMinute: generous,
          redeemPerSourcePerMinute: generous,
          discoveryPerSourcePerMinute: generous,
          mfaPerSourcePerMinute: generous,
        },
  });
  await server.admin.createUser({ loginId: 'ana', email: 'ana@example.com', displayName: 'Ana', password: PASSWORD });
  await server.admin.createUser({ loginId: 'una', email: 'una@example.com', displayName: 'Una', password: PASSWORD });
  await server.admin.setSignInMethod('una', 'oidc');
  const deepLinks: string[] = [];
  for (let index = 0; index < count.parse(values['deep-links']); index += 1) {
    deepLinks.push((await server.admin.createDeployment('ana')).deepLink);
  }
  process.stdout.write(`${JSON.stringify({ origin: server.origin, issuer: server.issuer, deepLinks })}\n`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
