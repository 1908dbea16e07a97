/** Where the OpenID Provider is mounted on the reference server; its issuer is the origin plus this. */
export const OIDC_MOUNT_PATH = '/oidc';

export function oidcIssuer(origin: string): string {
  return `${origin}${OIDC_MOUNT_PATH}`;
}
