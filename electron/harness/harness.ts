import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createFileSettingsStore } from '../core/adapters/file-settings-store';
import { createKeytarSecretStore } from '../core/adapters/keytar-secret-store';
import { KeywayCore } from '../core/keyway-core';
import { posixLanguages } from '../core/language';
import { loadMachinePolicy } from '../core/machine-policy/load';
import { encodeEvent } from '../ipc/dispatcher';
import type { EventEnvelope } from '../ipc/wire';
import { admitDeepLink } from '../../protocol/deep-link';
import { claimInstance, MAX_HANDOVER_LENGTH } from './instance-lock';
import { attachSocketBridge } from './socket-bridge';
import { createStaticSite } from './static-site';

/**
 * The browser harness: electron/core running in Node with the real keychain (keytar) and a settings
 * file, the renderer served to any browser, the IPC contract over a WebSocket. What `npm start` falls
 * back to when no Electron binary is installed, and what the end-to-end tests drive.
 */

const Options = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  rendererDir: z.string().min(1),
  profileDir: z.string().min(1),
  open: z.boolean(),
  /** Capped loosely: a link over the limit is refused by admitDeepLink with its own message, as in the app. */
  openUrl: z.string().max(MAX_HANDOVER_LENGTH).nullable(),
  /** The "OS" languages, most preferred first: `--lang fr-FR,en`, else the process's POSIX locale. */
  languages: z.array(z.string().min(1).max(35)).max(20),
});

function readOptions(): z.infer<typeof Options> {
  const { values, positionals } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.KEYWAY_HARNESS_PORT ?? '5180' },
      'renderer-dir': { type: 'string', default: path.join(import.meta.dirname, '..', 'renderer') },
      profile: { type: 'string', default: process.env.KEYWAY_PROFILE_DIR ?? path.join('.keyway-dev', 'profile') },
      open: { type: 'boolean', default: false },
      'open-url': { type: 'string' },
      lang: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  // Like the Electron app, a `keyway://` link may also come as a bare argument.
  const openUrl = values['open-url'] ?? positionals.find((arg) => /^(keyway|dev\.keyway\.app):/i.test(arg)) ?? null;
  const parsed = Options.safeParse({
    port: values.port,
    rendererDir: values['renderer-dir'],
    profileDir: values.profile,
    open: values.open,
    openUrl,
    languages: values.lang === undefined ? posixLanguages(process.env) : values.lang.split(',').map((t) => t.trim()),
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
  mkdirSync(options.profileDir, { recursive: true, mode: 0o700 });
  // Claim the profile before anything else: of two starts at once, one becomes the instance and the
  // other hands it its link. Links handed over before core exists wait, after our own cold-start link.
  const early: (string | null)[] = [];
  let deliver = (url: string | null): void => void early.push(url);
  const lock = await claimInstance(options.profileDir, options.openUrl, (url) => deliver(url));
  if (lock === null) {
    console.log('Keyway is already running for this profile; handed the link to it.');
    return;
  }
  // However the process ends, the socket goes with it (closing unlinks it synchronously).
  process.once('exit', () => lock.close());

  // The harness's "system browser" is a new tab opened by the page itself (see the openExternal event).
  let broadcast: (event: EventEnvelope) => number = () => 0;
  // The same machine policy as the app; the harness is a test tool (never packaged), so KEYWAY_POLICY_FILE
  // may override the platform's place, as in a development build of the app.
  const { corePolicy } = await loadMachinePolicy({ read: { allowPolicyFileOverride: true } });
  const appVersion = packageVersion();
  const core = new KeywayCore({
    plainHttpLoopback: true,
    secrets: createKeytarSecretStore(),
    settings: createFileSettingsStore(options.profileDir),
    fetch: globalThis.fetch,
    clock: { now: () => Date.now() },
    policy: corePolicy,
    systemLanguages: options.languages,
    // Sent on redeem, like the app's app.getVersion(), so the admin sees which client version redeemed.
    ...(appVersion === undefined ? {} : { appVersion }),
    browser: {
      open: (url) => {
        if (broadcast(encodeEvent('openExternal', { url })) === 0)
          console.log(`Open this URL in your browser to sign in: ${url}`);
        return Promise.resolve();
      },
    },
  });

  let port = options.port;
  const origins = (): string[] => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const server = createServer(createStaticSite(options.rendererDir, () => port));
  broadcast = attachSocketBridge(server, core, origins).broadcast;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the harness serves a sign-in engine and must never be reachable from the network.
    server.listen(options.port, '127.0.0.1', resolve);
  });
  port = (server.address() as AddressInfo).port;

  // Cold start: a link given on the command line is handled once core has read its settings.
  // Every link, from the command line or handed over by a later start, passes the app's one gate.
  deliver = (url) => {
    if (url === null) return;
    const admitted = admitDeepLink(url);
    if (admitted.ok) core.openDeepLink(admitted.url);
    else core.refuseDeepLink(admitted.error.toShape());
  };
  if (options.openUrl !== null) deliver(options.openUrl);
  for (const url of early.splice(0)) deliver(url);
  void core.start();

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

/**
 * This Keyway's version as the app reports it: Electron's app.getVersion() is package.json's "version"
 * (https://www.electronjs.org/docs/latest/api/app#appgetversion). The harness runs from the repository
 * (dist/harness/harness.mjs or electron/harness/harness.ts, both two levels below it), so it reads the
 * same file. Unreadable or versionless: undefined, and core then sends no version (as for an odd one).
 */
function packageVersion(): string | undefined {
  try {
    const file = path.join(import.meta.dirname, '..', '..', 'package.json');
    const parsed = z.object({ version: z.string() }).safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data.version : undefined;
  } catch {
    return undefined;
  }
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
