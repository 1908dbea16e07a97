import { toCorePolicy } from './core-policy';
import {
  readMachinePolicy,
  summarizeMachinePolicy,
  type MachinePolicyResult,
  type ReadMachinePolicyOptions,
} from './read';
import type { Policy } from '../ports';

export interface LoadedMachinePolicy {
  /** Everything that was read: the policy (or null), its source and why it was ignored, CA certificates. */
  readonly result: MachinePolicyResult;
  /** What core enforces (hand it to `new KeywayCore({ policy })`). Empty when there is no valid policy. */
  readonly corePolicy: Policy;
}

/**
 * Reads the machine policy once, at start-up, before core is created, and logs exactly one line: what
 * applies, or why nothing does. Never throws: an unreadable or invalid policy is ignored as a whole.
 */
export async function loadMachinePolicy(
  options: { readonly log?: (line: string) => void; readonly read?: ReadMachinePolicyOptions } = {},
): Promise<LoadedMachinePolicy> {
  const log = options.log ?? ((line: string) => console.log(line));
  let result: MachinePolicyResult;
  try {
    result = await readMachinePolicy(options.read);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    result = {
      policy: null,
      source: 'machine policy',
      problems: [`could not be read (${message})`],
      caCertificates: [],
    };
  }
  log(summarizeMachinePolicy(result));
  return { result, corePolicy: toCorePolicy(result.policy) };
}
