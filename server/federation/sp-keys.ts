// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { createHash, createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { X509CertificateGenerator } from '@peculiar/x509';
import type { SecretBox } from '../mfa/secret-box';
import type { Storage } from '../storage/storage';

/** The SAML service provider's signing key and the certificate its metadata publishes. */
export interface SpKeys {
  /** PKCS#8 PEM; signs AuthnRequests. */
  privateKey: string;
  /** Self-signed X.509 PEM with the public half. */
  certificate: string;
}

/** Long enough never to need a rollover in the reference server's life; IdPs ignore its dates anyway. */
const CERTIFICATE_YEARS = 10;

/** Sealed keys start with SecretBox's format version; a PEM ("-----BEGIN") was stored before sealing. */
const SEALED = 'v1.';

/** What the private key is sealed to: the key pair it belongs to. */
function context(kid: string): string {
  return `saml sp private key ${kid}`;
}

/**
 * The SP key pair, generated on first use and read back afterwards (like the provider's keys in
 * oidc/keys.ts), so the metadata an admin imported into their IdP stays right across restarts. RSA,
 * not EC: AD FS and older IdPs verify only RSA signatures on SAML messages. A fresh pair is made
 * outside the database (WebCrypto is asynchronous), then stored in one transaction that keeps
 * whichever pair was stored first (SQLite: IMMEDIATE; PostgreSQL: SERIALIZABLE, so of two instances
 * storing at once the second is retried, reads the first's pair and keeps it): every server and admin
 * command on one database agrees on one pair.
 */
export async function loadSpKeys(storage: Storage, box: SecretBox, clock: () => number): Promise<SpKeys> {
  const stored = await readKeys(storage, box);
  if (stored) return stored;
  const fresh = await newSpKeys(clock());
  return storage.transaction(async () => {
    const winner = await readKeys(storage, box);
    if (winner) return winner;
    const kid = fingerprint(fresh.certificate);
    await storage
      .q()
      .insertInto('saml_sp_keys')
      .values({
        kid,
        private_key: box.seal(fresh.privateKey, context(kid)),
        certificate: fresh.certificate,
        created_at: clock(),
      })
      .execute();
    return fresh;
  });
}

/**
 * The newest pair, its private key opened. Sealed like every other secret in the database (AES-256-GCM
 * under the data dir's key file): a copy of the database alone cannot sign AuthnRequests as Keyway.
 * A key stored in plaintext by an older server is sealed in place.
 */
async function readKeys(storage: Storage, box: SecretBox): Promise<SpKeys | undefined> {
  const row = await storage
    .q()
    .selectFrom('saml_sp_keys')
    .select(['kid', 'private_key', 'certificate'])
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.private_key.startsWith(SEALED)) {
    return { privateKey: box.open(row.private_key, context(row.kid)), certificate: row.certificate };
  }
  await storage
    .q()
    .updateTable('saml_sp_keys')
    .set({ private_key: box.seal(row.private_key, context(row.kid)) })
    .where('kid', '=', row.kid)
    .execute();
  return { privateKey: row.private_key, certificate: row.certificate };
}

/** SAML identity providers read only the public key from the certificate; they never check a chain. */
async function newSpKeys(now: number): Promise<SpKeys> {
  const algorithm = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const notBefore = new Date(now - 60_000);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CERTIFICATE_YEARS);
  const generated = await X509CertificateGenerator.createSelfSigned({
    // A positive 128-bit serial (RFC 5280 allows up to 20 octets).
    serialNumber: `01${randomBytes(16).toString('hex')}`,
    name: 'CN=Keyway SAML service provider',
    notBefore,
    notAfter,
    signingAlgorithm: algorithm,
    keys,
  });
  const certificate = generated.toString('pem');
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({
    type: 'pkcs8',
    format: 'pem',
  });
  // The server signs with node:crypto and publishes this certificate: both must agree before it is kept.
  if (!new X509Certificate(certificate).verify(new X509Certificate(certificate).publicKey)) {
    throw new Error('The new SAML certificate does not verify.');
  }
  return { privateKey: privateKey.toString(), certificate };
}

/** SHA-256 of the certificate's DER, as a stable key id. */
function fingerprint(certificate: string): string {
  return createHash('sha256').update(new X509Certificate(certificate).raw).digest('base64url');
}
