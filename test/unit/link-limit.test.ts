import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCoreHandlers, type KeywayCore } from '../../electron/core/keyway-core';
import { claimInstance } from '../../electron/harness/instance-lock';
import { createClient } from '../../electron/ipc/client';
import { createDispatcher, encodeEvent } from '../../electron/ipc/dispatcher';
import { createInProcessTransport } from '../../electron/ipc/in-process';
import type { View } from '../../electron/ipc/view';
import { deepLinkFromArgv, deliverDeepLink } from '../../electron/main/deep-links';
import { admitDeepLink, MAX_DEEP_LINK_LENGTH } from '../../protocol/deep-link';
import { encodeDeploymentCode } from '../../protocol/deployment-code';
import { buildDeepLink, parseDeploymentInput } from '../../protocol/deployment-link';
import { offlineCore } from './support/memory-ports';

/** A link of exactly `length` characters, the shape the OS hands over (scheme, host, a code parameter). */
const linkOf = (length: number): string => {
  const head = 'keyway://deploy?code=';
  return head + 'A'.repeat(length - head.length);
};
const goodLink = (): string => buildDeepLink(encodeDeploymentCode('https://keyway.example.com', randomBytes(16)));

/** Core served over the in-process transport, exactly as main and the harness serve it. */
async function connect() {
  const reports: string[] = [];
  const core = offlineCore({ report: (problem) => reports.push(problem) });
  const { transport, emit } = createInProcessTransport(createDispatcher(createCoreHandlers(core)));
  // The transport validates every view against the contract and throws when it is outside it.
  core.onView((view) => emit(encodeEvent('view', view)));
  await core.start();
  const client = createClient(transport);
  const views: View[] = [];
  client.on('view', (view) => views.push(view));
  return { core, client, views, reports };
}

describe('one length limit for a link, defined in protocol/', () => {
  it('admits a link at the limit and refuses one character more with link_too_long, without its text', () => {
    expect(admitDeepLink(linkOf(MAX_DEEP_LINK_LENGTH))).toMatchObject({ ok: true });
    const refused = admitDeepLink(linkOf(MAX_DEEP_LINK_LENGTH + 1));
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('link_too_long');
    expect(refused.error.message).toContain(String(MAX_DEEP_LINK_LENGTH + 1));
    expect(refused.error.message).not.toContain('AAAA');
    // Pasted text is held to the same limit by the same code.
    expect(() => parseDeploymentInput(linkOf(5000))).toThrow(expect.objectContaining({ code: 'link_too_long' }));
  });

  // Each entry point of the app, as main wires it (main.ts: cold-start argv, second-instance, open-url).
  const entryPoints: [string, (core: KeywayCore, link: string) => void][] = [
    ['cold-start argv', (core, link) => deliverDeepLink(deepLinkFromArgv(['Keyway.exe', link]) ?? '', core)],
    [
      'second-instance argv (with Chromium switches)',
      (core, link) =>
        deliverDeepLink(deepLinkFromArgv(['/opt/Keyway/keyway', '--original-process-start-time=1', link]) ?? '', core),
    ],
    ['macOS open-url', (core, link) => deliverDeepLink(link, core)],
  ];

  it.each(entryPoints)(
    '%s: a 5,000-character link is refused with a clear error, then a normal link works',
    async (_name, enter) => {
      const { core, client, views, reports } = await connect();
      enter(core, linkOf(5000));
      await core.settled();
      const refused = await client.invoke('getView', {});
      expect(refused).toMatchObject({ screen: 'welcome', input: '', error: { code: 'link_too_long' } });
      // The renderer was told (the view event went through the contract), and nothing was reported broken.
      expect(views.at(-1)).toEqual(refused);
      expect(reports).toEqual([]);

      enter(core, goodLink());
      expect(await client.invoke('getView', {})).toMatchObject({
        screen: 'confirmServer',
        serverHost: 'keyway.example.com',
      });
    },
  );

  it.each(entryPoints)('%s: the gate itself never hands core the oversized link, only its refusal', (_name, enter) => {
    const opened: string[] = [];
    const refused: string[] = [];
    const sink = {
      openDeepLink: (url: string) => opened.push(url),
      refuseDeepLink: (error: { code: string }) => refused.push(error.code),
    };
    enter(sink as unknown as KeywayCore, linkOf(MAX_DEEP_LINK_LENGTH + 1));
    enter(sink as unknown as KeywayCore, linkOf(MAX_DEEP_LINK_LENGTH));
    expect(refused).toEqual(['link_too_long']);
    expect(opened).toEqual([linkOf(MAX_DEEP_LINK_LENGTH)]);
  });

  it.each([4097, 6000, 8192])(
    'core itself refuses a %i-character link handed to it directly (it used to echo it into Welcome)',
    async (length) => {
      const { core, client, views } = await connect();
      core.openDeepLink(linkOf(length));
      expect(await client.invoke('getView', {})).toMatchObject({ screen: 'welcome', error: { code: 'link_too_long' } });
      expect(views.at(-1)).toMatchObject({ screen: 'welcome', input: '' });
    },
  );

  describe('the harness hand-over', () => {
    const dirs: string[] = [];
    afterEach(() => {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    });

    it('carries a 10,000-character link to the running harness, so its gate can refuse it out loud', async () => {
      const profile = mkdtempSync(path.join(tmpdir(), 'keyway-lock-'));
      dirs.push(profile);
      const received: (string | null)[] = [];
      const lock = await claimInstance(profile, null, (url) => received.push(url));
      expect(lock).not.toBeNull();
      try {
        const long = linkOf(10_000);
        expect(await claimInstance(profile, long, () => undefined)).toBeNull();
        await expect.poll(() => received.length).toBe(1);
        expect(received[0]).toBe(long);
        expect(admitDeepLink(received[0] ?? '')).toMatchObject({ ok: false, error: { code: 'link_too_long' } });
      } finally {
        lock?.close();
      }
    });
  });
});

describe('a view core cannot build is reported and replaced by the failure screen, never swallowed', () => {
  it('the renderer gets the failure view (by event and by getView), core reports why, Start again recovers', async () => {
    const { core, client, views, reports } = await connect();
    // Bypass every gate on purpose: a Welcome text the contract cannot carry.
    core.send({ type: 'welcome.inputChanged', text: 'x'.repeat(MAX_DEEP_LINK_LENGTH + 1) });

    const failure = await client.invoke('getView', {});
    expect(failure).toMatchObject({ screen: 'failure', error: { code: 'internal' } });
    expect(views.at(-1)).toEqual(failure);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/"welcome" screen could not be built: input: /);
    // The report names the field and the rule, never the text itself.
    expect(reports[0]).not.toContain('xxxx');

    await client.invoke('retry', {});
    expect(await client.invoke('getView', {})).toMatchObject({ screen: 'welcome', input: '', error: null });
    core.openDeepLink(goodLink());
    expect(await client.invoke('getView', {})).toMatchObject({ screen: 'confirmServer' });
    expect(reports).toHaveLength(1);
  });

  it('a listener that throws is reported and does not stop the others or core', async () => {
    const { core, client, views, reports } = await connect();
    core.onView(() => {
      throw new Error('window closed');
    });
    await client.invoke('setWelcomeInput', { text: 'K7' });
    expect(views.at(-1)).toMatchObject({ screen: 'welcome', input: 'K7' });
    expect(reports).toEqual(['a view listener failed: window closed']);
  });
});
