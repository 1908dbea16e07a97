// @vitest-environment happy-dom
import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createCoreHandlers, type KeywayCore } from '../../electron/core/keyway-core';
import { createDispatcher } from '../../electron/ipc/dispatcher';
import type { ViewOf } from '../../electron/ipc/view';
import { HomeScreen } from '../../renderer/src/screens/HomeScreen';
import { offlineCore } from './support/memory-ports';
import { coreBridge, renderScreen } from './support/render-screen';

type HomeView = ViewOf<'home'>;

const home: HomeView = {
  screen: 'home',
  displayName: 'Ana Example',
  loginId: 'ana',
  email: 'ana@example.com',
  serverName: 'Example',
  serverHost: 'keyway.example.com',
  notice: null,
  managed: [],
  canManageSecurity: true,
};

/** Home over the real contract and core handlers, with core's update status forwarded as main does. */
async function renderHome(): Promise<KeywayCore> {
  const core = offlineCore();
  await renderScreen((client) => <HomeScreen view={home} client={client} />, { bridge: coreBridge(core, 'update') });
  return core;
}

describe('Restart to update on Home', () => {
  it('shows nothing until an update is downloaded, then the version and a button that installs it', async () => {
    const core = await renderHome();
    await screen.findByRole('heading', { name: 'You are signed in' });
    expect(screen.queryByTestId('update-banner')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Restart to update' })).toBeNull();

    const installs: string[] = [];
    act(() => core.updates.markReady('1.5.0', () => installs.push('quitAndInstall')));
    expect((await screen.findByTestId('update-banner')).textContent).toContain('Keyway 1.5.0 is ready to install.');
    fireEvent.click(screen.getByRole('button', { name: 'Restart to update' }));
    await expect.poll(() => installs).toEqual(['quitAndInstall']);
  });

  it('shows an update already downloaded before Home opened (asked once at mount)', async () => {
    const core = offlineCore();
    core.updates.markReady('not a version <b>', () => undefined);
    // Nothing forwarded: the banner can only come from the screen's own question at mount.
    await renderScreen((client) => <HomeScreen view={home} client={client} />, { bridge: coreBridge(core) });
    expect((await screen.findByTestId('update-banner')).textContent).toContain(
      'A new version of Keyway is ready to install.',
    );
  });

  it('restartToUpdate over IPC is refused with update_not_ready while nothing is downloaded', async () => {
    const core = offlineCore();
    const dispatch = createDispatcher(createCoreHandlers(core));
    expect(await dispatch({ command: 'restartToUpdate', input: {} })).toMatchObject({
      ok: false,
      error: { code: 'update_not_ready' },
    });
  });
});
