export {
  MachinePolicySchema,
  POLICY_KEYS,
  POLICY_KEY_NAMES,
  policyKeyDefinition,
  type MachinePolicy,
  type PolicyKey,
  type PolicyKeyDefinition,
  type PolicyValueKind,
} from './schema';
export { parseMachinePolicy, type ParsedMachinePolicy } from './parse';
export {
  readMachinePolicy,
  summarizeMachinePolicy,
  LINUX_POLICY_FILE,
  MAC_MANAGED_PREFERENCES,
  MAC_PREFERENCE_DOMAIN,
  POLICY_FILE_ENV,
  type MachinePolicyResult,
  type ReadMachinePolicyOptions,
} from './read';
export {
  execFileRunner,
  parseRegQueryOutput,
  POLICY_REGISTRY_PATH,
  type ProcessResult,
  type ProcessRunner,
  type TextFileReader,
} from './readers';
export { toCorePolicy } from './core-policy';
export { loadMachinePolicy, type LoadedMachinePolicy } from './load';
