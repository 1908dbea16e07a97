import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { POLICY_KEY_NAMES, POLICY_KEYS, type PolicyKey } from './schema';

/**
 * The small readers behind each policy source. Each takes what it touches (a process runner, a file
 * reader) as an argument, so unit tests feed recorded `reg query` and `plutil` output.
 */

interface ProcessResult {
  /** Exit code; null when the process was killed. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program without a shell. Resolves with its exit code; rejects only when it could not start. */
export type ProcessRunner = (file: string, args: readonly string[]) => Promise<ProcessResult>;

/** Reads a UTF-8 text file; resolves null when the file does not exist. */
export type TextFileReader = (file: string) => Promise<string | null>;

export type FileExists = (file: string) => Promise<boolean>;

/** What one source yielded: nothing (`raw: null`), raw values to validate, or problems. */
export interface SourceRead {
  readonly source: string;
  readonly raw: Record<string, unknown> | null;
  readonly problems: string[];
}

export const execFileRunner: ProcessRunner = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { encoding: 'utf8', windowsHide: true, timeout: 10_000, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          // Not an exit status: the program could not be started (ENOENT, EACCES) or was killed.
          if (error.killed) resolve({ code: null, stdout, stderr });
          else reject(new Error(`${file} could not start: ${error.message}`, { cause: error }));
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });

export const readTextFileOrNull: TextFileReader = async (file) => {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
};

export const fileExists: FileExists = async (file) => {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
};

// ---------------------------------------------------------------------------------------------------
// JSON file (Linux /etc/keyway/policy.json, and KEYWAY_POLICY_FILE everywhere)

export async function readJsonPolicyFile(file: string, readText: TextFileReader, source = file): Promise<SourceRead> {
  let text: string | null;
  try {
    text = await readText(file);
  } catch (error) {
    return { source, raw: null, problems: [`${source}: cannot be read (${errorMessage(error)})`] };
  }
  if (text === null) return { source, raw: null, problems: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { source, raw: null, problems: [`${source}: not valid JSON (${errorMessage(error)})`] };
  }
  return asObject(data, source);
}

// ---------------------------------------------------------------------------------------------------
// macOS managed preferences, converted by plutil (binary or XML plist alike)

const PLUTIL = '/usr/bin/plutil';

export async function readPlistPolicy(file: string, run: ProcessRunner, exists: FileExists): Promise<SourceRead> {
  if (!(await exists(file))) return { source: file, raw: null, problems: [] };
  let result: ProcessResult;
  try {
    result = await run(PLUTIL, ['-convert', 'json', '-o', '-', file]);
  } catch (error) {
    return { source: file, raw: null, problems: [`${file}: plutil could not run (${errorMessage(error)})`] };
  }
  if (result.code !== 0) {
    const reason = firstLine(result.stderr) || firstLine(result.stdout) || `exit code ${String(result.code)}`;
    return { source: file, raw: null, problems: [`${file}: plutil cannot convert it (${reason})`] };
  }
  let data: unknown;
  try {
    data = JSON.parse(result.stdout);
  } catch (error) {
    return { source: file, raw: null, problems: [`${file}: plutil printed invalid JSON (${errorMessage(error)})`] };
  }
  return asObject(data, file);
}

// ---------------------------------------------------------------------------------------------------
// Windows registry, read with `reg query <key> /s`

export const POLICY_REGISTRY_PATH = 'Software\\Policies\\Keyway';

type RegistryValue =
  | { readonly type: 'REG_SZ' | 'REG_EXPAND_SZ'; readonly data: string }
  | { readonly type: 'REG_MULTI_SZ'; readonly data: string[] }
  | { readonly type: 'REG_DWORD' | 'REG_QWORD'; readonly data: number }
  | { readonly type: 'unsupported'; readonly regType: string };

export interface RegistryKeyDump {
  /** The key as reg.exe prints it, e.g. `HKEY_LOCAL_MACHINE\Software\Policies\Keyway`. */
  readonly path: string;
  /** Value names in the order printed. */
  readonly values: { readonly name: string; readonly value: RegistryValue }[];
}

const VALUE_LINE = /^ {4}(.+?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;

/**
 * Parses what `reg query <key> /s` prints: a key line (`HKEY_…\…`) followed by its values, one per line,
 * indented by four spaces, name, type and data separated by four spaces. REG_MULTI_SZ items are joined by
 * a literal `\0`; DWORDs are hexadecimal (`0x1`).
 */
export function parseRegQueryOutput(stdout: string): RegistryKeyDump[] {
  const keys: { path: string; values: { name: string; value: RegistryValue }[] }[] = [];
  for (const rawLine of stdout.split(/\r?\n/)) {
    const line = rawLine.replace(/\r$/, '');
    if (/^HKEY_[A-Z_]+(\\|$)/.test(line)) {
      keys.push({ path: line.trim(), values: [] });
      continue;
    }
    const match = VALUE_LINE.exec(line);
    const current = keys.at(-1);
    if (!match || current === undefined) continue;
    const [, name = '', type = '', data = ''] = match;
    current.values.push({ name, value: toRegistryValue(type, data) });
  }
  return keys;
}

function toRegistryValue(type: string, data: string): RegistryValue {
  switch (type) {
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
      return { type, data };
    case 'REG_MULTI_SZ':
      return { type, data: data === '' ? [] : data.split('\\0').filter((item) => item !== '') };
    case 'REG_DWORD':
    case 'REG_QWORD': {
      const number = Number.parseInt(data, 16);
      return Number.isSafeInteger(number) ? { type, data: number } : { type: 'unsupported', regType: type };
    }
    default:
      return { type: 'unsupported', regType: type };
  }
}

const canonicalKeys = new Map(POLICY_KEY_NAMES.map((key) => [key.toLowerCase(), key]));

/** Registry names are case-insensitive; policy keys are matched the same way. */
function canonicalKey(name: string): PolicyKey | null {
  return canonicalKeys.get(name.toLowerCase()) ?? null;
}

/**
 * Turns the registry keys under the policy key into raw policy values, typed by each key's kind:
 * booleans from REG_DWORD 0/1; strings from REG_SZ (or a REG_EXPAND_SZ without `%NAME%` references, see
 * `literal`); lists from REG_MULTI_SZ, from a REG_SZ separated by `,` or `;` (what an installer switch
 * writes), or from a subkey of numbered values (the Chrome-style list policy). Unknown names are passed
 * through for the schema to refuse.
 */
export function registryToRawPolicy(dumps: readonly RegistryKeyDump[], source: string): SourceRead {
  const [root, ...subkeys] = dumps;
  if (root === undefined) return { source, raw: null, problems: [] };
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];

  for (const { name, value } of root.values) {
    if (name === '(Default)') continue;
    const key = canonicalKey(name);
    if (key === null) {
      raw[name] = value.type === 'unsupported' ? value.regType : value.data;
      continue;
    }
    const converted = convertRegistryValue(key, value);
    if ('problem' in converted) problems.push(`${source}: ${key}: ${converted.problem}`);
    else raw[key] = converted.value;
  }

  const rootPrefix = `${root.path.toLowerCase()}\\`;
  for (const subkey of subkeys) {
    const relative = subkey.path.toLowerCase().startsWith(rootPrefix) ? subkey.path.slice(rootPrefix.length) : null;
    const key = relative === null || relative.includes('\\') ? null : canonicalKey(relative);
    if (relative === null || key === null || POLICY_KEYS[key].kind !== 'list') {
      if (subkey.values.length > 0 || relative === null || relative.includes('\\')) {
        problems.push(
          `${source}: unknown key "${relative ?? subkey.path}" (a subkey; only list policies may be subkeys)`,
        );
      }
      continue;
    }
    if (key in raw) {
      problems.push(`${source}: ${key}: set both as a value and as a subkey`);
      continue;
    }
    const items: string[] = [];
    const ordered = [...subkey.values].sort((a, b) => compareValueNames(a.name, b.name));
    for (const { name, value } of ordered) {
      if (name === '(Default)') continue;
      if (value.type === 'REG_SZ' || value.type === 'REG_EXPAND_SZ') {
        const item = literal(value);
        if (typeof item === 'string') items.push(item);
        else problems.push(`${source}: ${key}\\${name}: ${item.problem}`);
      } else problems.push(`${source}: ${key}\\${name}: list items must be REG_SZ, found ${registryTypeName(value)}`);
    }
    raw[key] = items;
  }
  return { source, raw, problems };
}

function convertRegistryValue(key: PolicyKey, value: RegistryValue): { value: unknown } | { problem: string } {
  const kind = POLICY_KEYS[key].kind;
  if (value.type === 'unsupported') return { problem: `unsupported registry type ${value.regType}` };
  switch (kind) {
    case 'boolean':
      if (value.type !== 'REG_DWORD')
        return { problem: `must be a REG_DWORD 0 or 1, found ${registryTypeName(value)}` };
      if (value.data !== 0 && value.data !== 1) return { problem: `must be 0 or 1, found ${value.data}` };
      return { value: value.data === 1 };
    case 'string':
      if (value.type === 'REG_SZ' || value.type === 'REG_EXPAND_SZ') {
        const text = literal(value);
        return typeof text === 'string' ? { value: text } : text;
      }
      return { problem: `must be a REG_SZ, found ${registryTypeName(value)}` };
    case 'list':
      if (value.type === 'REG_MULTI_SZ') return { value: value.data };
      if (value.type === 'REG_SZ' || value.type === 'REG_EXPAND_SZ') {
        const text = literal(value);
        if (typeof text !== 'string') return text;
        return {
          value: text
            .split(/[,;]/)
            .map((item) => item.trim())
            .filter((item) => item !== ''),
        };
      }
      return { problem: `must be a REG_MULTI_SZ (or a REG_SZ list separated by , or ;), found ${value.type}` };
  }
}

function registryTypeName(value: RegistryValue): string {
  return value.type === 'unsupported' ? value.regType : value.type;
}

/**
 * The text of a string value, never expanded. `%NAME%` in a REG_EXPAND_SZ would expand from the process
 * environment, which the signed-in user controls (HKCU\Environment overrides even `SystemRoot` and
 * `ProgramData`), so user-level malware could point a machine policy path (a CA file) at its own file.
 * A REG_EXPAND_SZ that references a variable is therefore refused with a problem naming it, and the admin
 * writes the full path; one without references is taken as it is.
 */
function literal(value: { type: 'REG_SZ' | 'REG_EXPAND_SZ'; data: string }): string | { problem: string } {
  if (value.type === 'REG_SZ') return value.data;
  const reference = /%[^%\s]+%/.exec(value.data);
  if (reference === null) return value.data;
  return {
    problem:
      `REG_EXPAND_SZ "${value.data}" refers to ${reference[0]}; environment variables are not expanded ` +
      '(the user can change them): write the full path as a REG_SZ',
  };
}

function compareValueNames(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isInteger(na) && Number.isInteger(nb)) return na - nb;
  return a.localeCompare(b);
}

/**
 * The one reg.exe that is run, by full path, so neither a `reg` earlier on PATH nor the environment picks
 * it. `%SystemRoot%` is not used: the process environment comes from the user's session, and a per-user
 * `SystemRoot`/`windir` in HKCU\Environment overrides the system's (the mechanism behind the known
 * "windir" scheduled-task hijacks), so user-level malware could run its own `reg.exe` that prints any policy.
 * Node exposes no GetSystemDirectory(), and the registry value that names the Windows directory needs reg.exe
 * to be read, so the path is the fixed one Windows setup uses: since Vista the running Windows volume is C:
 * and the directory is `Windows`. On a machine that differs, reg.exe "could not run", which is logged and
 * leaves the policy ignored (visible), never replaced.
 */
export const REG_EXECUTABLE = 'C:\\Windows\\System32\\reg.exe';

export async function readRegistryPolicy(hive: 'HKLM' | 'HKCU', run: ProcessRunner): Promise<SourceRead> {
  const key = `${hive}\\${POLICY_REGISTRY_PATH}`;
  let result: ProcessResult;
  try {
    result = await run(REG_EXECUTABLE, ['query', key, '/s']);
  } catch (error) {
    return { source: key, raw: null, problems: [`${key}: reg query could not run (${errorMessage(error)})`] };
  }
  if (result.code !== 0) {
    // A missing key is exit code 1 with nothing on stdout (the message on stderr is localised).
    if (result.code === 1 && result.stdout.trim() === '') return { source: key, raw: null, problems: [] };
    const reason = firstLine(result.stderr) || `exit code ${String(result.code)}`;
    return { source: key, raw: null, problems: [`${key}: reg query failed (${reason})`] };
  }
  return registryToRawPolicy(parseRegQueryOutput(result.stdout), key);
}

// ---------------------------------------------------------------------------------------------------

function asObject(data: unknown, source: string): SourceRead {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { source, raw: null, problems: [`${source}: the policy must be an object of key/value pairs`] };
  }
  return { source, raw: data as Record<string, unknown>, problems: [] };
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0]?.trim() ?? '';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
