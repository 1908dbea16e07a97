import type { Db } from './database';

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * The schema, as ordered steps. Never edit a released step: append a new one. Pending steps run in one
 * transaction together with their rows in schema_migrations, so a crash leaves all of them or none.
 * Times are milliseconds since the epoch from the server's clock.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, deployments, sessions',
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        login_id TEXT NOT NULL,
        email TEXT NOT NULL,
        display_name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        -- How this user signs in; 'password' today, room for unified login ('oidc') later.
        sign_in_method TEXT NOT NULL DEFAULT 'password',
        created_at INTEGER NOT NULL,
        password_changed_at INTEGER NOT NULL
      ) STRICT;

      -- Every name a user signs in with (login ID, e-mail, UPN aliases), case-folded. One table makes
      -- them unique across users and kinds, so a name can never point at two people.
      CREATE TABLE user_identifiers (
        identifier TEXT PRIMARY KEY,
        display TEXT NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('login_id', 'email', 'alias'))
      ) STRICT;
      CREATE INDEX user_identifiers_by_user ON user_identifiers (user_id);

      -- Consecutive failed sign-ins per subject ('user:<id>', or 'unknown:<name>' so that unknown
      -- names lock the same way and the lock-out reveals nothing about which accounts exist).
      CREATE TABLE sign_in_failures (
        subject TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        locked_until INTEGER
      ) STRICT;

      -- Only SHA-256 of the code's secret is stored; the code itself is never written here.
      CREATE TABLE deployments (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        secret_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        redeemed_at INTEGER,
        redeemed_by TEXT
      ) STRICT;
      CREATE INDEX deployments_by_user ON deployments (user_id);

      CREATE TABLE session_families (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        installation_id TEXT,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) STRICT;
      CREATE INDEX session_families_by_user ON session_families (user_id);

      -- Tokens are 256-bit random values; a fast hash is enough to keep a stolen database useless.
      CREATE TABLE refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES session_families (id) ON DELETE CASCADE,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      ) STRICT;
      CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);

      CREATE TABLE access_tokens (
        token_hash TEXT PRIMARY KEY,
        family_id INTEGER NOT NULL REFERENCES session_families (id) ON DELETE CASCADE,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX access_tokens_by_family ON access_tokens (family_id);
    `,
  },
  {
    version: 2,
    name: 'unified login: sign-in domains, OpenID Provider state and keys',
    sql: `
      -- E-mail domains switched to unified login, case-folded like user_identifiers. Password is the
      -- default, so only switched domains have a row; the method column leaves room for other kinds.
      CREATE TABLE sign_in_domains (
        domain TEXT PRIMARY KEY,
        method TEXT NOT NULL CHECK (method IN ('oidc')),
        updated_at INTEGER NOT NULL
      ) STRICT;

      -- oidc-provider's models (sessions, grants, interactions, codes, tokens), one JSON payload per
      -- row. grant_id, user_code and uid are the secondary indexes its adapter interface looks up by.
      -- Times here are the provider's (real) clock, in milliseconds; consumed_at in epoch seconds.
      CREATE TABLE oidc_payloads (
        model TEXT NOT NULL,
        id TEXT NOT NULL,
        payload TEXT NOT NULL,
        grant_id TEXT,
        user_code TEXT,
        uid TEXT,
        expires_at INTEGER,
        consumed_at INTEGER,
        PRIMARY KEY (model, id)
      ) STRICT;
      CREATE INDEX oidc_payloads_by_grant ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
      CREATE INDEX oidc_payloads_by_user_code ON oidc_payloads (model, user_code) WHERE user_code IS NOT NULL;
      CREATE INDEX oidc_payloads_by_uid ON oidc_payloads (model, uid) WHERE uid IS NOT NULL;
      CREATE INDEX oidc_payloads_by_expiry ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL;

      -- Generated once per data dir and reused, so tokens, sessions and cookies outlive a restart.
      -- 'signing' holds a private JWK; 'cookie' and 'csrf' hold random secrets.
      CREATE TABLE oidc_keys (
        kid TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('signing', 'cookie', 'csrf')),
        material TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: 'multi-factor authentication: policy, phones, authenticators, challenges, trusted devices',
    sql: `
      -- E.164 (+4477…), for SMS codes; NULL when the admin has not given one.
      ALTER TABLE users ADD COLUMN phone TEXT;

      -- The organisation's MFA policy: one row (this server is one organisation).
      CREATE TABLE mfa_policy (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        -- A comma-separated, non-empty subset of totp,email,sms.
        channels TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('optional', 'enforced')),
        trust_days INTEGER NOT NULL CHECK (trust_days BETWEEN 1 AND 365),
        updated_at INTEGER NOT NULL
      ) STRICT;
      INSERT INTO mfa_policy (id, channels, mode, trust_days, updated_at) VALUES (1, 'totp', 'optional', 30, 0);

      -- TOTP authenticators. The secret is AES-256-GCM sealed under a key kept outside this database
      -- (server/mfa/secret-box.ts). pending_until is set until a first code confirms it; last_step is
      -- the RFC 6238 time step of the last accepted code, so a code is accepted at most once.
      CREATE TABLE mfa_authenticators (
        id TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        sealed_secret TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        confirmed_at INTEGER,
        pending_until INTEGER,
        last_step INTEGER
      ) STRICT;
      CREATE INDEX mfa_authenticators_by_user ON mfa_authenticators (user_id);

      -- A password sign-in waiting for its second factor. Only SHA-256 of the challenge id and an
      -- HMAC of the e-mail/SMS code are stored. interaction_uid binds a challenge to an OpenID
      -- Provider interaction instead of the API's challenge id.
      CREATE TABLE mfa_challenges (
        id_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        installation_id TEXT,
        interaction_uid TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        sends INTEGER NOT NULL DEFAULT 0,
        chosen_channel TEXT,
        code_hmac TEXT,
        code_channel TEXT,
        code_sent_at INTEGER,
        code_expires_at INTEGER,
        pending_authenticator_id TEXT REFERENCES mfa_authenticators (id) ON DELETE SET NULL,
        consumed_at INTEGER
      ) STRICT;
      CREATE INDEX mfa_challenges_by_user ON mfa_challenges (user_id);
      CREATE INDEX mfa_challenges_by_interaction ON mfa_challenges (interaction_uid)
        WHERE interaction_uid IS NOT NULL;

      -- Remembered devices: the public half of a device key (ECDSA P-256 JWK) and its trust.
      CREATE TABLE mfa_devices (
        id TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        public_key TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        trusted_until INTEGER NOT NULL,
        revoked_at INTEGER
      ) STRICT;
      CREATE INDEX mfa_devices_by_user ON mfa_devices (user_id);

      -- Single-use nonces a device signs to prove it holds its key; deleted when used.
      CREATE TABLE mfa_device_nonces (
        nonce_hash TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    name: 'enterprise single sign-on: identity providers, domain routing, links, brokered sign-ins',
    sql: `
      -- Identity providers the OpenID Provider brokers sign-in to (server/federation). config is the
      -- kind's settings as JSON, validated on every read; an OIDC client secret is never in it:
      -- sealed_secret holds it AES-256-GCM sealed under the data dir's key file (secret-box.ts).
      CREATE TABLE identity_providers (
        id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('saml', 'oidc')),
        config TEXT NOT NULL,
        sealed_secret TEXT,
        jit INTEGER NOT NULL CHECK (jit IN (0, 1)),
        password_beside INTEGER NOT NULL CHECK (password_beside IN (0, 1)),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      -- Home-realm routing: e-mail domains (case-folded) whose users sign in at one provider.
      CREATE TABLE identity_provider_domains (
        domain TEXT PRIMARY KEY,
        provider_id TEXT NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE
      ) STRICT;
      CREATE INDEX identity_provider_domains_by_provider ON identity_provider_domains (provider_id);

      -- Which Keyway user an upstream account is. Keyed by the provider too: another provider
      -- claiming the same issuer and subject is not the same account.
      CREATE TABLE federated_identities (
        provider_id TEXT NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
        issuer TEXT NOT NULL,
        subject TEXT NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL,
        PRIMARY KEY (provider_id, issuer, subject)
      ) STRICT;
      CREATE INDEX federated_identities_by_user ON federated_identities (user_id);

      -- One brokered sign-in, bound to an OpenID Provider interaction: made when the browser leaves
      -- for the identity provider, answered once (returned_at), finished once by the browser that
      -- holds the interaction (finished_at). Only SHA-256 of the state / RelayState and the ticket.
      CREATE TABLE federation_attempts (
        state_hash TEXT PRIMARY KEY,
        provider_id TEXT NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
        interaction_uid TEXT NOT NULL,
        -- SAML: the AuthnRequest ID the answer must be InResponseTo. OIDC: nonce and PKCE verifier.
        request_id TEXT,
        nonce TEXT,
        code_verifier TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        returned_at INTEGER,
        -- The verified upstream identity (JSON) and the user it maps to, once the answer checked out.
        identity TEXT,
        ticket_hash TEXT UNIQUE,
        finished_at INTEGER
      ) STRICT;
      CREATE INDEX federation_attempts_by_expiry ON federation_attempts (expires_at);

      -- SAML assertion IDs already accepted, kept until the assertion would have expired anyway.
      CREATE TABLE saml_seen_assertions (
        provider_id TEXT NOT NULL,
        assertion_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (provider_id, assertion_id)
      ) STRICT;

      -- The SAML service provider's RSA signing key (PKCS#8 PEM) and self-signed certificate, made once.
      CREATE TABLE saml_sp_keys (
        kid TEXT PRIMARY KEY,
        private_key TEXT NOT NULL,
        certificate TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  // Forgot password, the account page and OTPs for other services (keep the array in version order).
  {
    version: 5,
    name: 'forgot password, the account web page, one-time passwords for other services',
    sql: `
      -- Whether users may reset a forgotten password by e-mail, and how long a link works. One row.
      CREATE TABLE password_reset_policy (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        link_ttl_minutes INTEGER NOT NULL CHECK (link_ttl_minutes BETWEEN 5 AND 1440),
        updated_at INTEGER NOT NULL
      ) STRICT;
      INSERT INTO password_reset_policy (id, enabled, link_ttl_minutes, updated_at) VALUES (1, 0, 30, 0);

      -- Reset links: only SHA-256 of the 256-bit token is stored. used_at is set when the link set a
      -- password, or when a reset (or a newer one) made it void.
      CREATE TABLE password_reset_links (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      ) STRICT;
      CREATE INDEX password_reset_links_by_user ON password_reset_links (user_id, created_at);

      -- Signed-in browsers on the account page (/account), by SHA-256 of the cookie's 256-bit value.
      -- 'second_factor' while the MFA step is under way (its challenge is bound to 'account:<id_hash>').
      CREATE TABLE account_sessions (
        id_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        stage TEXT NOT NULL CHECK (stage IN ('second_factor', 'signed_in')),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        -- SHA-256 of the secret of the deployment link the page showed last; a newer link voids it.
        deployment_hash TEXT
      ) STRICT;
      CREATE INDEX account_sessions_by_user ON account_sessions (user_id);

      -- One-time passwords for other services: an HMAC of the code under the MFA key file's code key,
      -- bound to the user. At most one is live per user; used_at makes it single use (and is also set
      -- when a newer one replaces it or too many wrong guesses void it).
      CREATE TABLE service_otps (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        otp_mac TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        used_at INTEGER
      ) STRICT;
      CREATE INDEX service_otps_by_user ON service_otps (user_id, expires_at);

      -- Front ends (VPN, RADIUS) allowed to verify OTPs. Only SHA-256 of their 256-bit API key is kept.
      CREATE TABLE otp_clients (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        key_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER
      ) STRICT;
    `,
  },
  // Issue 14 (h5): sign out everywhere by account, account-wide second-factor failures, enrolment binding.
  {
    version: 6,
    name: 'provider rows by account, account-wide second-factor lock, proven challenges',
    sql: `
      -- The account an oidc-provider row belongs to, copied from its payload's accountId on write, so
      -- "sign out everywhere" finds Sessions, Grants and tokens without reading (or trusting the form
      -- of) row ids or payloads.
      ALTER TABLE oidc_payloads ADD COLUMN account_id TEXT;
      UPDATE oidc_payloads SET account_id = json_extract(payload, '$.accountId')
        WHERE json_valid(payload) AND json_type(payload, '$.accountId') = 'text';
      CREATE INDEX oidc_payloads_by_account ON oidc_payloads (account_id) WHERE account_id IS NOT NULL;

      -- Wrong second-factor codes per account, across challenges, channels and OTP issuance
      -- (NIST SP 800-63B §5.2.2). Only a verified second factor or an admin's reset-mfa clears it.
      CREATE TABLE mfa_failures (
        user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        failures INTEGER NOT NULL,
        locked_until INTEGER
      ) STRICT;

      -- When an e-mail/SMS code proved this challenge's owner before an authenticator is enrolled.
      ALTER TABLE mfa_challenges ADD COLUMN proven_at INTEGER;
    `,
  },
  // Issue 14: a unified-login installation's first enrolment, bound to its fresh deployment redemption.
  {
    version: 7,
    name: 'enrolment tickets for unified-login first enrolment',
    sql: `
      -- SHA-256 of the single-purpose ticket a redemption hands to its installation for the provider's
      -- pages (server/mfa/enrolment.ts). The ticket itself is never stored.
      ALTER TABLE deployments ADD COLUMN enrolment_ticket_hash TEXT;
      CREATE UNIQUE INDEX deployments_by_enrolment_ticket ON deployments (enrolment_ticket_hash)
        WHERE enrolment_ticket_hash IS NOT NULL;
    `,
  },
];

export function runMigrations(db: Db, migrations: readonly Migration[] = MIGRATIONS): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = db.prepare<[], { version: number }>('SELECT version FROM schema_migrations');
  const record = db.prepare<[number, string, string]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const latest = migrations.at(-1)?.version ?? 0;
  // IMMEDIATE takes the write lock before reading, so a CLI and a server starting together cannot
  // both decide to apply the same step.
  db.transaction(() => {
    const done = new Set(applied.all().map((row) => row.version));
    const newest = Math.max(0, ...done);
    if (newest > latest) {
      throw new Error(
        `This data dir was written by a newer Keyway server (schema ${newest}; this one knows up to ${latest}).`,
      );
    }
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
  }).immediate();
}

export function schemaVersion(db: Db): number {
  const row = db.prepare<[], { version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations').get();
  return row?.version ?? 0;
}
