import type { ErrorCode } from '../../../electron/ipc/client-errors';
import type { en } from './en';

/** The English source's shape with any text at the leaves. */
type Shape<T> = { readonly [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

/**
 * The one mapping from an error to what a translated screen shows: a message for every code a user can
 * meet, whichever side raised it (the server's wire codes, protocol's parsers' and the client's own;
 * electron/ipc/client-errors.ts), and when to try again. English has no such list: it shows core's words.
 * The wire codes' texts are protocol's one table (protocol/error-texts.ts), which the server's pages show too.
 */
export type ErrorStrings = Readonly<Record<ErrorCode, string>> & {
  /** Appended when the error says how long to wait; `{{duration}}` is e.g. "30 seconds". */
  readonly retryAfter: string;
};

/** What every translation must provide, exactly: the English keys, and a message for every error code. */
export type Translation = Shape<Omit<typeof en, 'errors'>> & { readonly errors: ErrorStrings };
