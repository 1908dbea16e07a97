import type { Policy } from '../ports';
import type { MachinePolicy } from './schema';

/**
 * Maps the machine policy onto what core enforces (the `Policy` port). A preset server with no explicit
 * allow-list also becomes an allow-list of that one host: a preset server means "this server, not
 * another", so links and codes naming any other server are refused. The language is core's too (it
 * picks the UI's language); the other keys (CA certificates, proxy, updates) are for main.
 */
export function toCorePolicy(policy: MachinePolicy | null): Policy {
  if (policy === null) return {};
  const { presetServer, disableImport, disableManualLogin, forceUnifiedLogin, defaultLanguage } = policy;
  let allowedServers: readonly string[] | undefined = policy.allowedServers;
  if (allowedServers === undefined && presetServer !== undefined) {
    allowedServers = [new URL(presetServer).hostname.toLowerCase()];
  }
  return {
    ...(allowedServers === undefined ? {} : { allowedServers }),
    ...(presetServer === undefined ? {} : { presetServer }),
    ...(disableImport === undefined ? {} : { disableImport }),
    ...(disableManualLogin === undefined ? {} : { disableManualLogin }),
    ...(forceUnifiedLogin === undefined ? {} : { forceUnifiedLogin }),
    ...(defaultLanguage === undefined ? {} : { defaultLanguage }),
  };
}
