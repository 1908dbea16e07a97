import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readMachinePolicy,
  summarizeMachinePolicy,
  type ProcessRunner,
  type ReadMachinePolicyOptions,
} from '../../../electron/core/machine-policy';
import { selfSignedCertificate } from '../../support/tls';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const REG = 'C:\\Windows\\System32\\reg.exe';
const HKLM = 'HKLM\\Software\\Policies\\Keyway';
const HKCU = 'HKCU\\Software\\Policies\\Keyway';
const MAC_COMPUTER = '/Library/Managed Preferences/dev.keyway.app.plist';
const MAC_USER = '/Library/Managed Preferences/ana/dev.keyway.app.plist';

const missingKey = {
  code: 1,
  stdout: '',
  stderr: 'ERROR: The system was unable to find the specified registry key or value.',
};

function runner(answers: Record<string, { code: number; stdout?: string; stderr?: string }>): ProcessRunner {
  return (file, args) => {
    const answer = answers[[file, ...args].join(' ')];
    if (answer === undefined) return Promise.reject(new Error(`unexpected: ${file} ${args.join(' ')}`));
    return Promise.resolve({ code: answer.code, stdout: answer.stdout ?? '', stderr: answer.stderr ?? '' });
  };
}

function files(contents: Record<string, string>): Pick<ReadMachinePolicyOptions, 'readTextFile' | 'fileExists'> {
  return {
    readTextFile: (file) => Promise.resolve(contents[file] ?? null),
    fileExists: (file) => Promise.resolve(file in contents),
  };
}

const windows = (hklm: object, hkcu: object): ReadMachinePolicyOptions => ({
  platform: 'win32',
  env: { SystemRoot: 'C:\\Windows' },
  run: runner({ [`${REG} query ${HKLM} /s`]: hklm, [`${REG} query ${HKCU} /s`]: hkcu } as never),
  ...files({}),
});

describe('readMachinePolicy on Windows (reg query of HKLM, then HKCU)', () => {
  it('merges HKLM and HKCU key by key, HKLM winning', async () => {
    const result = await readMachinePolicy(
      windows({ code: 0, stdout: fixture('reg-query-hklm.txt') }, { code: 0, stdout: fixture('reg-query-hkcu.txt') }),
    );
    expect(result.problems).toEqual([]);
    expect(result.source).toBe(`${HKLM} + ${HKCU}`);
    expect(result.policy).toEqual({
      presetServer: 'https://keyway.example.com', // HKCU says other.example.com
      allowedServers: ['keyway.example.com', '*.corp.example.com', 'backup.example.net'], // HKLM's subkey
      disableImport: true,
      disableManualLogin: false,
      disableAutoUpdate: true, // only in HKCU
      defaultLanguage: 'de-DE',
      proxy: 'http://proxy.corp.example.com:3128',
    });
  });

  it('reads HKCU alone when HKLM has no key', async () => {
    const result = await readMachinePolicy(windows(missingKey, { code: 0, stdout: fixture('reg-query-hkcu.txt') }));
    expect(result.source).toBe(HKCU);
    expect(result.policy?.presetServer).toBe('https://other.example.com');
  });

  it('is no policy at all when neither key exists', async () => {
    expect(await readMachinePolicy(windows(missingKey, missingKey))).toEqual({
      policy: null,
      source: null,
      problems: [],
      caCertificates: [],
    });
  });

  it('ignores everything when one hive is invalid, and says which hive and key', async () => {
    const badUser = 'HKEY_CURRENT_USER\\Software\\Policies\\Keyway\r\n    disableImport    REG_SZ    yes\r\n';
    const result = await readMachinePolicy(
      windows({ code: 0, stdout: fixture('reg-query-hklm.txt') }, { code: 0, stdout: badUser }),
    );
    expect(result.policy).toBeNull();
    expect(result.problems).toEqual([`${HKCU}: disableImport: must be a REG_DWORD 0 or 1, found REG_SZ`]);
  });

  it('ignores everything for an unknown value name, naming it', async () => {
    const unknown =
      'HKEY_LOCAL_MACHINE\\Software\\Policies\\Keyway\r\n    serverUrl    REG_SZ    https://x.example.com\r\n';
    const result = await readMachinePolicy(windows({ code: 0, stdout: unknown }, missingKey));
    expect(result.policy).toBeNull();
    expect(result.problems[0]).toMatch(/^HKLM\\Software\\Policies\\Keyway: unknown key "serverUrl"/);
  });

  it('checks the merged policy too: a preset server in HKLM outside the allow-list from HKCU', async () => {
    const machine =
      'HKEY_LOCAL_MACHINE\\Software\\Policies\\Keyway\r\n    presetServer    REG_SZ    https://a.example.com\r\n';
    const user = 'HKEY_CURRENT_USER\\Software\\Policies\\Keyway\r\n    allowedServers    REG_SZ    b.example.com\r\n';
    const result = await readMachinePolicy(windows({ code: 0, stdout: machine }, { code: 0, stdout: user }));
    expect(result.policy).toBeNull();
    expect(result.problems).toEqual([
      `${HKLM} + ${HKCU}: presetServer: the preset server's host a.example.com is not in allowedServers`,
    ]);
  });
});

describe('readMachinePolicy on macOS (managed preferences, computer then user)', () => {
  const mac = (answers: Record<string, string>): ReadMachinePolicyOptions => ({
    platform: 'darwin',
    env: {},
    userName: 'ana',
    run: runner(
      Object.fromEntries(
        Object.entries(answers).map(([file, stdout]) => [
          `/usr/bin/plutil -convert json -o - ${file}`,
          { code: 0, stdout },
        ]),
      ),
    ),
    ...files(Object.fromEntries(Object.keys(answers).map((file) => [file, 'binary plist']))),
  });

  it('merges the computer-level and per-user plists, the computer winning', async () => {
    const result = await readMachinePolicy(
      mac({ [MAC_COMPUTER]: fixture('plutil-computer.txt'), [MAC_USER]: fixture('plutil-user.txt') }),
    );
    expect(result.problems).toEqual([]);
    expect(result.source).toBe(`${MAC_COMPUTER} + ${MAC_USER}`);
    expect(result.policy).toEqual({
      presetServer: 'https://keyway.example.com',
      allowedServers: ['keyway.example.com'],
      disableManualLogin: true, // the user plist says false
      defaultLanguage: 'de-DE',
      forceUnifiedLogin: true,
    });
  });

  it('reads the per-user plist alone', async () => {
    const result = await readMachinePolicy(mac({ [MAC_USER]: fixture('plutil-user.txt') }));
    expect(result.source).toBe(MAC_USER);
    expect(result.policy?.disableManualLogin).toBe(false);
  });

  it('is no policy when neither plist exists (plutil never runs)', async () => {
    expect((await readMachinePolicy(mac({}))).source).toBeNull();
  });
});

describe('readMachinePolicy on Linux (/etc/keyway/policy.json)', () => {
  const linux = (contents: Record<string, string>, env: Record<string, string> = {}): ReadMachinePolicyOptions => ({
    platform: 'linux',
    env,
    run: runner({}),
    ...files(contents),
  });

  it('reads the file', async () => {
    const result = await readMachinePolicy(linux({ '/etc/keyway/policy.json': '{"disableImport": true}' }));
    expect(result).toMatchObject({ policy: { disableImport: true }, source: '/etc/keyway/policy.json', problems: [] });
  });

  it('ignores an invalid file as a whole', async () => {
    const result = await readMachinePolicy(
      linux({ '/etc/keyway/policy.json': '{"disableImport": true, "allowedServers": ["https://x.example.com"]}' }),
    );
    expect(result.policy).toBeNull();
    expect(result.problems[0]).toMatch(
      /^\/etc\/keyway\/policy\.json: allowedServers\[0\]: "https:\/\/x\.example\.com" is not a host pattern/,
    );
  });
});

describe('KEYWAY_POLICY_FILE: development and tests only', () => {
  it('replaces the platform source (the registry is never read) when the caller allows it', async () => {
    const result = await readMachinePolicy({
      platform: 'win32',
      env: { KEYWAY_POLICY_FILE: '/tmp/test-policy.json' },
      allowPolicyFileOverride: true,
      run: runner({}),
      ...files({ '/tmp/test-policy.json': '{"forceUnifiedLogin": true}' }),
    });
    expect(result).toMatchObject({
      policy: { forceUnifiedLogin: true },
      source: 'KEYWAY_POLICY_FILE=/tmp/test-policy.json',
    });
  });

  it('is ignored by default (a packaged app): the user cannot replace the HKLM policy from their environment', async () => {
    const hklm =
      'HKEY_LOCAL_MACHINE\\Software\\Policies\\Keyway\r\n    allowedServers    REG_SZ    keyway.corp.example\r\n';
    const options: ReadMachinePolicyOptions = {
      platform: 'win32',
      env: { KEYWAY_POLICY_FILE: 'C:\\Users\\mallory\\policy.json' },
      run: runner({ [`${REG} query ${HKLM} /s`]: { code: 0, stdout: hklm }, [`${REG} query ${HKCU} /s`]: missingKey }),
      ...files({ 'C:\\Users\\mallory\\policy.json': '{}' }),
    };
    for (const variant of [options, { ...options, allowPolicyFileOverride: false }]) {
      const result = await readMachinePolicy(variant);
      expect(result).toMatchObject({ source: HKLM, policy: { allowedServers: ['keyway.corp.example'] } });
    }
  });

  it('is ignored by default on Linux and macOS too (the file in /etc applies)', async () => {
    const result = await readMachinePolicy({
      platform: 'linux',
      env: { KEYWAY_POLICY_FILE: '/home/mallory/policy.json' },
      ...files({
        '/etc/keyway/policy.json': '{"disableImport": true}',
        '/home/mallory/policy.json': '{"disableImport": false}',
      }),
    });
    expect(result).toMatchObject({ source: '/etc/keyway/policy.json', policy: { disableImport: true } });
  });

  it('is a problem when the file it names does not exist', async () => {
    const result = await readMachinePolicy({
      platform: 'linux',
      env: { KEYWAY_POLICY_FILE: '/nope.json' },
      allowPolicyFileOverride: true,
      ...files({}),
    });
    expect(result).toMatchObject({ policy: null, problems: ['KEYWAY_POLICY_FILE=/nope.json: no such file'] });
  });

  it('is ignored when empty', async () => {
    const result = await readMachinePolicy({
      platform: 'linux',
      env: { KEYWAY_POLICY_FILE: ' ' },
      allowPolicyFileOverride: true,
      ...files({}),
    });
    expect(result.source).toBeNull();
  });
});

describe('extra trusted CA certificates', () => {
  const { cert } = selfSignedCertificate();
  const policy = (paths: string[]) => JSON.stringify({ extraTrustedCaCertificates: paths });
  const read = (contents: Record<string, string>, paths: string[]) =>
    readMachinePolicy({
      platform: 'linux',
      env: {},
      ...files({ '/etc/keyway/policy.json': policy(paths), ...contents }),
    });

  it('reads every certificate of every file', async () => {
    const result = await read({ '/etc/keyway/a.pem': cert, '/etc/keyway/b.pem': `${cert}\n${cert}` }, [
      '/etc/keyway/a.pem',
      '/etc/keyway/b.pem',
    ]);
    expect(result.problems).toEqual([]);
    expect(result.caCertificates).toHaveLength(3);
    expect(result.caCertificates[0]).toBe(cert.trim());
  });

  it('ignores the whole policy for a missing file, a file without a certificate, or a broken one', async () => {
    expect((await read({}, ['/etc/keyway/none.pem'])).problems).toEqual([
      '/etc/keyway/policy.json: extraTrustedCaCertificates: /etc/keyway/none.pem does not exist',
    ]);
    expect((await read({ '/k.pem': 'just text' }, ['/k.pem'])).problems[0]).toMatch(/holds no PEM certificate/);
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
    const result = await read({ '/b.pem': broken }, ['/b.pem']);
    expect(result.policy).toBeNull();
    expect(result.problems[0]).toMatch(/certificate 1 of \/b\.pem is not valid/);
  });
});

describe('summarizeMachinePolicy: the one log line', () => {
  it('says none, what applies, or why nothing does', () => {
    expect(summarizeMachinePolicy({ policy: null, source: null, problems: [], caCertificates: [] })).toBe(
      'Machine policy: none.',
    );
    expect(
      summarizeMachinePolicy({
        policy: { disableImport: true },
        source: '/etc/keyway/policy.json',
        problems: [],
        caCertificates: [],
      }),
    ).toBe('Machine policy from /etc/keyway/policy.json: disableImport.');
    const line = summarizeMachinePolicy({
      policy: null,
      source: 'HKLM',
      problems: ['HKLM: a', 'HKLM: b'],
      caCertificates: [],
    });
    expect(line).toBe('Machine policy from HKLM IGNORED (nothing of it applies): HKLM: a; HKLM: b');
    expect(line).not.toContain('\n');
  });
});
