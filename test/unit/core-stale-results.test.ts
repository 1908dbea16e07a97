import { describe, expect, it } from 'vitest';
import { KeywayCore } from '../../electron/core/keyway-core';
import type { View } from '../../electron/ipc/view';
import { memorySecretStore, memorySettingsStore } from './support/memory-ports';

/**
 * KeywayCore hands every effect's result (and progress) back with the effect's id, so the one guard
 * in journey.ts sees it. Here the abandoned redirect attempt of a browser sign-in fails after the
 * user switched to the device code: that failure must not reach the screen.
 */

const ORIGIN = 'http://127.0.0.1:1';

function core() {
  const held: (() => void)[] = [];
  const instance = new KeywayCore({
    plainHttpLoopback: true,
    secrets: memorySecretStore(),
    settings: memorySettingsStore(),
    // Discovery answers; every request to the identity provider hangs until the test fails it.
    fetch: (input) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith('/discovery')) {
        return Promise.resolve(
          Response.json({
            server: { name: 'Example', origin: ORIGIN },
            signIn: { method: 'oidc', issuer: `${ORIGIN}/oidc`, clientId: 'keyway-desktop' },
            features: { forgotPassword: false, manualLogin: true },
            license: { version: '1', text: 'Terms.' },
          }),
        );
      }
      return new Promise((_resolve, reject) => held.push(() => reject(new TypeError('fetch failed'))));
    },
    clock: { now: () => 0 },
    policy: {},
    browser: { open: () => Promise.resolve() },
  });
  return { instance, held };
}

async function until(c: KeywayCore, test: (view: View) => boolean): Promise<View> {
  for (let i = 0; i < 400; i += 1) {
    const view = c.getView();
    if (test(view)) return view;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`not reached; on ${JSON.stringify(c.getView())}`);
}

describe('KeywayCore ties results to the effect that produced them', () => {
  it('drops the abandoned redirect attempt’s failure after the switch to the device code', async () => {
    const { instance, held } = core();
    await instance.start();
    instance.send({ type: 'manualLogin.opened' });
    instance.send({ type: 'manualLogin.changed', host: ORIGIN, loginId: 'ana@example.com' });
    instance.send({ type: 'next.pressed' });
    await until(instance, (v) => v.screen === 'license');
    instance.send({ type: 'license.accepted' });
    // The redirect attempt waits on the provider's discovery document.
    await until(instance, () => held.length === 1);
    const shown: View[] = [];
    instance.onView((view) => shown.push(view));
    instance.send({ type: 'deviceCode.chosen' });
    // The device-code attempt waits on the same document; failing it ends both attempts.
    for (const fail of held.splice(0)) fail();
    await until(instance, (v) => v.screen === 'browserSignIn' && v.error !== null);
    await instance.settled();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Exactly one failure reached the screen: the device attempt's. The abandoned redirect attempt
    // failed too, with its own effect id, and was dropped (without the id it would be shown first).
    const failures = shown.filter((view) => view.screen === 'browserSignIn' && view.error !== null);
    expect(failures).toHaveLength(1);
  });
});
