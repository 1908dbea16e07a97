import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import Conf, { type Options as ConfOptions } from 'conf';
import { KeywayError } from '../../../protocol/errors';
import type { SettingsRecovery, SettingsStore } from '../ports';
import { removeStaleTempFiles, syncDirectory, writeFileAtomic } from '../settings/atomic-file';
import { migrateSettings } from '../settings/migrations';
import type { Settings } from '../settings/schema';
import { parseSettingsText, serializeSettings, type ParsedSettings } from '../settings/settings-text';

/** The part of conf (and of electron-store, its Electron subclass) this store uses. */
interface SettingsDocument {
  store: Record<string, unknown>;
}
/** Makes the library's store: `conf` in the harness and tests, `electron-store` in the app. */
export type SettingsDocumentFactory = (options: ConfOptions<Record<string, unknown>>) => SettingsDocument;

const confFactory: SettingsDocumentFactory = (options) => new Conf(options);

/**
 * The one configuration of the library, for the app and the harness alike, so both write the same file
 * the same way. Keyway's zod schema and its versioned migrations (settings/*) are the format: they run
 * as the library's (de)serializer, so nothing unparsed is ever written. Deliberately not used, with the
 * reason (conf 15.1.0, dist/source/index.js):
 * - `clearInvalidConfig` stays false (its default, `#prepareOptions`): with it, `get store()` answers a
 *   SyntaxError or "Config schema violation" with an empty store, and the next write would replace the
 *   user's profiles. Our deserializer throws a KeywayError, which that branch never clears either way.
 *   Damage is handled here instead, before the library opens the file (kept aside, last good copy).
 * - no `schema` (ajv with `useDefaults`, which fills and rewrites data) and no `migrations` (keyed by
 *   the app's semver and recorded under `__internal__` in the file, which the strict schema refuses).
 * - `configFileMode` 0o600 (the default is 0o666): settings name the user and their servers.
 * Writes are the library's: atomically's temp file + fsync + rename (`_write`); the folder entry is then
 * flushed here, as writeFileAtomic does.
 */
export function settingsDocumentOptions(directory: string): ConfOptions<Record<string, unknown>> {
  return {
    cwd: directory,
    configName: SETTINGS_FILE.replace(/\.json$/, ''),
    fileExtension: 'json',
    clearInvalidConfig: false,
    configFileMode: 0o600,
    accessPropertiesByDotNotation: false,
    watch: false,
    serialize: (value) => serializeSettings(value as Settings),
    deserialize: (text) => {
      const parsed = parseSettingsText(text);
      if (parsed.kind === 'damaged')
        throw new KeywayError('settings_corrupt', `The settings file is damaged: ${parsed.reason}.`);
      return parsed.settings;
    },
  };
}

export const SETTINGS_FILE = 'settings.json';
/** The last good copy: the same text as the last successful write (or read), kept beside it. */
const BACKUP_SUFFIX = '.bak';
/** A damaged file is kept aside as `settings.json.corrupt-<time>` for support; never deleted. */
const DAMAGED_INFIX = '.corrupt-';

/**
 * Settings in `<directory>/settings.json`, shared by the harness and Electron (which passes its
 * userData folder). Writes are atomic (temp file + flush + rename) and keep a last good copy; opening
 * a damaged file (empty, truncated, not JSON, schema-invalid) moves it aside, restores the last good
 * copy (or starts fresh when there is none) and reports that once through `takeRecovery`.
 *
 * The file is read once per run and then served from memory: only one Keyway runs per profile, and
 * what it wrote last is what it would read back.
 */
export function createFileSettingsStore(
  directory: string,
  clock: () => number = Date.now,
  makeDocument: SettingsDocumentFactory = confFactory,
): SettingsStore {
  const file = path.join(directory, SETTINGS_FILE);
  const backup = `${file}${BACKUP_SUFFIX}`;
  let document: SettingsDocument | null = null;
  let current: Promise<Settings> | null = null;
  let recovery: SettingsRecovery | null = null;
  // Writes land in the order they were asked for, so an older state can never overwrite a newer one.
  let writes: Promise<void> = Promise.resolve();

  const open = async (): Promise<Settings> => {
    await io('read', () => mkdir(directory, { recursive: true, mode: 0o700 }));
    // Both files' temp files: a kill during a save can land in the last good copy's write too.
    await removeStaleTempFiles(file);
    await removeStaleTempFiles(backup);
    const main = await readCandidate(file);
    if (main.kind === 'good') {
      await keepBackup(backup, main.text);
      await openDocument();
      return main.settings;
    }
    const damagedCopy = main.kind === 'damaged' ? await keepAside(file, clock()) : null;
    const saved = await readCandidate(backup);
    if (saved.kind === 'good') {
      // The damaged file is aside: the library opens an empty place and writes the good copy into it.
      const opened = await openDocument();
      await io('write', async () => {
        opened.store = saved.settings;
        await syncDirectory(directory);
      });
      recovery = { outcome: 'restored', savedAt: saved.savedAt, damagedCopy };
      return saved.settings;
    }
    const damagedBackup = saved.kind === 'damaged' ? await keepAside(backup, clock()) : null;
    // No file at all is simply a new installation; anything else lost the user's settings.
    if (main.kind === 'damaged' || damagedBackup !== null) {
      recovery = { outcome: 'reset', savedAt: null, damagedCopy: damagedCopy ?? damagedBackup };
    }
    await openDocument();
    return migrateSettings({});
  };

  /** Opens the library's store on a file known to be good or absent (its constructor reads it). */
  const openDocument = (): Promise<SettingsDocument> =>
    io('read', () => Promise.resolve((document = makeDocument(settingsDocumentOptions(directory)))));

  const save = async (settings: Settings): Promise<void> => {
    const text = serializeSettings(settings);
    const target = document ?? (await openDocument());
    await io('write', async () => {
      // Keyway's own validation first (above): the library never gets settings it could not read back.
      target.store = structuredClone(settings);
      await syncDirectory(directory);
    });
    current = Promise.resolve(structuredClone(settings));
    // After the file itself, and never failing the save: a copy one save older is still a good copy.
    await writeFileAtomic(backup, text).catch(() => undefined);
  };

  return {
    read: () => {
      current ??= open().catch((error: unknown) => {
        current = null; // a refusal (a newer Keyway's file, a permission problem) is asked again next time
        throw error;
      });
      return current.then((settings) => structuredClone(settings));
    },
    write: (settings) => {
      const done = writes.then(() => save(settings));
      writes = done.catch(() => undefined);
      return done;
    },
    takeRecovery: () => {
      const taken = recovery;
      recovery = null;
      return taken;
    },
  };

  async function readCandidate(
    candidate: string,
  ): Promise<
    | { kind: 'missing' }
    | { kind: 'damaged'; reason: string }
    | (Extract<ParsedSettings, { kind: 'good' }> & { text: string; savedAt: number })
  > {
    let text: string;
    let savedAt: number;
    try {
      text = await readFile(candidate, 'utf8');
      savedAt = (await stat(candidate)).mtimeMs;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw unreadable(candidate, error);
    }
    const parsed = parseSettingsText(text);
    return parsed.kind === 'good' ? { ...parsed, text, savedAt: Math.round(savedAt) } : parsed;
  }
}

/**
 * Refreshes the last good copy when it differs from the file just read (first run, or an older copy).
 * Best effort: a settings file that reads fine is no reason to refuse to start.
 */
async function keepBackup(backup: string, text: string): Promise<void> {
  const existing = await readFile(backup, 'utf8').catch(() => null);
  if (existing !== text) await writeFileAtomic(backup, text).catch(() => undefined);
}

/** Renames a damaged file to `<name>.corrupt-<time>` (unique), and returns that name. */
async function keepAside(file: string, now: number): Promise<string> {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  for (let n = 0; ; n++) {
    const target = `${file}${DAMAGED_INFIX}${stamp}${n === 0 ? '' : `-${n}`}`;
    const taken = await stat(target).then(
      () => true,
      () => false,
    );
    if (taken) continue;
    await io('write', () => rename(file, target));
    return path.basename(target);
  }
}

/** Runs a file operation; an operating-system failure becomes an error a person can act on. */
async function io<T>(kind: 'read' | 'write', operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof KeywayError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    const reason =
      code === 'ENOSPC' || code === 'EDQUOT'
        ? 'the disk is full'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'the folder is not writable'
          : code;
    if (kind === 'read') throw new KeywayError('settings_corrupt', `Keyway cannot read its settings (${reason}).`);
    throw new KeywayError(
      'settings_unwritable',
      `Keyway could not save its settings (${reason}). Free some disk space or check the folder’s permissions, then try again.`,
      { cause: error },
    );
  }
}

function unreadable(file: string, error: unknown): KeywayError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  return new KeywayError('settings_corrupt', `Keyway cannot read its settings file ${file} (${code}).`, {
    cause: error,
  });
}
