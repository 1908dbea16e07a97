import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditSource } from './events';

const current = new AsyncLocalStorage<AuditSource>();

/**
 * Runs `work` with the request's source address and user agent as the audit source of every event it
 * records, however deep (AsyncLocalStorage follows every await). server/http/app.ts enters it per request.
 */
export function withAuditSource<T>(source: AuditSource, work: () => T): T {
  return current.run(source, work);
}

/** The audit source of the current request; empty outside one (the CLI, timers). */
export function currentAuditSource(): AuditSource {
  return current.getStore() ?? {};
}
