import { KEYWAY_OIDC_CUSTOM_REDIRECT } from '../../protocol/api';
import { admitDeepLink, DEEP_LINK_SCHEME } from '../../protocol/deep-link';
import type { KeywayErrorShape } from '../../protocol/errors';

/** The schemes the OS hands to Keyway: deployment links and the OIDC private-use redirect. */
export const HANDLED_SCHEMES = [
  DEEP_LINK_SCHEME,
  KEYWAY_OIDC_CUSTOM_REDIRECT.slice(0, KEYWAY_OIDC_CUSTOM_REDIRECT.indexOf(':')),
];

/**
 * Finds the `keyway://` link the operating system handed to a new process. On Windows and Linux the
 * link arrives as an argument (cold start, or the argv of a `second-instance`); Chromium may add
 * switches around it and reorder them ("The order might change and additional arguments might be
 * appended": https://www.electronjs.org/docs/latest/api/app#event-second-instance), so we look for it
 * instead of trusting a position. Only a whole argument that starts with a handled scheme counts: a
 * switch whose value embeds `keyway://` (`--x=keyway://…`) is not a link. argv[0] is the executable and
 * is never a link. An oversized link is found all the same: `deliverDeepLink` refuses it, and says so.
 */
export function deepLinkFromArgv(argv: readonly string[]): string | null {
  const prefixes = HANDLED_SCHEMES.map((scheme) => `${scheme}:`);
  for (const arg of argv.slice(1)) {
    const candidate = arg.trim();
    if (prefixes.some((prefix) => candidate.slice(0, 32).toLowerCase().startsWith(prefix))) return candidate;
  }
  return null;
}

/** What a link is delivered to: core (KeywayCore implements both). */
export interface DeepLinkSink {
  openDeepLink(url: string): void;
  refuseDeepLink(error: KeywayErrorShape): void;
}

/**
 * The one gate every entry point of the app passes a link through (cold-start argv, `second-instance`,
 * macOS `open-url`): within the length limit it goes to core, beyond it core only hears that a link
 * was refused (`link_too_long`), never its text.
 */
export function deliverDeepLink(raw: string, sink: DeepLinkSink): void {
  const admitted = admitDeepLink(raw);
  if (admitted.ok) sink.openDeepLink(admitted.url);
  else sink.refuseDeepLink(admitted.error.toShape());
}
