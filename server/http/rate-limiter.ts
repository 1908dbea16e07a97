import type { CreateRateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KeywayError } from '../../protocol/errors';
import { LIMITER_NAME_OPTION } from './rate-limit-store';

/** Counts one attempt under `key` (the source IP unless given) and throws `rate_limited` over the limit. */
export type Limiter = (request: FastifyRequest, key?: string) => Promise<void>;

export interface LimiterOptions {
  max: number;
  windowSeconds: number;
  /** What is being limited, for the message: "sign-in attempts from this address". */
  what: string;
}

/**
 * A fixed-window counter from @fastify/rate-limit, called from the handler rather than as a hook so a
 * route can apply several (per source and per code) and key them on values from the validated body.
 */
export function createLimiter(app: FastifyInstance, options: LimiterOptions): Limiter {
  const keys = new WeakMap<FastifyRequest, string>();
  const limit: CreateRateLimitOptions & { [LIMITER_NAME_OPTION]: string } = {
    max: options.max,
    timeWindow: options.windowSeconds * 1000,
    keyGenerator: (request) => keys.get(request) ?? request.ip,
    // Names this limiter's counters in the shared store (rate-limit-store.ts).
    [LIMITER_NAME_OPTION]: options.what,
  };
  const check = app.createRateLimit(limit);
  return async (request, key) => {
    if (key !== undefined) keys.set(request, key);
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return;
    const retryAfter = Math.max(1, result.ttlInSeconds);
    throw new KeywayError('rate_limited', `Too many ${options.what}. Try again in ${retryAfter} seconds.`, {
      retryAfter,
    });
  };
}
