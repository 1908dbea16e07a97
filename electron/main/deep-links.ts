import { KEYWAY_OIDC_CUSTOM_REDIRECT } from '../../protocol/api';
import { DEEP_LINK_SCHEME, MAX_DEEP_LINK_LENGTH } from '../../protocol/deep-link';

/** The schemes the OS hands to Keyway: deployment links and the OIDC private-use redirect. */
export const HANDLED_SCHEMES = [
  DEEP_LINK_SCHEME,
  KEYWAY_OIDC_CUSTOM_REDIRECT.slice(0, KEYWAY_OIDC_CUSTOM_REDIRECT.indexOf(':')),
];

/**
 * Finds the `keyway://` link the operating system handed to a new process. On Windows and Linux the
 * link arrives as an argument (cold start, or the argv of a `second-instance`); Chromium may add
 * switches around it, so we look for it instead of trusting a position. argv[0] is the executable and
 * is never a link. Oversized arguments are ignored rather than parsed.
 */
export function deepLinkFromArgv(argv: readonly string[]): string | null {
  const prefixes = HANDLED_SCHEMES.map((scheme) => `${scheme}:`);
  for (const arg of argv.slice(1)) {
    const candidate = arg.trim();
    if (candidate.length > MAX_DEEP_LINK_LENGTH) continue;
    if (prefixes.some((prefix) => candidate.toLowerCase().startsWith(prefix))) return candidate;
  }
  return null;
}

/** Arguments for `setAsDefaultProtocolClient`: in development the app path must follow the executable. */
export function protocolClientArgs(
  isDefaultApp: boolean,
  argv: readonly string[],
  resolve: (p: string) => string,
): { executable?: string; args: string[] } {
  // "--" ends option parsing, so a crafted link can never be read as a Chromium or Electron switch.
  const [executable, appPath] = argv;
  if (!isDefaultApp || executable === undefined || appPath === undefined) return { args: ['--'] };
  return { executable, args: [resolve(appPath), '--'] };
}
