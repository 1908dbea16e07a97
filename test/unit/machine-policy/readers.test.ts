import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  parseRegQueryOutput,
  readJsonPolicyFile,
  readPlistPolicy,
  readRegistryPolicy,
  registryToRawPolicy,
  REG_EXECUTABLE,
  type ProcessRunner,
} from '../../../electron/core/machine-policy/readers';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

/** A runner that answers from a table and records what it was asked. */
function recorded(answers: Record<string, { code: number; stdout?: string; stderr?: string }>) {
  const calls: string[] = [];
  const run: ProcessRunner = (file, args) => {
    const call = [file, ...args].join(' ');
    calls.push(call);
    const answer = answers[call];
    if (answer === undefined) return Promise.reject(new Error(`unexpected call: ${call}`));
    return Promise.resolve({ code: answer.code, stdout: answer.stdout ?? '', stderr: answer.stderr ?? '' });
  };
  return { run, calls };
}

afterEach(() => vi.unstubAllEnvs());

describe('reg query output (recorded from reg.exe)', () => {
  it('parses keys, value names, types and data, CRLF and all', () => {
    expect(parseRegQueryOutput(fixture('reg-query-hklm.txt'))).toEqual([
      {
        path: 'HKEY_LOCAL_MACHINE\\Software\\Policies\\Keyway',
        values: [
          { name: 'presetServer', value: { type: 'REG_SZ', data: 'https://keyway.example.com' } },
          { name: 'disableImport', value: { type: 'REG_DWORD', data: 1 } },
          { name: 'DisableManualLogin', value: { type: 'REG_DWORD', data: 0 } },
        ],
      },
      {
        path: 'HKEY_LOCAL_MACHINE\\Software\\Policies\\Keyway\\allowedServers',
        values: [
          { name: '1', value: { type: 'REG_SZ', data: 'keyway.example.com' } },
          { name: '2', value: { type: 'REG_SZ', data: '*.corp.example.com' } },
          { name: '10', value: { type: 'REG_SZ', data: 'backup.example.net' } },
        ],
      },
    ]);
  });

  it('splits REG_MULTI_SZ on the \\0 reg.exe prints, reads empty strings and unknown types', () => {
    const dumps = parseRegQueryOutput(
      'HKEY_CURRENT_USER\\Software\\Policies\\Keyway\n' +
        '    allowedServers    REG_MULTI_SZ    a.example.com\\0b.example.com\n' +
        '    presetServer    REG_SZ    \n' +
        '    blob    REG_BINARY    00FF\n' +
        '    big    REG_QWORD    0x10\n',
    );
    expect(dumps[0]?.values.map((v) => v.value)).toEqual([
      { type: 'REG_MULTI_SZ', data: ['a.example.com', 'b.example.com'] },
      { type: 'REG_SZ', data: '' },
      { type: 'unsupported', regType: 'REG_BINARY' },
      { type: 'REG_QWORD', data: 16 },
    ]);
  });
});

describe('registry values → raw policy (typed by each key)', () => {
  it('DWORD 0/1 → boolean, numbered subkey → list, names matched case-insensitively', () => {
    const read = registryToRawPolicy(parseRegQueryOutput(fixture('reg-query-hklm.txt')), 'HKLM');
    expect(read.problems).toEqual([]);
    expect(read.raw).toEqual({
      presetServer: 'https://keyway.example.com',
      disableImport: true,
      disableManualLogin: false,
      allowedServers: ['keyway.example.com', '*.corp.example.com', 'backup.example.net'],
    });
  });

  it('REG_MULTI_SZ and REG_SZ "a,b;c" (what installer switches write) → list; REG_EXPAND_SZ without %VAR% as is', () => {
    const read = registryToRawPolicy(
      parseRegQueryOutput(
        'HKEY_LOCAL_MACHINE\\Software\\Policies\\Keyway\n' +
          '    allowedServers    REG_SZ    a.example.com, b.example.com;c.example.com\n' +
          '    extraTrustedCaCertificates    REG_EXPAND_SZ    C:\\ProgramData\\Keyway\\root.pem\n',
      ),
      'HKLM',
    );
    expect(read.problems).toEqual([]);
    expect(read.raw).toEqual({
      allowedServers: ['a.example.com', 'b.example.com', 'c.example.com'],
      extraTrustedCaCertificates: ['C:\\ProgramData\\Keyway\\root.pem'],
    });
  });

  it('never expands %VAR% from the (user-controlled) environment: a REG_EXPAND_SZ that refers to one is refused', () => {
    // Whatever the process environment says (a user could set ProgramData to a folder of their own),
    // the value is not expanded: the problem names the variable and the policy is ignored as a whole.
    vi.stubEnv('ProgramData', 'C:\\Users\\mallory\\evil');
    const read = registryToRawPolicy(
      parseRegQueryOutput(
        'HKEY_LOCAL_MACHINE\\Software\\Policies\\Keyway\n' +
          '    extraTrustedCaCertificates    REG_EXPAND_SZ    %ProgramData%\\Keyway\\root.pem\n' +
          '    proxy    REG_EXPAND_SZ    http://%PROXYHOST%:3128\n' +
          '\nHKEY_LOCAL_MACHINE\\Software\\Policies\\Keyway\\allowedServers\n' +
          '    1    REG_EXPAND_SZ    %USERDOMAIN%.corp.example\n',
      ),
      'HKLM',
    );
    expect(JSON.stringify(read.raw)).not.toContain('mallory');
    expect(read.problems).toEqual([
      'HKLM: extraTrustedCaCertificates: REG_EXPAND_SZ "%ProgramData%\\Keyway\\root.pem" refers to %ProgramData%; ' +
        'environment variables are not expanded (the user can change them): write the full path as a REG_SZ',
      'HKLM: proxy: REG_EXPAND_SZ "http://%PROXYHOST%:3128" refers to %PROXYHOST%; ' +
        'environment variables are not expanded (the user can change them): write the full path as a REG_SZ',
      'HKLM: allowedServers\\1: REG_EXPAND_SZ "%USERDOMAIN%.corp.example" refers to %USERDOMAIN%; ' +
        'environment variables are not expanded (the user can change them): write the full path as a REG_SZ',
    ]);
  });

  it('reports values of the wrong registry type, naming the key', () => {
    const read = registryToRawPolicy(
      parseRegQueryOutput(
        'HKEY_LOCAL_MACHINE\\Software\\Policies\\Keyway\n' +
          '    disableImport    REG_SZ    1\n' +
          '    disableAutoUpdate    REG_DWORD    0x2\n' +
          '    presetServer    REG_DWORD    0x1\n' +
          '    proxy    REG_BINARY    00\n',
      ),
      'HKLM',
    );
    expect(read.problems).toEqual([
      'HKLM: disableImport: must be a REG_DWORD 0 or 1, found REG_SZ',
      'HKLM: disableAutoUpdate: must be 0 or 1, found 2',
      'HKLM: presetServer: must be a REG_SZ, found REG_DWORD',
      'HKLM: proxy: unsupported registry type REG_BINARY',
    ]);
  });

  it('passes unknown names through (the schema refuses them) and refuses subkeys of non-list keys', () => {
    const read = registryToRawPolicy(
      parseRegQueryOutput(
        'HKEY_LOCAL_MACHINE\\Software\\Policies\\Keyway\n' +
          '    serverURL    REG_SZ    https://x\n' +
          '\nHKEY_LOCAL_MACHINE\\Software\\Policies\\Keyway\\presetServer\n' +
          '    1    REG_SZ    https://x\n',
      ),
      'HKLM',
    );
    expect(read.raw).toEqual({ serverURL: 'https://x' });
    expect(read.problems).toEqual(['HKLM: unknown key "presetServer" (a subkey; only list policies may be subkeys)']);
  });

  it('runs the real reg.exe by a fixed full path, never one picked by PATH or a per-user SystemRoot', async () => {
    expect(REG_EXECUTABLE).toBe('C:\\Windows\\System32\\reg.exe');
    vi.stubEnv('SystemRoot', 'C:\\Users\\mallory\\fake');
    vi.stubEnv('windir', 'C:\\Users\\mallory\\fake');
    vi.stubEnv('PATH', 'C:\\Users\\mallory\\bin');
    const { run, calls } = recorded({});
    await readRegistryPolicy('HKLM', run);
    expect(calls).toEqual(['C:\\Windows\\System32\\reg.exe query HKLM\\Software\\Policies\\Keyway /s']);
  });

  it('treats a missing key (exit 1, nothing printed) as no policy, other failures as problems', async () => {
    const missing = recorded({
      'C:\\Windows\\System32\\reg.exe query HKLM\\Software\\Policies\\Keyway /s': {
        code: 1,
        stderr: 'ERROR: Das System kann den angegebenen Registrierungsschlüssel nicht finden.',
      },
    });
    expect(await readRegistryPolicy('HKLM', missing.run)).toEqual({
      source: 'HKLM\\Software\\Policies\\Keyway',
      raw: null,
      problems: [],
    });
    const denied = recorded({
      'C:\\Windows\\System32\\reg.exe query HKCU\\Software\\Policies\\Keyway /s': {
        code: 5,
        stderr: 'ERROR: Access is denied.',
      },
    });
    expect((await readRegistryPolicy('HKCU', denied.run)).problems).toEqual([
      'HKCU\\Software\\Policies\\Keyway: reg query failed (ERROR: Access is denied.)',
    ]);
    const broken: ProcessRunner = () => Promise.reject(new Error('spawn reg.exe ENOENT'));
    expect((await readRegistryPolicy('HKLM', broken)).problems[0]).toMatch(/reg query could not run/);
  });
});

describe('macOS managed preferences through plutil', () => {
  const file = '/Library/Managed Preferences/dev.keyway.app.plist';

  it('converts the plist to JSON with /usr/bin/plutil and reads it', async () => {
    const { run, calls } = recorded({
      [`/usr/bin/plutil -convert json -o - ${file}`]: { code: 0, stdout: fixture('plutil-computer.txt') },
    });
    const read = await readPlistPolicy(file, run, () => Promise.resolve(true));
    expect(calls).toHaveLength(1);
    expect(read).toEqual({
      source: file,
      raw: {
        presetServer: 'https://keyway.example.com',
        disableManualLogin: true,
        allowedServers: ['keyway.example.com'],
      },
      problems: [],
    });
  });

  it('does not run plutil for a file that is not there', async () => {
    const { run, calls } = recorded({});
    expect(await readPlistPolicy(file, run, () => Promise.resolve(false))).toEqual({
      source: file,
      raw: null,
      problems: [],
    });
    expect(calls).toEqual([]);
  });

  it('reports a plist plutil cannot convert', async () => {
    const { run } = recorded({
      [`/usr/bin/plutil -convert json -o - ${file}`]: {
        code: 1,
        stderr: `${file}: invalid object in plist for destination format`,
      },
    });
    expect((await readPlistPolicy(file, run, () => Promise.resolve(true))).problems).toEqual([
      `${file}: plutil cannot convert it (${file}: invalid object in plist for destination format)`,
    ]);
  });
});

describe('JSON policy files', () => {
  it('reads an object; a missing file is no policy; bad JSON or a non-object is a problem', async () => {
    const files: Record<string, string> = {
      '/ok.json': '{"disableImport": true}',
      '/bad.json': '{"disableImport": tru',
      '/list.json': '[]',
    };
    const readText = (file: string) => Promise.resolve(files[file] ?? null);
    expect((await readJsonPolicyFile('/ok.json', readText)).raw).toEqual({ disableImport: true });
    expect(await readJsonPolicyFile('/missing.json', readText)).toEqual({
      source: '/missing.json',
      raw: null,
      problems: [],
    });
    expect((await readJsonPolicyFile('/bad.json', readText)).problems[0]).toMatch(/^\/bad\.json: not valid JSON/);
    expect((await readJsonPolicyFile('/list.json', readText)).problems).toEqual([
      '/list.json: the policy must be an object of key/value pairs',
    ]);
  });
});
