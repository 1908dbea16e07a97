import { createHash, generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto';
import type { Db } from '../storage/database';
import type { PayloadSealer } from './adapter';

export interface OidcSecrets {
  /** Private signing JWKs (ES256), newest first; oidc-provider publishes their public halves. */
  signingKeys: JsonWebKey[];
  /** Keygrip keys for oidc-provider's signed cookies, newest first. */
  cookieKeys: string[];
  /** HMAC key binding the sign-in form's CSRF token to its interaction. */
  csrfKey: Buffer;
}

type Kind = 'signing' | 'cookie' | 'csrf';

/** The algorithm of the signing keys and so of ID tokens. */
export const SIGNING_ALG = 'ES256';

interface KeyRow {
  kid: string;
  kind: Kind;
  material: string;
}

/** Sealed material starts with SecretBox's format version; anything else was stored before sealing. */
const SEALED = 'v1.';

/**
 * The provider's keys, generated on the first start and read back on every later one, so ID tokens,
 * cookies and form tokens issued before a restart stay valid after it. One IMMEDIATE transaction: a
 * server and an admin CLI opening a fresh data dir together cannot both generate.
 */
export function loadOidcSecrets(db: Db, sealer: PayloadSealer, clock: () => number = Date.now): OidcSecrets {
  // Sealed like every other secret in keyway.sqlite (AES-256-GCM under the data dir's key file, bound
  // to the key's kind and id): a copy of the database alone cannot sign ID tokens or forge cookies.
  const context = (row: { kid: string; kind: Kind }): string => `oidc ${row.kind} key ${row.kid}`;
  return db
    .transaction(() => {
      const stored = db
        .prepare<[], KeyRow>('SELECT kid, kind, material FROM oidc_keys ORDER BY created_at DESC, rowid DESC')
        .all();
      // Keys stored before sealing (schema 5 and older) are sealed in place, in this transaction.
      const reseal = db.prepare<[string, string, Kind]>('UPDATE oidc_keys SET material = ? WHERE kid = ? AND kind = ?');
      const rows = stored.map((row) => {
        if (row.material.startsWith(SEALED)) return { ...row, material: sealer.open(row.material, context(row)) };
        reseal.run(sealer.seal(row.material, context(row)), row.kid, row.kind);
        return row;
      });
      const insert = db.prepare<[string, Kind, string, number]>(
        'INSERT INTO oidc_keys (kid, kind, material, created_at) VALUES (?, ?, ?, ?)',
      );
      for (const kind of ['signing', 'cookie', 'csrf'] as const) {
        if (rows.some((row) => row.kind === kind)) continue;
        const { kid, material } = kind === 'signing' ? newSigningKey() : newSecret(kind);
        insert.run(kid, kind, sealer.seal(material, context({ kid, kind })), clock());
        rows.push({ kid, kind, material });
      }
      const of = (kind: Kind) => rows.filter((row) => row.kind === kind).map((row) => row.material);
      const csrf = of('csrf')[0];
      if (csrf === undefined) throw new Error('No CSRF key was stored.');
      return {
        signingKeys: of('signing').map((material) => JSON.parse(material) as JsonWebKey),
        cookieKeys: of('cookie'),
        csrfKey: Buffer.from(csrf, 'base64url'),
      };
    })
    .immediate();
}

/**
 * ES256 (P-256): every OpenID relying party verifies it, keys generate in well under a millisecond
 * (an RSA key takes a tenth of a second, on every fresh data dir) and signatures are small.
 */
function newSigningKey(): { kid: string; material: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  const kid = thumbprint(jwk);
  return { kid, material: JSON.stringify({ ...jwk, kid, alg: SIGNING_ALG, use: 'sig' }) };
}

function newSecret(kind: 'cookie' | 'csrf'): { kid: string; material: string } {
  return { kid: `${kind}-${randomBytes(8).toString('hex')}`, material: randomBytes(32).toString('base64url') };
}

/** RFC 7638 JWK thumbprint of an EC key: a stable kid derived from the public key itself. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}
