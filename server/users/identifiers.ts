/**
 * The key a sign-in name is looked up by: Unicode-normalized and case-folded, so "Ana@Example.com",
 * "ana@example.com" and a full-width variant all find the same user.
 */
export function identifierKey(name: string): string {
  return name.trim().normalize('NFKC').toLowerCase();
}
