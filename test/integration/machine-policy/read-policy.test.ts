import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileRunner, readMachinePolicy } from '../../../electron/core/machine-policy';
import { selfSignedCertificate } from '../../support/tls';

// The real readers on a real file system and real processes (the unit tests feed recorded output).

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'keyway-policy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('machine policy from real files', () => {
  it('KEYWAY_POLICY_FILE with a real CA certificate file', async () => {
    const ca = path.join(dir, 'corporate-root.pem');
    await writeFile(ca, selfSignedCertificate().cert);
    const file = path.join(dir, 'policy.json');
    await writeFile(
      file,
      JSON.stringify({
        presetServer: 'https://keyway.example.com',
        extraTrustedCaCertificates: [ca],
        disableImport: true,
      }),
    );
    const result = await readMachinePolicy({ env: { KEYWAY_POLICY_FILE: file }, allowPolicyFileOverride: true });
    expect(result.problems).toEqual([]);
    expect(result.policy).toEqual({
      presetServer: 'https://keyway.example.com',
      extraTrustedCaCertificates: [ca],
      disableImport: true,
    });
    expect(result.caCertificates).toHaveLength(1);
  });

  it('the Linux location (pointed at a temporary file), then a missing one', async () => {
    const file = path.join(dir, 'etc-policy.json');
    await writeFile(file, '{"disableManualLogin": true}');
    expect((await readMachinePolicy({ platform: 'linux', env: {}, linuxPolicyFile: file })).policy).toEqual({
      disableManualLogin: true,
    });
    expect(
      await readMachinePolicy({ platform: 'linux', env: {}, linuxPolicyFile: path.join(dir, 'none.json') }),
    ).toEqual({
      policy: null,
      source: null,
      problems: [],
      caCertificates: [],
    });
  });

  it('a directory where the file should be is a problem, not a crash', async () => {
    const result = await readMachinePolicy({ platform: 'linux', env: {}, linuxPolicyFile: dir });
    expect(result.policy).toBeNull();
    expect(result.problems[0]).toMatch(/cannot be read/);
  });
});

describe('the process runner behind reg and plutil', () => {
  it('returns stdout and the exit code without a shell', async () => {
    const result = await execFileRunner(process.execPath, [
      '-e',
      'process.stdout.write("HKEY_LOCAL_MACHINE\\\\X\\n"); process.stderr.write("warn"); process.exit(1)',
    ]);
    expect(result).toEqual({ code: 1, stdout: 'HKEY_LOCAL_MACHINE\\X\n', stderr: 'warn' });
  });

  it('passes arguments verbatim (no shell: spaces and quotes stay in one argument)', async () => {
    const result = await execFileRunner(process.execPath, [
      '-e',
      'process.stdout.write(process.argv[1])',
      '/Library/Managed Preferences/dev.keyway.app.plist; echo "x"',
    ]);
    expect(result.stdout).toBe('/Library/Managed Preferences/dev.keyway.app.plist; echo "x"');
  });

  it('rejects when the program does not exist (reported as a problem by the readers)', async () => {
    await expect(execFileRunner(path.join(dir, 'no-such-reg.exe'), ['query'])).rejects.toThrow(/could not start/);
  });
});
