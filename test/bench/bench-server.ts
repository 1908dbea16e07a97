import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';
import { DEFAULT_LIMITS, startReferenceServer } from '../../server/index';
import { openStorage, type DatabaseLocation } from '../../server/storage/database';
import { identifierKey } from '../../server/users/identifiers';

/**
 * The server side of `npm run bench`, run as its own process so the load generator never shares its
 * event loop or cores with the server it measures (as in production, where clients are elsewhere).
 *
 *   serve   start the reference server on 127.0.0.1 with the demo users; print one JSON line:
 *           { origin, issuer, deepLinks: [...] } (fresh single-use deployment links for ana).
 *           --database postgres://… serves from PostgreSQL (migrated first); --users N first inserts N
 *           distinct users user0 … user<N-1> (password PASSWORD); --joining starts another instance on a
 *           database an earlier one seeded (no users created); --sign-in-limit N sets the per-source
 *           sign-in limit per minute (the load run's many clients all come from 127.0.0.1).
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
    database: { type: 'string' },
    users: { type: 'string', default: '0' },
    joining: { type: 'boolean', default: false },
    'sign-in-limit': { type: 'string' },
    concurrency: { type: 'string', default: '4' },
    'duration-ms': { type: 'string', default: '3000' },
  },
  allowPositionals: true,
});
const Mode = z.enum(['serve', 'hash']);
const mode = Mode.parse(positionals[0]);
const count = z.coerce.number().int().min(0).max(1000);
const userCount = z.coerce.number().int().min(0).max(1_000_000);

/**
 * Inserts `total` distinct users straight into the database, in batches, all with one argon2id hash of
 * PASSWORD: hashing 100,000 passwords one by one would take the machine an hour, and the sign-in being
 * measured verifies one hash whichever user it is. Names as UserStore writes them (identifiers.ts).
 */
async function seedUsers(location: DatabaseLocation, total: number): Promise<void> {
  if (total === 0) return;
  const storage = await openStorage(location, { migrations: 'apply' });
  try {
    const passwordHash = await hash(PASSWORD, ARGON2_OPTIONS);
    const now = Date.now();
    const BATCH = 1000;
    for (let start = 0; start < total; start += BATCH) {
      const logins = Array.from(
        { length: Math.min(BATCH, total - start) },
        (_, index) => `user${String(start + index)}`,
      );
      await storage.transaction(async () => {
        const rows = await storage
          .q()
          .insertInto('users')
          .values(
            logins.map((login) => ({
              login_id: login,
              email: `${login}@bench.example`,
              display_name: login,
              password_hash: passwordHash,
              created_at: now,
              password_changed_at: now,
              phone: null,
            })),
          )
          .returning(['id', 'login_id', 'email'])
          .execute();
        await storage
          .q()
          .insertInto('user_identifiers')
          .values(
            rows.flatMap((row) => [
              {
                identifier: identifierKey(row.login_id),
                display: row.login_id,
                user_id: row.id,
                kind: 'login_id' as const,
              },
              { identifier: identifierKey(row.email), display: row.email, user_id: row.id, kind: 'email' as const },
            ]),
          )
          .execute();
      });
    }
  } finally {
    await storage.close();
  }
}

if (mode === 'hash') {
  const concurrency = count.parse(values.concurrency);
  const durationMs = z.coerce.number().int().min(100).max(600_000).parse(values['duration-ms']);
  const encoded = await hash(PASSWORD, ARGON2_OPTIONS);
  await verify(encoded, PASSWORD); // warm the thread pool
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
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
  const cpu = process.cpuUsage(cpu0); // every thread of this process, in µs
  latencies.sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({
      verifiesPerSecond: latencies.length / elapsed,
      medianMs: latencies[Math.floor(latencies.length / 2)],
      cpuMsPerVerify: (cpu.user + cpu.system) / 1000 / latencies.length,
    })}\n`,
  );
} else {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-bench-server-'));
  // Throughput runs lift the per-source limits (every request comes from 127.0.0.1); the load run keeps
  // the production values to show the rate-limit answers are the only refusals.
  const generous = 1_000_000;
  const database = values.database;
  const location: DatabaseLocation =
    database === undefined ? { engine: 'sqlite', dataDir } : { engine: 'postgres', url: database };
  if (!values.joining) await seedUsers(location, userCount.parse(values.users));
  const limits = values['production-limits']
    ? DEFAULT_LIMITS
    : {
        signInPerSourcePerMinute: generous,
        sessionCallsPerSourcePerMinute: generous,
        redeemPerSourcePerMinute: generous,
        discoveryPerSourcePerMinute: generous,
        mfaPerSourcePerMinute: generous,
      };
  const signInLimit = values['sign-in-limit'];
  const server = await startReferenceServer({
    dataDir,
    database,
    migrate: true,
    port: 0,
    host: '127.0.0.1',
    limits: signInLimit === undefined ? limits : { ...limits, signInPerSourcePerMinute: userCount.parse(signInLimit) },
  });
  if (!values.joining) {
    await server.admin.createUser({ loginId: 'ana', email: 'ana@example.com', displayName: 'Ana', password: PASSWORD });
    await server.admin.createUser({ loginId: 'una', email: 'una@example.com', displayName: 'Una', password: PASSWORD });
    await server.admin.setSignInMethod('una', 'oidc');
  }
  const deepLinks: string[] = [];
  for (let index = 0; index < count.parse(values['deep-links']); index += 1) {
    deepLinks.push((await server.admin.createDeployment('ana')).deepLink);
  }
  process.stdout.write(
    `${JSON.stringify({ origin: server.origin, issuer: server.issuer, deepLinks, pid: process.pid })}\n`,
  );
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
