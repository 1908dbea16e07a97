import { KeywayError } from './errors';

/** The custom URL scheme Keyway registers with the operating system: `keyway://…`. */
export const DEEP_LINK_SCHEME = 'keyway';

/**
 * The one length limit for a link or code, wherever it comes from: argv, `second-instance`, macOS
 * `open-url`, the harness hand-over, the Welcome paste field (the IPC contract and the field use it too).
 * A real deployment link is under 200 characters; longer input is refused before any parsing.
 */
export const MAX_DEEP_LINK_LENGTH = 4096;

export function linkTooLong(length: number): KeywayError {
  return new KeywayError(
    'link_too_long',
    `This link is far too long to be a Keyway link (${length} characters; a Keyway link has fewer than ${MAX_DEEP_LINK_LENGTH}). Open the link from your deployment e-mail again, or paste its code.`,
  );
}

/**
 * What every entry point does with a link the operating system (or another Keyway start) handed over,
 * before core sees it: a link within the limit goes on, a longer one is refused with `link_too_long`
 * and only its length is kept (never its text, which would be echoed into a screen).
 */
export function admitDeepLink(raw: string): { ok: true; url: string } | { ok: false; error: KeywayError } {
  const url = raw.trim();
  if (url.length > MAX_DEEP_LINK_LENGTH) return { ok: false, error: linkTooLong(url.length) };
  return { ok: true, url };
}
