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

/**
 * The kind of a `keyway://<kind>?…` link: its host, lower-cased (a custom scheme's host keeps its case in
 * WHATWG URL parsing, and `keyway://DEPLOY?…` has always opened). Null when the text is not a parsable
 * `keyway:` URL; core hands such text to the deployment parser, which words what is wrong with it (or
 * reads it as the e-mail's landing link). Only the kind is read here; each kind's parser checks the rest.
 */
export function deepLinkKind(url: string): string | null {
  if (url.slice(0, DEEP_LINK_SCHEME.length + 1).toLowerCase() !== `${DEEP_LINK_SCHEME}:`) return null;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** A `keyway://` link to something Keyway does not do. Its kind is said only when it is a short, plain name. */
export function unknownDeepLink(kind: string): KeywayError {
  const showable = kind.length > 0 && kind.length <= 40 && /^[a-z0-9.-]+$/.test(kind);
  return new KeywayError(
    'link_malformed',
    showable
      ? `This Keyway link asks for "${kind}", which this version of Keyway does not do. Open the link from your deployment e-mail again, or paste its code.`
      : 'This Keyway link asks for something this version of Keyway does not do. Open the link from your deployment e-mail again, or paste its code.',
  );
}
