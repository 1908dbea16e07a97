import { X509Certificate } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseMachinePolicy } from './parse';
import {
  execFileRunner,
  fileExists as defaultFileExists,
  readJsonPolicyFile,
  readPlistPolicy,
  readRegistryPolicy,
  readTextFileOrNull,
  type FileExists,
  type ProcessRunner,
  type SourceRead,
  type TextFileReader,
} from './readers';
import type { MachinePolicy } from './schema';

const POLICY_FILE_ENV = 'KEYWAY_POLICY_FILE';
const LINUX_POLICY_FILE = '/etc/keyway/policy.json';
const MAC_MANAGED_PREFERENCES = '/Library/Managed Preferences';
const MAC_PREFERENCE_DOMAIN = 'dev.keyway.app';

export interface ReadMachinePolicyOptions {
  readonly platform?: NodeJS.Platform;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Runs `reg` (Windows) and `plutil` (macOS). */
  readonly run?: ProcessRunner;
  readonly readTextFile?: TextFileReader;
  readonly fileExists?: FileExists;
  /** The user whose per-user managed preferences apply on macOS (default: the current user). */
  readonly userName?: string;
  /** Where the Linux policy lives (default /etc/keyway/policy.json). */
  readonly linuxPolicyFile?: string;
  /**
   * Whether `KEYWAY_POLICY_FILE` may replace the platform's source. Only for development and tests (main
   * passes `!app.isPackaged`, the test harness true): in a packaged app the variable comes from the user's
   * environment, and user-level malware could otherwise drop `allowedServers` or add its own CA and proxy
   * over what the administrator set in HKLM, managed preferences or /etc. Default false.
   */
  readonly allowPolicyFileOverride?: boolean;
}

export interface MachinePolicyResult {
  /** The validated policy; null when there is none or when it is invalid (then ignored as a whole). */
  readonly policy: MachinePolicy | null;
  /** Where it came from (e.g. `HKLM\Software\Policies\Keyway`); null when no source had a policy. */
  readonly source: string | null;
  /** Why the policy was ignored; empty when it applies. */
  readonly problems: string[];
  /** Each certificate of `extraTrustedCaCertificates`, as PEM, read and parsed. */
  readonly caCertificates: string[];
}

/**
 * Reads the machine-wide policy from the platform's usual place. `KEYWAY_POLICY_FILE=<json>` wins when set
 * AND the caller allows it (`allowPolicyFileOverride`: development builds and tests only). Windows: HKLM then HKCU `Software\Policies\Keyway`, merged key
 * by key with HKLM winning. macOS: computer-level then per-user managed preferences for dev.keyway.app,
 * merged the same way. Linux: /etc/keyway/policy.json. All or nothing: any problem and the policy is null.
 */
export async function readMachinePolicy(options: ReadMachinePolicyOptions = {}): Promise<MachinePolicyResult> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const run = options.run ?? execFileRunner;
  const readText = options.readTextFile ?? readTextFileOrNull;
  const exists = options.fileExists ?? defaultFileExists;

  let reads: SourceRead[];
  const overrideFile = options.allowPolicyFileOverride === true ? env[POLICY_FILE_ENV] : undefined;
  if (overrideFile !== undefined && overrideFile.trim() !== '') {
    const source = `${POLICY_FILE_ENV}=${overrideFile}`;
    const read = await readJsonPolicyFile(overrideFile, readText, source);
    const missing = read.raw === null && read.problems.length === 0;
    reads = [missing ? { ...read, problems: [`${source}: no such file`] } : read];
  } else if (platform === 'win32') {
    reads = [await readRegistryPolicy('HKLM', run), await readRegistryPolicy('HKCU', run)];
  } else if (platform === 'darwin') {
    const user = options.userName ?? safeUserName();
    const computer = `${MAC_MANAGED_PREFERENCES}/${MAC_PREFERENCE_DOMAIN}.plist`;
    reads = [await readPlistPolicy(computer, run, exists)];
    if (user !== null) {
      reads.push(
        await readPlistPolicy(`${MAC_MANAGED_PREFERENCES}/${user}/${MAC_PREFERENCE_DOMAIN}.plist`, run, exists),
      );
    }
  } else {
    reads = [await readJsonPolicyFile(options.linuxPolicyFile ?? LINUX_POLICY_FILE, readText)];
  }
  return combine(reads, readText);
}

/** Machine-level reads come first and win key by key over the ones after them. */
async function combine(reads: readonly SourceRead[], readText: TextFileReader): Promise<MachinePolicyResult> {
  const present = reads.filter((read) => read.raw !== null || read.problems.length > 0);
  if (present.length === 0) return { policy: null, source: null, problems: [], caCertificates: [] };
  const source = present.map((read) => read.source).join(' + ');

  // Each source on its own first, so every problem names the source that has it.
  const problems = present.flatMap((read) =>
    read.problems.length > 0 || read.raw === null ? read.problems : parseMachinePolicy(read.raw, read.source).problems,
  );
  if (problems.length > 0) return ignored(source, problems);

  const merged: Record<string, unknown> = {};
  for (const read of [...present].reverse()) Object.assign(merged, read.raw);
  const parsed = parseMachinePolicy(merged, source);
  if (parsed.policy === null) return ignored(source, parsed.problems);

  const certificates = await readCertificates(parsed.policy.extraTrustedCaCertificates ?? [], readText, source);
  if (certificates.problems.length > 0) return ignored(source, certificates.problems);
  return { policy: parsed.policy, source, problems: [], caCertificates: certificates.pems };
}

function ignored(source: string, problems: string[]): MachinePolicyResult {
  return { policy: null, source, problems, caCertificates: [] };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

async function readCertificates(
  files: readonly string[],
  readText: TextFileReader,
  source: string,
): Promise<{ pems: string[]; problems: string[] }> {
  const pems: string[] = [];
  const problems: string[] = [];
  for (const file of files) {
    let text: string | null;
    try {
      text = await readText(file);
    } catch (error) {
      problems.push(`${source}: extraTrustedCaCertificates: ${file} cannot be read (${errorMessage(error)})`);
      continue;
    }
    if (text === null) {
      problems.push(`${source}: extraTrustedCaCertificates: ${file} does not exist`);
      continue;
    }
    const blocks = text.match(PEM_CERTIFICATE) ?? [];
    if (blocks.length === 0) {
      problems.push(`${source}: extraTrustedCaCertificates: ${file} holds no PEM certificate`);
      continue;
    }
    for (const [index, block] of blocks.entries()) {
      try {
        new X509Certificate(block);
        pems.push(block);
      } catch (error) {
        problems.push(
          `${source}: extraTrustedCaCertificates: certificate ${index + 1} of ${file} is not valid (${errorMessage(error)})`,
        );
      }
    }
  }
  return { pems, problems };
}

/** The one log line for start-up: what applies, or why nothing does. */
export function summarizeMachinePolicy(result: MachinePolicyResult): string {
  if (result.source === null) return 'Machine policy: none.';
  if (result.policy === null) {
    return `Machine policy from ${result.source} IGNORED (nothing of it applies): ${result.problems.join('; ')}`;
  }
  const keys = Object.keys(result.policy);
  return `Machine policy from ${result.source}: ${keys.length === 0 ? 'empty' : keys.join(', ')}.`;
}

function safeUserName(): string | null {
  try {
    const name = userInfo().username;
    return name === '' || name.includes('/') ? null : name;
  } catch {
    return null;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
