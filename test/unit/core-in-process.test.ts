import { describe, expect, it } from 'vitest';
import { encodeDeploymentCode } from '../../protocol/deployment-code';
import { buildDeepLink } from '../../protocol/deployment-link';
import { createCoreHandlers, KeywayCore } from '../../electron/core/keyway-core';
import { createClient } from '../../electron/ipc/client';
import { createDispatcher, encodeEvent } from '../../electron/ipc/dispatcher';
import { createInProcessTransport } from '../../electron/ipc/in-process';
import type { View } from '../../electron/ipc/view';
import { memorySecretStore, memorySettingsStore } from './support/memory-ports';

async function connect(plainHttpLoopback = true, requested: string[] = []) {
  const core = new KeywayCore({
    plainHttpLoopback,
    secrets: memorySecretStore(),
    settings: memorySettingsStore(),
    // No server in this test: any network call fails the way an unreachable server does.
    fetch: (url) => {
      requested.push(url instanceof Request ? url.url : url.toString());
      return Promise.reject(new TypeError('fetch failed'));
    },
    clock: { now: () => 0 },
    policy: {},
    browser: { open: () => Promise.reject(new Error('no browser in unit tests')) },
  });
  const { transport, emit } = createInProcessTransport(createDispatcher(createCoreHandlers(core)));
  core.onView((view) => emit(encodeEvent('view', view)));
  await core.start();
  return { core, client: createClient(transport) };
}

describe('core served over the in-process transport', () => {
  it('publishes a new view for every command that changes the state', async () => {
    const { client } = await connect();
    const views: View[] = [];
    client.on('view', (view) => views.push(view));
    await client.invoke('setWelcomeInput', { text: 'K' });
    await client.invoke('setWelcomeInput', { text: 'K7' });
    expect(views.map((v) => (v.screen === 'welcome' ? v.input : v.screen))).toEqual(['K', 'K7']);
    expect(await client.invoke('getView', {})).toMatchObject({ input: 'K7', canApply: true });
  });

  it('routes a deep link from the OS into the same state the renderer sees', async () => {
    const { core, client } = await connect();
    core.openDeepLink('keyway://deploy?code=nonsense');
    expect(await client.invoke('getView', {})).toMatchObject({ screen: 'welcome', error: { code: 'code_malformed' } });
  });

  it('a packaged build (no plain http) refuses a deployment link to an http server on this computer, before any request', async () => {
    const requested: string[] = [];
    const { core, client } = await connect(false, requested);
    const code = encodeDeploymentCode('http://127.0.0.1:7400', new Uint8Array(16).fill(7));
    core.openDeepLink(buildDeepLink(code));
    expect(await client.invoke('getView', {})).toMatchObject({ screen: 'confirmServer' });
    await client.invoke('confirmServer', {});
    await expect
      .poll(async () => JSON.stringify(await client.invoke('getView', {})))
      .toMatch(/"code":"server_insecure".*development builds/);
    expect(requested).toEqual([]);
  });

  it('a development build (the harness, main unpackaged) reaches the same http server', async () => {
    const requested: string[] = [];
    const { core, client } = await connect(true, requested);
    core.openDeepLink(buildDeepLink(encodeDeploymentCode('http://127.0.0.1:7400', new Uint8Array(16).fill(7))));
    await client.invoke('confirmServer', {});
    await expect.poll(() => requested.length).toBeGreaterThan(0);
    expect(requested[0]).toMatch(/^http:\/\/127\.0\.0\.1:7400\//);
  });
});
