import type { Policy } from '../ports';
import type { MachinePolicy } from './schema';

/**
 * Maps the machine policy onto what core enforces today (the `Policy` port). A preset server with no
 * explicit allow-list becomes an allow-list of that one host: a preset server means "this server, not
 * another", so links and codes naming any other server are refused.
 */
export function toCorePolicy(policy: MachinePolicy | null): Policy {
  if (policy === null) return {};
  let allowedServers: readonly string[] | undefined = policy.allowedServers;
  if (allowedServers === undefined && policy.presetServer !== undefined) {
    allowedServers = [new URL(policy.presetServer).hostname.toLowerCase()];
  }
  return {
    ...(allowedServers === undefined ? {} : { allowedServers }),
    ...(policy.disableImport === undefined ? {} : { disableImport: policy.disableImport }),
  };
}
