/** The custom URL scheme Keyway registers with the operating system: `keyway://…`. */
export const DEEP_LINK_SCHEME = 'keyway';

/** No deep link is longer than this; longer input is refused before any parsing. */
export const MAX_DEEP_LINK_LENGTH = 4096;
