import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { newOneTimeCode } from '../../../server/mfa/codes';
import { MFA_KEY_FILE, SecretBox } from '../../../server/mfa/secret-box';

function dataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-box-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('the MFA secret box', () => {
  it('seals with AES-256-GCM under a key file made once, owner-only', () => {
    const dir = dataDir();
    const box = SecretBox.inDataDir(dir);
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'ctx-1');
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed, 'ctx-1')).toBe('JBSWY3DPEHPK3PXP');

    const keyFile = path.join(dir, MFA_KEY_FILE);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    // Another process on the same data dir reads the same key.
    expect(SecretBox.inDataDir(dir).open(sealed, 'ctx-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(readFileSync(keyFile, 'utf8').trim()).toMatch(/^[\w-]{43}$/);
  });

  it('refuses a sealed value moved to another context, altered, or opened with another key', () => {
    const box = SecretBox.inDataDir(dataDir());
    const sealed = box.seal('secret', 'row-a');
    expect(() => box.open(sealed, 'row-b')).toThrow();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    expect(() => box.open([parts[0], parts[1], parts[2], body.toString('base64url')].join('.'), 'row-a')).toThrow();
    expect(() => SecretBox.inDataDir(dataDir()).open(sealed, 'row-a')).toThrow();
  });

  it('does not create the key until a secret is sealed, and refuses a damaged key file', () => {
    const dir = dataDir();
    SecretBox.inDataDir(dir);
    expect(() => statSync(path.join(dir, MFA_KEY_FILE))).toThrow();
    writeFileSync(path.join(dir, MFA_KEY_FILE), 'short\n');
    expect(() => SecretBox.inDataDir(dir).seal('x', 'y')).toThrow(/damaged/);
  });

  it('keys code hashes, so the same code in another challenge or under another key differs', () => {
    const dir = dataDir();
    const box = SecretBox.inDataDir(dir);
    const mac = box.codeMac('123456', 'challenge-1');
    expect(box.codeMatches('123456', 'challenge-1', mac)).toBe(true);
    expect(box.codeMatches('123457', 'challenge-1', mac)).toBe(false);
    expect(box.codeMatches('123456', 'challenge-2', mac)).toBe(false);
    expect(SecretBox.inDataDir(dataDir()).codeMatches('123456', 'challenge-1', mac)).toBe(false);
  });

  it('makes six-digit codes, leading zeros included', () => {
    const codes = Array.from({ length: 2000 }, () => newOneTimeCode());
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(1900);
  });
});
