import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Temp files are `<file>.<pid>-<random>.tmp` beside their target (ours), or `<file>.tmp-<10 digits><6 hex>`
 * (atomically's, under conf: node_modules/atomically/dist/utils/temp.js), so a crash leaves them recognizable.
 */
const TEMP_PATTERN = /^(?:\.\d+-[0-9a-f]{12}\.tmp|\.tmp-\d{10}[0-9a-f]{6})$/;

/**
 * Replaces `file` with `data` so that a reader, or a crash at any instant, sees the old content or the
 * new, never a mix or a truncated file: the data goes to a temp file in the same folder, is flushed to
 * the disk, and is renamed over the target (atomic within one file system); then the folder entry is
 * flushed too, so the rename itself survives a power cut.
 */
export async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  const temp = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(path.dirname(file));
}

/** Removes temp files a killed process left beside `file` (call only while no write can be running). */
export async function removeStaleTempFiles(file: string): Promise<void> {
  const base = path.basename(file);
  const names = await readdir(path.dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(base) && TEMP_PATTERN.test(name.slice(base.length))) {
      await unlink(path.join(path.dirname(file), name)).catch(() => undefined);
    }
  }
}

/**
 * On Windows a rename over a file that an antivirus or indexer holds open fails for a moment with
 * EPERM/EACCES/EBUSY; it succeeds once they let go. Elsewhere the first attempt decides.
 */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const transient = code === 'EPERM' || code === 'EACCES' || code === 'EBUSY';
      if (process.platform !== 'win32' || !transient || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Best effort: Windows cannot open a folder for flushing, and there the rename is durable already. */
export async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems refuse fsync on a folder; the data itself is already flushed.
  }
}
