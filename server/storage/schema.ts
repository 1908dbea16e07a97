import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Every table of server/storage/migrations.ts as Kysely sees it, for both engines. Times are
 * milliseconds since the epoch (INTEGER on SQLite, BIGINT on PostgreSQL, read back as `number` on both:
 * postgres.ts parses int8). Flags are 0/1 integers on both engines, so rows look the same everywhere.
 * `Generated<…>` marks a column the database fills in (an identity/rowid key or a DEFAULT).
 * A test (test/integration/server/storage-engines.test.ts) checks these names against both live schemas.
 */
export interface KeywayTables {
  schema_migrations: SchemaMigrationsTable;
  settings: SettingsTable;
  users: UsersTable;
  user_identifiers: UserIdentifiersTable;
  sign_in_failures: SignInFailuresTable;
  deployments: DeploymentsTable;
  session_families: SessionFamiliesTable;
  refresh_tokens: RefreshTokensTable;
  access_tokens: AccessTokensTable;
  sign_in_domains: SignInDomainsTable;
  oidc_payloads: OidcPayloadsTable;
  oidc_keys: OidcKeysTable;
  mfa_policy: MfaPolicyTable;
  mfa_authenticators: MfaAuthenticatorsTable;
  mfa_challenges: MfaChallengesTable;
  mfa_devices: MfaDevicesTable;
  mfa_device_nonces: MfaDeviceNoncesTable;
  identity_providers: IdentityProvidersTable;
  identity_provider_domains: IdentityProviderDomainsTable;
  federated_identities: FederatedIdentitiesTable;
  federation_attempts: FederationAttemptsTable;
  saml_seen_assertions: SamlSeenAssertionsTable;
  saml_sp_keys: SamlSpKeysTable;
  password_reset_policy: PasswordResetPolicyTable;
  password_reset_links: PasswordResetLinksTable;
  account_sessions: AccountSessionsTable;
  service_otps: ServiceOtpsTable;
  otp_clients: OtpClientsTable;
  mfa_failures: MfaFailuresTable;
  known_browsers: KnownBrowsersTable;
  rate_limits: RateLimitsTable;
  server_secrets: ServerSecretsTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  passkeys: PasskeysTable;
  passkey_ceremonies: PasskeyCeremoniesTable;
  passkey_steps: PasskeyStepsTable;
  admin_roles: AdminRolesTable;
  admin_sessions: AdminSessionsTable;
  audit_events: AuditEventsTable;
  audit_outbox: AuditOutboxTable;
  licenses: LicensesTable;
  deployment_profiles: DeploymentProfilesTable;
  profile_user_assignments: ProfileUserAssignmentsTable;
  profile_domain_assignments: ProfileDomainAssignmentsTable;
  profile_pushes: ProfilePushesTable;
  admin_pending_sign_ins: AdminPendingSignInsTable;
}

export type TableName = keyof KeywayTables;
export type Row<T extends TableName> = Selectable<KeywayTables[T]>;
export type NewRow<T extends TableName> = Insertable<KeywayTables[T]>;
export type RowUpdate<T extends TableName> = Updateable<KeywayTables[T]>;

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  /** ISO 8601. */
  applied_at: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface UsersTable {
  id: Generated<number>;
  login_id: string;
  email: string;
  display_name: string;
  password_hash: string;
  sign_in_method: Generated<string>;
  created_at: number;
  password_changed_at: number;
  phone: string | null;
  /** Schema 16: set while an admin has locked the user (server/users/user-lock.ts). */
  locked_at: number | null;
  lock_reason: string | null;
}

export interface UserIdentifiersTable {
  identifier: string;
  display: string;
  user_id: number;
  kind: 'login_id' | 'email' | 'alias';
}

export interface SignInFailuresTable {
  subject: string;
  failures: number;
  locked_until: number | null;
}

export interface DeploymentsTable {
  id: Generated<number>;
  user_id: number;
  secret_hash: string;
  created_at: number;
  expires_at: number;
  redeemed_at: number | null;
  redeemed_by: string | null;
  enrolment_ticket_hash: string | null;
  /** Schema 15: deployment status. */
  opened_at: number | null;
  revoked_at: number | null;
  client_version: string | null;
}

export interface SessionFamiliesTable {
  id: Generated<number>;
  user_id: number;
  installation_id: string | null;
  created_at: number;
  revoked_at: number | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  family_id: number;
  issued_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface AccessTokensTable {
  token_hash: string;
  family_id: number;
  expires_at: number;
}

export interface SignInDomainsTable {
  domain: string;
  method: 'oidc';
  updated_at: number;
}

export interface OidcPayloadsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: number | null;
  consumed_at: number | null;
  account_id: string | null;
}

export interface OidcKeysTable {
  kid: string;
  kind: 'signing' | 'cookie' | 'csrf';
  material: string;
  created_at: number;
}

export interface MfaPolicyTable {
  id: number;
  channels: string;
  mode: 'optional' | 'enforced';
  trust_days: number;
  updated_at: number;
}

export interface MfaAuthenticatorsTable {
  id: string;
  user_id: number;
  name: string;
  sealed_secret: string;
  created_at: number;
  confirmed_at: number | null;
  pending_until: number | null;
  last_step: number | null;
}

export interface MfaChallengesTable {
  id_hash: string;
  user_id: number;
  installation_id: string | null;
  interaction_uid: string | null;
  created_at: number;
  expires_at: number;
  failed_attempts: Generated<number>;
  sends: Generated<number>;
  chosen_channel: string | null;
  code_hmac: string | null;
  code_channel: string | null;
  code_sent_at: number | null;
  code_expires_at: number | null;
  pending_authenticator_id: string | null;
  consumed_at: number | null;
  proven_at: number | null;
}

export interface MfaDevicesTable {
  id: string;
  user_id: number;
  name: string;
  public_key: string;
  created_at: number;
  last_used_at: number | null;
  trusted_until: number;
  revoked_at: number | null;
}

export interface MfaDeviceNoncesTable {
  nonce_hash: string;
  expires_at: number;
}

export interface IdentityProvidersTable {
  id: string;
  display_name: string;
  kind: 'saml' | 'oidc';
  config: string;
  sealed_secret: string | null;
  jit: 0 | 1;
  password_beside: 0 | 1;
  created_at: number;
  updated_at: number;
}

export interface IdentityProviderDomainsTable {
  domain: string;
  provider_id: string;
}

export interface FederatedIdentitiesTable {
  provider_id: string;
  issuer: string;
  subject: string;
  user_id: number;
  created_at: number;
  last_used_at: number;
}

export interface FederationAttemptsTable {
  state_hash: string;
  provider_id: string;
  interaction_uid: string;
  request_id: string | null;
  nonce: string | null;
  code_verifier: string | null;
  created_at: number;
  expires_at: number;
  returned_at: number | null;
  identity: string | null;
  ticket_hash: string | null;
  finished_at: number | null;
}

export interface SamlSeenAssertionsTable {
  provider_id: string;
  assertion_id: string;
  expires_at: number;
}

export interface SamlSpKeysTable {
  kid: string;
  private_key: string;
  certificate: string;
  created_at: number;
}

export interface PasswordResetPolicyTable {
  id: number;
  enabled: 0 | 1;
  link_ttl_minutes: number;
  updated_at: number;
}

export interface PasswordResetLinksTable {
  token_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface AccountSessionsTable {
  id_hash: string;
  user_id: number;
  stage: 'second_factor' | 'signed_in';
  created_at: number;
  expires_at: number;
  deployment_hash: string | null;
}

export interface ServiceOtpsTable {
  id: Generated<number>;
  user_id: number;
  otp_mac: string;
  created_at: number;
  expires_at: number;
  failed_attempts: Generated<number>;
  used_at: number | null;
}

export interface OtpClientsTable {
  id: Generated<number>;
  name: string;
  key_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface MfaFailuresTable {
  user_id: number;
  failures: number;
  locked_until: number | null;
}

export interface KnownBrowsersTable {
  id_hash: string;
  user_id: number;
  created_at: number;
}

export interface RateLimitsTable {
  key_hash: string;
  count: number;
  window_ends_at: number;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: number;
}

export interface MfaRecoveryCodesTable {
  user_id: number;
  /** HMAC-SHA-256 of the normalised code under the MFA key (secret-box.ts codeMac), bound to the user. */
  code_mac: string;
  created_at: number;
  used_at: number | null;
}

/** A user's WebAuthn credential (server/mfa/passkey-store.ts); flags are 0/1. */
export interface PasskeysTable {
  id: string;
  user_id: number;
  credential_id: string;
  public_key: string;
  counter: number;
  transports: string;
  backup_eligible: number;
  backed_up: number;
  aaguid: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

/** A WebAuthn challenge waiting for its answer; only its SHA-256 is kept, and it is deleted when used. */
export interface PasskeyCeremoniesTable {
  challenge_hash: string;
  purpose: string;
  user_id: number | null;
  binding: string;
  user_verification: string;
  created_at: number;
  expires_at: number;
}

/** A single-use browser step page handed to Keyway (an MFA step or adding a passkey). */
export interface PasskeyStepsTable {
  id_hash: string;
  kind: string;
  user_id: number;
  challenge_hash: string | null;
  return_to: string;
  state: string;
  created_at: number;
  expires_at: number;
  result_hash: string | null;
  finished_at: number | null;
  completed_at: number | null;
}

/** Issue 18: who may use the admin console (migration 14). */
export interface AdminRolesTable {
  user_id: number;
  granted_at: number;
}

/** Issue 18: admin console sessions (server/admin-console/admin-sessions.ts). */
export interface AdminSessionsTable {
  id_hash: string;
  user_id: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** A console sign-in past its password, waiting for the second factor (admin-console/admin-sign-ins.ts). */
export interface AdminPendingSignInsTable {
  id_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  type: string;
  actor_kind: 'user' | 'admin' | 'system' | 'anonymous';
  actor: string | null;
  user_id: number | null;
  source_address: string | null;
  user_agent: string | null;
  installation_id: string | null;
  reason: string | null;
  details: string;
}

export interface AuditOutboxTable {
  event_id: number;
  sink: string;
  state: 'pending' | 'dead';
  attempts: number;
  next_attempt_at: number;
  claimed_until: number | null;
  last_error: string | null;
}

/** Schema 15: published licenses (server/licenses). */
export interface LicensesTable {
  version: string;
  text: string;
  published_at: number;
}

/** Schema 15: deployment profiles (server/deployment-profiles); settings are JSON (profile-settings.ts). */
export interface DeploymentProfilesTable {
  id: Generated<number>;
  name: string;
  settings: string;
  pushed_settings: string | null;
  pushed_version: number | null;
  created_at: number;
  updated_at: number;
}

export interface ProfileUserAssignmentsTable {
  user_id: number;
  profile_id: number;
}

export interface ProfileDomainAssignmentsTable {
  domain: string;
  profile_id: number;
}

export interface ProfilePushesTable {
  id: Generated<number>;
  profile_id: number;
  pushed_at: number;
  users: number;
  clients: number;
}
