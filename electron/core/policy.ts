import { KeywayError } from '../../protocol/errors';
import type { Policy } from './ports';

/**
 * Enforces IT's allow-list of servers. Patterns are host names, optionally with a leading `*.` that
 * matches any subdomain (not the bare domain). Matching is on the host only, case-insensitively.
 */
export function assertServerAllowed(origin: string, policy: Policy): void {
  const allowed = policy.allowedServers;
  if (allowed === undefined) return;
  const host = new URL(origin).hostname.toLowerCase();
  if (allowed.some((pattern) => hostMatches(host, pattern.trim().toLowerCase()))) return;
  throw new KeywayError(
    'server_not_allowed',
    `Your organization's policy (allowed servers) does not allow ${host}. Ask your IT department.`,
  );
}

export function hostMatches(host: string, pattern: string): boolean {
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    return host.endsWith(suffix) && host.length > suffix.length;
  }
  return host === pattern;
}
