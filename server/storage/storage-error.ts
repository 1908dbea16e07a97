/** Stable codes for why the server or the admin CLI cannot use the database it was given. */
export type StorageErrorCode = 'database_url_invalid' | 'database_migrations_pending' | 'database_newer_schema';

/** A database problem found at start; the CLI prints the message, programs branch on `code`. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}
