// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  X509Certificate as ParsedCertificate,
} from '@peculiar/x509';

/**
 * Extra certificate authorities from machine policy (corporate CAs not in the OS store). Chromium has
 * already built and checked the chain; when its only complaint is an unknown authority, we accept the
 * chain if — verified with Node's X.509 primitives and @peculiar/x509's extension parsers, not by hand —
 * every link is signed by the next, each certificate (the policy CA too) is within its validity, the leaf
 * is for the host, the top is (or is issued by) a policy CA, and the CA constraints of RFC 5280 §6.1.4 that
 * `openssl verify` applies hold: every issuer is a CA (basicConstraints CA:TRUE), its keyUsage, when
 * present, allows keyCertSign, no issuer has more intermediates below it than its pathLenConstraint, and
 * an extendedKeyUsage, when present, allows TLS server authentication.
 */
export interface PresentedCertificate {
  /** PEM. */
  readonly data: string;
  readonly issuerCert?: PresentedCertificate;
}

/** The extension-level facts the checks need, parsed by @peculiar/x509 (undefined: extension absent). */
interface Constraints {
  readonly ca: boolean;
  readonly pathLength: number | undefined;
  /** keyUsage allows keyCertSign; undefined when the certificate has no keyUsage extension. */
  readonly keyCertSign: boolean | undefined;
  readonly extendedKeyUsages: readonly string[] | undefined;
}

const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

function constraintsOf(cert: X509Certificate): Constraints {
  const parsed = new ParsedCertificate(cert.raw);
  const basic = parsed.getExtension(BasicConstraintsExtension);
  const keyUsage = parsed.getExtension(KeyUsagesExtension);
  const extended = parsed.getExtension(ExtendedKeyUsageExtension);
  return {
    ca: basic?.ca === true,
    pathLength: basic?.ca === true ? basic.pathLength : undefined,
    keyCertSign: keyUsage === null ? undefined : (keyUsage.usages & KeyUsageFlags.keyCertSign) !== 0,
    extendedKeyUsages: extended === null ? undefined : extended.usages.map(String),
  };
}

/**
 * May `cert` issue certificates, with `below` non-leaf certificates under it in this path (RFC 5280
 * §4.2.1.9: pathLenConstraint counts the intermediates that may follow; self-issued ones are not exempted
 * here, which only makes the check stricter)?
 */
function mayIssue(constraints: Constraints, below: number): boolean {
  if (!constraints.ca) return false;
  // Node's checkIssued (OpenSSL's X509_check_issued) refuses this too; checked here as well so that the
  // rule does not rest on a detail of OpenSSL's issuer matching (the test fails only without both).
  if (constraints.keyCertSign === false) return false;
  if (constraints.pathLength !== undefined && below > constraints.pathLength) return false;
  return true;
}

/** The leaf must allow serverAuth when it restricts its use; a CA may also say anyExtendedKeyUsage. */
function allowsServerAuth(constraints: Constraints, isLeaf: boolean): boolean {
  const usages = constraints.extendedKeyUsages;
  if (usages === undefined) return true;
  return usages.includes(ExtendedKeyUsage.serverAuth) || (!isLeaf && usages.includes(ANY_EXTENDED_KEY_USAGE));
}

function withinValidity(cert: X509Certificate, now: Date): boolean {
  return new Date(cert.validFrom) <= now && new Date(cert.validTo) >= now;
}

export function chainTrustedByExtraCa(
  leaf: PresentedCertificate,
  hostname: string,
  authorities: readonly X509Certificate[],
  now = new Date(),
): boolean {
  if (authorities.length === 0) return false;
  const chain: X509Certificate[] = [];
  for (
    let current: PresentedCertificate | undefined = leaf;
    current && chain.length < 10;
    current = current.issuerCert
  ) {
    try {
      chain.push(new X509Certificate(current.data));
    } catch {
      return false;
    }
  }
  const [first] = chain;
  if (first?.checkHost(hostname) === undefined) return false;
  for (let i = 0; i + 1 < chain.length; i++) {
    const cert = chain[i];
    const issuer = chain[i + 1];
    if (!cert || !issuer || !cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) return false;
  }
  const top = chain[chain.length - 1];
  if (!top) return false;
  // The full path, leaf first, ending with the policy CA (which may or may not have been presented).
  const presentedAnchor = authorities.find((ca) => ca.fingerprint256 === top.fingerprint256);
  const anchor = presentedAnchor ?? authorities.find((ca) => top.checkIssued(ca) && top.verify(ca.publicKey));
  if (anchor === undefined) return false;
  const path = presentedAnchor === undefined ? [...chain, anchor] : chain;

  let constraints: Constraints[];
  try {
    constraints = path.map(constraintsOf);
  } catch {
    return false; // An extension @peculiar/x509 cannot parse: refuse rather than guess.
  }
  for (const [index, cert] of path.entries()) {
    const facts = constraints[index];
    if (facts === undefined || !withinValidity(cert, now)) return false;
    if (index > 0 && !mayIssue(facts, index - 1)) return false;
    // The anchor's own EKU is not checked (a trust anchor's extensions constrain nothing but issuing).
    if (index < path.length - 1 && !allowsServerAuth(facts, index === 0)) return false;
  }
  return true;
}

/**
 * Chromium's net error for a chain that ends at an authority it does not trust
 * (net/base/net_error_list.h: CERT_AUTHORITY_INVALID = -202), the request's `errorCode`.
 */
export const CERT_AUTHORITY_INVALID = -202;
/** setCertificateVerifyProc's answers (docs/api/session.md, ses.setCertificateVerifyProc): 0 accepts. */
export const ACCEPT_CERTIFICATE = 0;
/** -3: "uses the verification result from chromium" (same page): the OS store's verdict stands. */
export const USE_CHROMIUM_VERDICT = -3;

/**
 * The certificate verify proc's whole decision. A policy CA is only ever a missing root: a chain
 * Chromium refused for any other reason (wrong name, expired, revoked, weak key: another errorCode, or
 * several) keeps Chromium's verdict even when it leads to a policy CA, and a chain Chromium accepted
 * (errorCode 0) is left to Chromium too. Only an unknown-authority refusal is re-checked against the
 * policy CAs, with the leaf for the host Chromium names.
 */
export function certificateVerdict(
  request: { readonly errorCode: number; readonly hostname: string; readonly certificate: PresentedCertificate },
  authorities: readonly X509Certificate[],
  now = new Date(),
): typeof ACCEPT_CERTIFICATE | typeof USE_CHROMIUM_VERDICT {
  if (request.errorCode !== CERT_AUTHORITY_INVALID) return USE_CHROMIUM_VERDICT;
  return chainTrustedByExtraCa(request.certificate, request.hostname, authorities, now)
    ? ACCEPT_CERTIFICATE
    : USE_CHROMIUM_VERDICT;
}

export function parseAuthorities(pems: readonly string[]): X509Certificate[] {
  return pems.flatMap((pem) => {
    try {
      return [new X509Certificate(pem)];
    } catch {
      return [];
    }
  });
}
