import type { z } from 'zod';
import { MachinePolicySchema, POLICY_KEY_NAMES, type MachinePolicy } from './schema';

export interface ParsedMachinePolicy {
  /** The policy, or null when there was none or it was invalid (then it is ignored as a whole). */
  readonly policy: MachinePolicy | null;
  /** One readable line per problem, each naming the source and the key. Empty when valid. */
  readonly problems: string[];
}

/**
 * Validates raw policy values from any source. All or nothing: one bad or unknown key and the whole
 * policy is refused (`policy: null`), with every problem listed, so a policy is never half-applied.
 */
export function parseMachinePolicy(raw: unknown, source: string): ParsedMachinePolicy {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { policy: null, problems: [`${source}: the policy must be an object of key/value pairs`] };
  }
  const result = MachinePolicySchema.safeParse(raw);
  if (result.success) return { policy: result.data, problems: [] };
  return { policy: null, problems: result.error.issues.map((issue) => `${source}: ${describeIssue(issue)}`) };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `"${key}"`).join(', ');
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys} (known keys: ${POLICY_KEY_NAMES.join(', ')})`;
  }
  const where = formatPath(issue.path);
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}
