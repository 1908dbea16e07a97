import { createHash } from 'node:crypto';
import { closeSync, openSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * The harness's version of Electron's single-instance lock: one harness per profile. The lock is the
 * listening socket itself (a file in the owner-only profile folder; a named pipe on Windows): whoever
 * listens on it is the instance, and a later start hands its deep link over it (like
 * `second-instance`) and exits. Two starts at the same moment cannot both win: listening on an
 * existing socket fails, and a socket left by a killed harness is removed only after it was seen not
 * answering twice, under a takeover guard that one start at a time can hold.
 */
const MAX_MESSAGE_BYTES = 64 * 1024;
/**
 * Longer than any link is allowed to be, on purpose: the receiving harness refuses an oversized link
 * through the app's own gate (admitDeepLink, `link_too_long`) so the user is told, instead of the
 * hand-over dropping it silently. Beyond this, the message is not one of ours.
 */
export const MAX_HANDOVER_LENGTH = 32 * 1024;
const Message = z.strictObject({ openUrl: z.string().max(MAX_HANDOVER_LENGTH).nullable() });
/** A guard older than this was left by a start that died while taking over; it is removed. */
const STALE_GUARD_MS = 5_000;

function socketPathFor(profileDir: string): string {
  if (process.platform === 'win32') {
    return `\\\\.\\pipe\\keyway-harness-${createHash('sha256').update(path.resolve(profileDir)).digest('hex').slice(0, 16)}`;
  }
  return path.join(profileDir, 'harness.sock');
}

export interface InstanceLock {
  /** Stops listening; the socket file goes with it, so nothing is left behind. */
  close(): void;
}

/**
 * Becomes the one harness for `profileDir` and passes later starts' links to `onLink`, in order; or,
 * when another harness already is, hands it `openUrl` and resolves null.
 */
export async function claimInstance(
  profileDir: string,
  openUrl: string | null,
  onLink: (url: string | null) => void,
): Promise<InstanceLock | null> {
  const socketPath = socketPathFor(profileDir);
  for (let attempt = 0; attempt < 200; attempt++) {
    const server = await listen(socketPath, onLink);
    if (server !== null) return { close: () => server.close() };
    if (await handOver(socketPath, openUrl)) return null;
    // Nobody answered: a socket left by a killed harness, or one that is starting this very moment.
    await removeIfStale(socketPath);
  }
  throw new Error(`Another Keyway harness keeps the profile ${profileDir} busy; stop it and try again.`);
}

/** Listens on the socket, or resolves null when it exists already (another instance, or a stale file). */
function listen(socketPath: string, onLink: (url: string | null) => void): Promise<net.Server | null> {
  const server = net.createServer((socket) => {
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
      if (data.length > MAX_MESSAGE_BYTES) socket.destroy();
    });
    socket.on('end', () => {
      try {
        const message = Message.safeParse(JSON.parse(data));
        if (message.success) onLink(message.data.openUrl);
      } catch {
        // Not JSON: not one of ours. Ignore it.
      }
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(null);
      else reject(error);
    });
    server.listen(socketPath, () => resolve(server));
  });
}

/** Resolves true when a running harness took the link, false when nobody listens on the socket. */
function handOver(socketPath: string, openUrl: string | null): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => socket.end(JSON.stringify({ openUrl })));
    socket.once('close', (hadError) => resolve(!hadError));
    socket.once('error', () => resolve(false));
  });
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Removes the socket file if it still does not answer a moment later (a harness binds and listens in
 * one step, so a live one answers by then). One start at a time may do this, under `<socket>.takeover`;
 * the others wait and try again. Windows pipes vanish with their process, so there is nothing to do.
 */
async function removeIfStale(socketPath: string): Promise<void> {
  const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  if (process.platform === 'win32') return pause(50);
  const guard = `${socketPath}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, 'wx', 0o600);
  } catch {
    const age = Date.now() - (statSafe(guard)?.mtimeMs ?? Date.now());
    if (age > STALE_GUARD_MS) rmSync(guard, { force: true });
    return pause(20 + Math.random() * 30);
  }
  try {
    await pause(50);
    if (!(await answers(socketPath))) rmSync(socketPath, { force: true });
  } finally {
    closeSync(fd);
    rmSync(guard, { force: true });
  }
}

function statSafe(file: string): { mtimeMs: number } | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}
