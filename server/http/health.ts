import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Storage } from '../storage/storage';
import { problem, sendProblem } from './problem';

/** Whether this instance is draining (server.ts sets it when shutdown begins). */
export interface HealthState {
  draining: boolean;
}

/** How long /readyz waits for the database's answer before calling the instance not ready. */
const READINESS_TIMEOUT_MS = 2_000;

export interface HealthDeps {
  storage: Storage;
  state: HealthState;
  log: (line: string) => void;
  timeoutMs?: number | undefined;
}

/**
 * Probes for a load balancer or an orchestrator (docs/scale-out.md, "Health and readiness").
 * - GET /healthz: the process answers. It touches nothing else, so a database outage does not get every
 *   instance restarted (a liveness probe that checks a shared dependency turns its outage into a restart
 *   storm).
 * - GET /readyz: this instance can serve: it is not draining, and `select 1` through its Storage answers
 *   within READINESS_TIMEOUT_MS. Otherwise 503 with a problem body, so the balancer sends elsewhere.
 * Neither is rate-limited (no limiter is called) and neither body says more than ready or not: the
 * database's own error (which may name hosts or users) goes to the log only.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  const timeoutMs = deps.timeoutMs ?? READINESS_TIMEOUT_MS;

  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (deps.state.draining) {
      return sendProblem(
        reply,
        problem('internal', 'This instance is shutting down; send requests to another one.', undefined, 503),
      );
    }
    const failure = await databaseProblem(deps.storage, timeoutMs);
    if (failure !== undefined) {
      deps.log(`readiness: ${failure.log}`);
      return sendProblem(reply, problem('internal', failure.detail, undefined, 503));
    }
    return { status: 'ready' };
  });
}

async function databaseProblem(
  storage: Storage,
  timeoutMs: number,
): Promise<{ detail: string; log: string } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([sql`select 1`.execute(storage.q()).then(() => 'ok' as const), timedOut]);
    if (outcome === 'ok') return undefined;
    return {
      detail: `The database did not answer within ${timeoutMs} ms.`,
      log: `the database did not answer within ${timeoutMs} ms`,
    };
  } catch (error) {
    return {
      detail: 'The database cannot be reached.',
      log: `the database check failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    clearTimeout(timer);
  }
}
