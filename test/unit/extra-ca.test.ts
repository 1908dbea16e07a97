import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chainTrustedByExtraCa, parseAuthorities } from '../../electron/main/policy/extra-ca';

/** A throwaway corporate CA and a server certificate it issued, made by the real openssl. */
function makePki(dir: string, name: string): { ca: string; leaf: string } {
  const file = (f: string) => path.join(dir, `${name}-${f}`);
  const run = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  run(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-subj',
    `/CN=${name} Root CA`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  );
  run(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    file('leaf.key'),
    '-out',
    file('leaf.csr'),
    '-subj',
    '/CN=keyway.corp.example',
  );
  writeFileSync(file('ext.cnf'), 'subjectAltName=DNS:keyway.corp.example\n');
  run(
    'x509',
    '-req',
    '-in',
    file('leaf.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-out',
    file('leaf.pem'),
    '-extfile',
    file('ext.cnf'),
  );
  return { ca: readFileSync(file('ca.pem'), 'utf8'), leaf: readFileSync(file('leaf.pem'), 'utf8') };
}

let corp: { ca: string; leaf: string };
let other: { ca: string; leaf: string };
beforeAll(() => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-pki-'));
  corp = makePki(dir, 'corp');
  other = makePki(dir, 'other');
});

describe('extra certificate authorities from machine policy', () => {
  it('accepts a server certificate issued by a policy CA, presented with or without the CA', () => {
    const authorities = parseAuthorities([corp.ca]);
    expect(chainTrustedByExtraCa({ data: corp.leaf }, 'keyway.corp.example', authorities)).toBe(true);
    expect(
      chainTrustedByExtraCa({ data: corp.leaf, issuerCert: { data: corp.ca } }, 'keyway.corp.example', authorities),
    ).toBe(true);
  });

  it('refuses another authority, another host name, an expired chain, or no policy CA at all', () => {
    const authorities = parseAuthorities([corp.ca]);
    expect(
      chainTrustedByExtraCa({ data: other.leaf, issuerCert: { data: other.ca } }, 'keyway.corp.example', authorities),
    ).toBe(false);
    expect(chainTrustedByExtraCa({ data: corp.leaf }, 'evil.example', authorities)).toBe(false);
    expect(
      chainTrustedByExtraCa(
        { data: corp.leaf },
        'keyway.corp.example',
        authorities,
        new Date(Date.now() + 10 * 86_400_000),
      ),
    ).toBe(false);
    expect(chainTrustedByExtraCa({ data: corp.leaf }, 'keyway.corp.example', [])).toBe(false);
  });

  it('refuses a forged chain: another CA presented under the policy CA’s certificate', () => {
    const authorities = parseAuthorities([corp.ca]);
    expect(
      chainTrustedByExtraCa({ data: other.leaf, issuerCert: { data: corp.ca } }, 'keyway.corp.example', authorities),
    ).toBe(false);
    expect(parseAuthorities(['not a certificate'])).toEqual([]);
  });
});
