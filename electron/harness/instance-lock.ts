import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * The harness's version of Electron's single-instance lock: one harness per profile. A second start
 * hands its deep link to the running one over a local socket (like `second-instance`) and exits.
 */
const Message = z.strictObject({ openUrl: z.string().max(8192).nullable() });
const MAX_MESSAGE_BYTES = 16 * 1024;

export function socketPathFor(profileDir: string): string {
  if (process.platform === 'win32') {
    return `\\\\.\\pipe\\keyway-harness-${createHash('sha256').update(path.resolve(profileDir)).digest('hex').slice(0, 16)}`;
  }
  return path.join(profileDir, 'harness.sock');
}

/** Resolves true when a running harness took the link, false when there is none (we are primary). */
export function forwardToRunningInstance(profileDir: string, openUrl: string | null): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPathFor(profileDir));
    socket.once('connect', () => socket.end(JSON.stringify({ openUrl })));
    socket.once('close', (hadError) => resolve(!hadError));
    socket.once('error', () => resolve(false));
  });
}

/** Listens for later starts; each delivers its link (or null: just "show yourself") in order. */
export async function listenForOtherInstances(
  profileDir: string,
  onLink: (url: string | null) => void,
): Promise<net.Server> {
  const socketPath = socketPathFor(profileDir);
  // Nobody answered on it, so a leftover socket file is stale (a killed harness).
  if (process.platform !== 'win32') rmSync(socketPath, { force: true });
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
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  return server;
}
