/** Stable codes for why the server or the admin CLI cannot use the database it was given. */
export type StorageErrorCode =
  'database_url_invalid' | 'database_migrations_pending' | 'database_newer_schema' | 'database_engine_unsupported';

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

/**
 * Until every store runs on the asynchronous storage layer (issue 16), PostgreSQL can be migrated but not
 * yet served or administered; saying so is better than failing half-way through a request.
 */
export function postgresNotServedYet(): StorageError {
  return new StorageError(
    'database_engine_unsupported',
    'This build migrates a PostgreSQL database ("migrate --database postgres://…") but serves and administers ' +
      'SQLite only: the remaining stores are being moved to the asynchronous storage layer (issue 16).',
  );
}
