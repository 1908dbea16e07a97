import { KeywayError } from '../../protocol/errors';
import type { SmtpOptions } from '../config';

/**
 * Reads `smtp://[user:pass@]host[:port]` (STARTTLS required) or `smtps://…` (TLS from the start).
 * `insecure` (the CLI's --smtp-insecure, or `?insecure=yes` in a stored URL) lets mail go out without
 * TLS when the relay offers none.
 */
export function parseSmtpUrl(text: string, insecure = false): SmtpOptions {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new KeywayError('invalid_input', `"${text}" is not a URL; expected smtp://host:port.`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new KeywayError('invalid_input', `The SMTP URL must start with smtp:// or smtps://, not ${url.protocol}//.`);
  }
  if (url.hostname === '') throw new KeywayError('invalid_input', 'The SMTP URL names no host.');
  const secure = url.protocol === 'smtps:';
  const query = [...url.searchParams.keys()];
  if (query.some((key) => key !== 'insecure') || !['', 'yes'].includes(url.searchParams.get('insecure') ?? '')) {
    throw new KeywayError('invalid_input', 'The SMTP URL takes no query other than insecure=yes.');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const options: SmtpOptions = { host, port: url.port === '' ? (secure ? 465 : 25) : Number(url.port), secure };
  if (insecure || url.searchParams.get('insecure') === 'yes') options.insecure = true;
  if (url.username !== '') {
    options.auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
  }
  return options;
}

/** The relay's URL without credentials: what may be written to the data dir and shown to people. */
export function smtpUrlWithoutCredentials(smtp: SmtpOptions): string {
  const host = smtp.host.includes(':') ? `[${smtp.host}]` : smtp.host;
  return `${smtp.secure === true ? 'smtps' : 'smtp'}://${host}:${smtp.port}${smtp.insecure === true ? '?insecure=yes' : ''}`;
}
