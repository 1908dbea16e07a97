import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { KeywayCore } from '../core/keyway-core';
import { attachSocketBridge } from './socket-bridge';
import { createStaticSite } from './static-site';

/**
 * The browser harness: electron/core running in Node, the renderer served to any browser, the IPC
 * contract over a WebSocket. What `npm start` falls back to when no Electron binary is installed, and
 * what the end-to-end tests drive.
 */

const Options = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  rendererDir: z.string().min(1),
  open: z.boolean(),
  openUrl: z.string().optional(),
});

function readOptions(): z.infer<typeof Options> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.KEYWAY_HARNESS_PORT ?? '5180' },
      'renderer-dir': { type: 'string', default: path.join(import.meta.dirname, '..', 'renderer') },
      open: { type: 'boolean', default: false },
      'open-url': { type: 'string' },
    },
    strict: true,
  });
  const parsed = Options.safeParse({
    port: values.port,
    rendererDir: values['renderer-dir'],
    open: values.open,
    openUrl: values['open-url'],
  });
  if (!parsed.success) {
    throw new Error(
      `Invalid harness option: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

async function main(): Promise<void> {
  const options = readOptions();
  if (!existsSync(path.join(options.rendererDir, 'index.html'))) {
    throw new Error(`No built renderer in ${options.rendererDir}; run "npm run build" first.`);
  }
  const core = new KeywayCore();
  let port = options.port;
  const origins = (): string[] => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const server = createServer(createStaticSite(options.rendererDir, () => port));
  attachSocketBridge(server, core, origins);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the harness serves a sign-in engine and must never be reachable from the network.
    server.listen(options.port, '127.0.0.1', resolve);
  });
  port = (server.address() as AddressInfo).port;
  if (options.openUrl) core.openDeepLink(options.openUrl);

  const url = `http://127.0.0.1:${port}/`;
  console.log(`Keyway harness ready: ${url}`);
  if (options.open) openInBrowser(url);

  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function openInBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => console.log(`Open ${url} in your browser.`));
  child.unref();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
