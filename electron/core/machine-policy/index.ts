export { POLICY_KEYS, POLICY_KEY_NAMES, type MachinePolicy } from './schema';
export { parseMachinePolicy } from './parse';
export { readMachinePolicy, summarizeMachinePolicy, type ReadMachinePolicyOptions } from './read';
export { execFileRunner, type ProcessRunner } from './readers';
export { toCorePolicy } from './core-policy';
