import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACCEPT_CERTIFICATE,
  CERT_AUTHORITY_INVALID,
  certificateVerdict,
  chainTrustedByExtraCa,
  USE_CHROMIUM_VERDICT,
  parseAuthorities,
  type PresentedCertificate,
} from '../../electron/main/policy/extra-ca';

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

/**
 * A small PKI made by the real openssl: a root, then certificates issued with the extensions given, so
 * each CA constraint can be broken on its own. `openssl verify` is the reference for what must be refused.
 */
class Pki {
  private serial = 1;
  constructor(private readonly dir: string) {}

  private file(name: string): string {
    return path.join(this.dir, name);
  }

  private run(...args: string[]): void {
    execFileSync('openssl', args, { stdio: 'ignore' });
  }

  root(name: string, extensions: string[], days = 30): string {
    this.run(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      String(days),
      '-keyout',
      this.file(`${name}.key`),
      '-out',
      this.file(`${name}.pem`),
      '-subj',
      `/CN=${name}`,
      ...extensions.flatMap((extension) => ['-addext', extension]),
    );
    return readFileSync(this.file(`${name}.pem`), 'utf8');
  }

  /** Issues `name` under `issuer` with exactly these v3 extensions. */
  issue(name: string, issuer: string, extensions: string[], days = 30): string {
    this.run(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      this.file(`${name}.key`),
      '-out',
      this.file(`${name}.csr`),
      '-subj',
      `/CN=${name}`,
    );
    writeFileSync(this.file(`${name}.cnf`), `${extensions.join('\n')}\n`);
    this.run(
      'x509',
      '-req',
      '-in',
      this.file(`${name}.csr`),
      '-CA',
      this.file(`${issuer}.pem`),
      '-CAkey',
      this.file(`${issuer}.key`),
      '-set_serial',
      String(this.serial++),
      '-days',
      String(days),
      '-out',
      this.file(`${name}.pem`),
      '-extfile',
      this.file(`${name}.cnf`),
    );
    return readFileSync(this.file(`${name}.pem`), 'utf8');
  }

  /** What `openssl verify` says of leaf + untrusted intermediates against the root, for the SSL server purpose. */
  opensslAccepts(root: string, intermediates: string[], leaf: string): boolean {
    writeFileSync(this.file('verify-root.pem'), root);
    writeFileSync(this.file('verify-untrusted.pem'), intermediates.join('\n'));
    writeFileSync(this.file('verify-leaf.pem'), leaf);
    try {
      this.run(
        'verify',
        '-purpose',
        'sslserver',
        '-CAfile',
        this.file('verify-root.pem'),
        ...(intermediates.length > 0 ? ['-untrusted', this.file('verify-untrusted.pem')] : []),
        this.file('verify-leaf.pem'),
      );
      return true;
    } catch {
      return false;
    }
  }
}

const KEY_CERT_SIGN = 'keyUsage=critical,keyCertSign,cRLSign';
const CA = ['basicConstraints=critical,CA:TRUE', KEY_CERT_SIGN];
const SERVER = ['subjectAltName=DNS:keyway.corp.example', 'extendedKeyUsage=serverAuth'];
const HOST = 'keyway.corp.example';

/** leaf → intermediates… as Chromium presents it (each certificate with its issuer). */
function presented(leaf: string, ...issuers: string[]): PresentedCertificate {
  const [next, ...rest] = issuers;
  return next === undefined ? { data: leaf } : { data: leaf, issuerCert: presented(next, ...rest) };
}

describe('CA constraints of a policy-CA chain (RFC 5280 §6.1.4; what openssl verify refuses)', () => {
  let pki: Pki;
  let root: string;
  beforeAll(() => {
    pki = new Pki(mkdtempSync(path.join(os.tmpdir(), 'keyway-pki-chain-')));
    root = pki.root('Corp Root', CA);
  });

  /** Both Keyway and openssl verify must agree: `expected` for each. */
  function expectVerdict(expected: boolean, leaf: string, intermediates: string[]) {
    expect(pki.opensslAccepts(root, intermediates, leaf), 'openssl verify').toBe(expected);
    const authorities = parseAuthorities([root]);
    expect(chainTrustedByExtraCa(presented(leaf, ...intermediates), HOST, authorities)).toBe(expected);
    // Presented with the root too, the verdict is the same.
    expect(chainTrustedByExtraCa(presented(leaf, ...intermediates, root), HOST, authorities)).toBe(expected);
  }

  it('accepts a good chain: root → intermediate (CA, keyCertSign, pathlen:0) → serverAuth leaf', () => {
    const intermediate = pki.issue('good-int', 'Corp Root', [
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    const leaf = pki.issue('good-leaf', 'good-int', SERVER);
    expectVerdict(true, leaf, [intermediate]);
  });

  it('refuses an intermediate that is CA:FALSE (a server certificate used to issue another)', () => {
    const fake = pki.issue('notca-int', 'Corp Root', ['basicConstraints=critical,CA:FALSE', ...SERVER]);
    const leaf = pki.issue('notca-leaf', 'notca-int', SERVER);
    expectVerdict(false, leaf, [fake]);
  });

  it('refuses an intermediate without basicConstraints at all', () => {
    const fake = pki.issue('nobc-int', 'Corp Root', ['keyUsage=critical,keyCertSign']);
    const leaf = pki.issue('nobc-leaf', 'nobc-int', SERVER);
    expectVerdict(false, leaf, [fake]);
  });

  it('refuses an intermediate whose keyUsage lacks keyCertSign', () => {
    const intermediate = pki.issue('noks-int', 'Corp Root', [
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,digitalSignature,cRLSign',
    ]);
    const leaf = pki.issue('noks-leaf', 'noks-int', SERVER);
    expectVerdict(false, leaf, [intermediate]);
  });

  it('refuses a chain longer than an issuer’s pathLenConstraint', () => {
    const first = pki.issue('pl-int1', 'Corp Root', ['basicConstraints=critical,CA:TRUE,pathlen:0', KEY_CERT_SIGN]);
    const second = pki.issue('pl-int2', 'pl-int1', CA);
    const leaf = pki.issue('pl-leaf', 'pl-int2', SERVER);
    expectVerdict(false, leaf, [second, first]);
  });

  it('refuses a chain longer than the policy root’s own pathLenConstraint', () => {
    const tightRoot = pki.root('Tight Root', ['basicConstraints=critical,CA:TRUE,pathlen:0', KEY_CERT_SIGN]);
    const intermediate = pki.issue('tr-int', 'Tight Root', CA);
    const leaf = pki.issue('tr-leaf', 'tr-int', SERVER);
    expect(pki.opensslAccepts(tightRoot, [intermediate], leaf), 'openssl verify').toBe(false);
    const authorities = parseAuthorities([tightRoot]);
    expect(chainTrustedByExtraCa(presented(leaf, intermediate), HOST, authorities)).toBe(false);
    // The same root directly issuing the leaf is within its constraint.
    const direct = pki.issue('tr-direct', 'Tight Root', SERVER);
    expect(chainTrustedByExtraCa(presented(direct), HOST, authorities)).toBe(true);
  });

  it('refuses a leaf whose extendedKeyUsage is clientAuth only', () => {
    const intermediate = pki.issue('eku-int', 'Corp Root', CA);
    const leaf = pki.issue('eku-leaf', 'eku-int', [
      'subjectAltName=DNS:keyway.corp.example',
      'extendedKeyUsage=clientAuth',
    ]);
    expectVerdict(false, leaf, [intermediate]);
  });

  it('refuses an intermediate restricted to clientAuth (its EKU constrains what it issues)', () => {
    const intermediate = pki.issue('ekui-int', 'Corp Root', [...CA, 'extendedKeyUsage=clientAuth']);
    const leaf = pki.issue('ekui-leaf', 'ekui-int', SERVER);
    expectVerdict(false, leaf, [intermediate]);
  });

  it('refuses an expired intermediate while the root and the leaf are still valid', () => {
    const intermediate = pki.issue('exp-int', 'Corp Root', CA, 1);
    const leaf = pki.issue('exp-leaf', 'exp-int', SERVER, 20);
    const authorities = parseAuthorities([root]);
    expect(chainTrustedByExtraCa(presented(leaf, intermediate), HOST, authorities)).toBe(true);
    const inFiveDays = new Date(Date.now() + 5 * 86_400_000);
    expect(chainTrustedByExtraCa(presented(leaf, intermediate), HOST, authorities, inFiveDays)).toBe(false);
  });

  it('refuses a chain anchored on an expired policy CA that was not presented', () => {
    const shortRoot = pki.root('Short Root', CA, 1);
    const leaf = pki.issue('sr-leaf', 'Short Root', SERVER, 20);
    const authorities = parseAuthorities([shortRoot]);
    expect(chainTrustedByExtraCa(presented(leaf), HOST, authorities)).toBe(true);
    const inFiveDays = new Date(Date.now() + 5 * 86_400_000);
    expect(chainTrustedByExtraCa(presented(leaf), HOST, authorities, inFiveDays)).toBe(false);
  });
});

describe('the certificate verify proc (main.ts wires certificateVerdict to setCertificateVerifyProc)', () => {
  const HOST = 'keyway.corp.example';
  // Chromium's net errors (net/base/net_error_list.h).
  const CERT_COMMON_NAME_INVALID = -200;
  const CERT_DATE_INVALID = -201;
  const CERT_REVOKED = -206;

  it('accepts a policy-CA chain only where Chromium’s one complaint is an unknown authority', () => {
    const authorities = parseAuthorities([corp.ca]);
    expect(CERT_AUTHORITY_INVALID).toBe(-202);
    expect(ACCEPT_CERTIFICATE).toBe(0);
    expect(USE_CHROMIUM_VERDICT).toBe(-3);
    const request = { errorCode: CERT_AUTHORITY_INVALID, hostname: HOST, certificate: { data: corp.leaf } };
    expect(certificateVerdict(request, authorities)).toBe(ACCEPT_CERTIFICATE);
  });

  it.each([
    ['a wrong name', CERT_COMMON_NAME_INVALID],
    ['an expired certificate', CERT_DATE_INVALID],
    ['a revoked certificate', CERT_REVOKED],
    ['an unknown error', -1],
  ])('keeps Chromium’s refusal for %s, even on a chain the policy CA issued', (_name, errorCode) => {
    const authorities = parseAuthorities([corp.ca]);
    expect(certificateVerdict({ errorCode, hostname: HOST, certificate: { data: corp.leaf } }, authorities)).toBe(
      USE_CHROMIUM_VERDICT,
    );
  });

  it('leaves a chain Chromium accepted to Chromium (never answers 0, which would skip Certificate Transparency)', () => {
    const authorities = parseAuthorities([corp.ca]);
    expect(certificateVerdict({ errorCode: 0, hostname: HOST, certificate: { data: corp.leaf } }, authorities)).toBe(
      USE_CHROMIUM_VERDICT,
    );
  });

  it('an unknown authority that is not a policy CA, another host, or a forged chain stays refused', () => {
    const authorities = parseAuthorities([corp.ca]);
    const ask = (certificate: PresentedCertificate, hostname = HOST) =>
      certificateVerdict({ errorCode: CERT_AUTHORITY_INVALID, hostname, certificate }, authorities);
    expect(ask({ data: other.leaf, issuerCert: { data: other.ca } })).toBe(USE_CHROMIUM_VERDICT);
    expect(ask({ data: corp.leaf }, 'evil.example')).toBe(USE_CHROMIUM_VERDICT);
    expect(ask({ data: other.leaf, issuerCert: { data: corp.ca } })).toBe(USE_CHROMIUM_VERDICT);
    expect(ask({ data: 'not a certificate' })).toBe(USE_CHROMIUM_VERDICT);
    expect(
      certificateVerdict({ errorCode: CERT_AUTHORITY_INVALID, hostname: HOST, certificate: { data: corp.leaf } }, []),
    ).toBe(USE_CHROMIUM_VERDICT);
  });
});
