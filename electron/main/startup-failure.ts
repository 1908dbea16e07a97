import { KeywayError } from '../../protocol/errors';
import type { MainText } from './main-text';

/** The exit status of a start that failed: anything but 0, so a launcher or a script sees it. */
export const STARTUP_FAILURE_EXIT_CODE = 1;

/** Longest reason shown: a dialog is no place for a stack trace or a megabyte of error text. */
const MAX_REASON_LENGTH = 500;

/**
 * What the start-up failure dialog says (dialog.showErrorBox in main.ts, then exit with
 * {@link STARTUP_FAILURE_EXIT_CODE}): a title, and the content with the reason the start failed. Without
 * it an exception at start-up left a process with no window holding the single-instance lock, so every
 * later launch silently handed over to it.
 */
export function startupFailureText(error: unknown, text: MainText): { title: string; content: string } {
  return { title: text.startupFailedTitle, content: `${text.startupFailedMessage}\n\n${reasonOf(error, text)}` };
}

function reasonOf(error: unknown, text: MainText): string {
  let reason = '';
  if (error instanceof KeywayError) reason = `${clean(error.message)} (${error.code})`;
  else if (error instanceof Error) reason = clean(error.message);
  else if (typeof error === 'string') reason = clean(error);
  if (reason === '') return text.startupFailedUnknown;
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
}

/** Control characters (a terminal escape, a NUL from a damaged file) are not shown; whitespace runs collapse. */
function clean(value: string): string {
  const visible = Array.from(value, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 || (code >= 0x7f && code <= 0x9f) ? ' ' : char;
  }).join('');
  return visible.replace(/\s+/g, ' ').trim();
}
