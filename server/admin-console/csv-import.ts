import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { KeywayError } from '../../protocol/errors';
import type { AdminService, CreateUserInput } from '../admin/admin-service';
import { identifierKey } from '../users/identifiers';

/** One CSV row's verdict: on a dry run "valid" or its error; on an import, also whether it was created. */
export interface ImportRow {
  /** The row's line number in the file (the header is line 1). */
  line: number;
  loginId: string;
  error?: string | undefined;
  created?: boolean | undefined;
}

/** 1,000 rows per import: each creation hashes a password (argon2), a few hundred ms of CPU each. */
const MAX_IMPORT_ROWS = 1000;

const Row = z.object({
  loginId: z.string().default(''),
  email: z.string().default(''),
  displayName: z.string().default(''),
  phone: z.string().optional(),
  aliases: z.string().optional(),
});

/**
 * Reads the CSV with csv-parse (RFC 4180 quoting, a header row naming the columns) into createUser
 * inputs. Throws `invalid_input` naming the line when the file itself cannot be read.
 */
export function readImportCsv(text: string): { line: number; input: CreateUserInput }[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: false,
      // A column the file does not know is a mistake worth naming, not data to drop silently.
      relax_column_count: false,
    });
  } catch (error) {
    throw new KeywayError('invalid_input', error instanceof Error ? error.message : String(error));
  }
  if (records.length > MAX_IMPORT_ROWS) {
    throw new KeywayError(
      'invalid_input',
      `A CSV import takes at most ${MAX_IMPORT_ROWS} rows; this one has ${records.length}.`,
    );
  }
  const known = new Set(['loginId', 'email', 'displayName', 'phone', 'aliases']);
  const unknown = Object.keys(records[0] ?? {}).filter((column) => !known.has(column));
  if (unknown.length > 0) {
    throw new KeywayError(
      'invalid_input',
      `Unknown column "${unknown[0]}": use loginId, email, displayName, phone, aliases.`,
    );
  }
  return records.map((record, index) => {
    const row = Row.parse(record);
    const phone = row.phone === undefined || row.phone === '' ? undefined : row.phone;
    const aliases = (row.aliases ?? '').split(/\s+/).filter((alias) => alias !== '');
    return {
      // Line numbers count the header; a quoted field spanning lines is rare in a user list.
      line: index + 2,
      input: { loginId: row.loginId, email: row.email, displayName: row.displayName, phone, aliases },
    };
  });
}

/**
 * Checks every row as createUser would (the same validation as the CLI) and against the rows above it,
 * writing nothing. The import runs only when every row passes (`importRows`).
 */
export async function checkRows(
  admin: AdminService,
  rows: { line: number; input: CreateUserInput }[],
): Promise<ImportRow[]> {
  const claimed = new Map<string, number>();
  const verdicts: ImportRow[] = [];
  for (const { line, input } of rows) {
    let error: string | undefined;
    try {
      await admin.checkNewUser(input);
      for (const name of [input.loginId, input.email, ...(input.aliases ?? [])]) {
        const earlier = claimed.get(identifierKey(name));
        if (earlier !== undefined)
          throw new KeywayError('invalid_input', `The name "${name}" is also on line ${earlier}.`);
      }
    } catch (caught) {
      if (!(caught instanceof KeywayError)) throw caught;
      error = caught.message;
    }
    for (const name of [input.loginId, input.email, ...(input.aliases ?? [])]) {
      if (!claimed.has(identifierKey(name))) claimed.set(identifierKey(name), line);
    }
    verdicts.push({ line, loginId: input.loginId, ...(error === undefined ? {} : { error }) });
  }
  return verdicts;
}

/** Creates each row's user (welcome e-mail with a generated password); a row that fails now is reported. */
export async function importRows(
  admin: AdminService,
  rows: { line: number; input: CreateUserInput }[],
): Promise<ImportRow[]> {
  const results: ImportRow[] = [];
  for (const { line, input } of rows) {
    try {
      await admin.createUser({ ...input, password: undefined });
      results.push({ line, loginId: input.loginId, created: true });
    } catch (error) {
      results.push({ line, loginId: input.loginId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}
