import { X509Certificate } from 'node:crypto';

/**
 * Extra certificate authorities from machine policy (corporate CAs not in the OS store). Chromium has
 * already built and checked the chain; when its only complaint is an unknown authority, we accept the
 * chain if — verified with Node's X.509 primitives, not by hand — every link is signed by the next, each
 * is within its validity, the leaf is for the host, and the top is (or is issued by) a policy CA.
 */
export interface PresentedCertificate {
  /** PEM. */
  readonly data: string;
  readonly issuerCert?: PresentedCertificate;
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
  for (const cert of chain) {
    if (new Date(cert.validFrom) > now || new Date(cert.validTo) < now) return false;
  }
  for (let i = 0; i + 1 < chain.length; i++) {
    const cert = chain[i];
    const issuer = chain[i + 1];
    if (!cert || !issuer || !cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) return false;
  }
  const top = chain[chain.length - 1];
  if (!top) return false;
  return authorities.some(
    (ca) => ca.fingerprint256 === top.fingerprint256 || (top.checkIssued(ca) && top.verify(ca.publicKey)),
  );
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
