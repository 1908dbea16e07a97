/**
 * Keychain account names. Scoped by installation so two profiles (or parallel test runs) on one
 * keychain never read each other's secrets, and by server origin so forgetting a server is exact.
 */
export const KEYCHAIN_SERVICE = 'Keyway';

export function refreshTokenAccount(installationId: string, origin: string): string {
  return `${installationId}:${origin}:refresh-token`;
}
