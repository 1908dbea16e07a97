import { createHash, generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto';
import type { Storage } from '../storage/storage';
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
 * cookies and form tokens issued before a restart stay valid after it.
 */
export async function loadOidcSecrets(
  storage: Storage,
  sealer: PayloadSealer,
  clock: () => number = Date.now,
): Promise<OidcSecrets> {
  // Sealed like every other secret in the database (AES-256-GCM under the data dir's key file, bound
  // to the key's kind and id): a copy of the database alone cannot sign ID tokens or forge cookies.
  const context = (row: { kid: string; kind: Kind }): string => `oidc ${row.kind} key ${row.kid}`;
  // One transaction (SQLite: IMMEDIATE; PostgreSQL: SERIALIZABLE, storage.ts): two processes opening a
  // new database together cannot both generate a kind's key; the loser is retried and reads the winner's.
  return storage.transaction(async () => {
    const q = storage.q();
    const stored = await q
      .selectFrom('oidc_keys')
      .select(['kid', 'kind', 'material'])
      .orderBy('created_at', 'desc')
      .orderBy('kid', 'desc')
      .execute();
    // Keys stored before sealing (schema 5 and older) are sealed in place, in this transaction.
    const rows: KeyRow[] = [];
    for (const row of stored) {
      if (row.material.startsWith(SEALED)) {
        rows.push({ ...row, material: sealer.open(row.material, context(row)) });
        continue;
      }
      await q
        .updateTable('oidc_keys')
        .set({ material: sealer.seal(row.material, context(row)) })
        .where('kid', '=', row.kid)
        .where('kind', '=', row.kind)
        .execute();
      rows.push(row);
    }
    for (const kind of ['signing', 'cookie', 'csrf'] as const) {
      if (rows.some((row) => row.kind === kind)) continue;
      const { kid, material } = kind === 'signing' ? newSigningKey() : newSecret(kind);
      await q
        .insertInto('oidc_keys')
        .values({ kid, kind, material: sealer.seal(material, context({ kid, kind })), created_at: clock() })
        .execute();
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
  });
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
