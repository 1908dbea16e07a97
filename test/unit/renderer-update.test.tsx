// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createCoreHandlers } from '../../electron/core/keyway-core';
import { createClient } from '../../electron/ipc/client';
import { createDispatcher, encodeEvent } from '../../electron/ipc/dispatcher';
import { createInProcessTransport } from '../../electron/ipc/in-process';
import type { ViewOf } from '../../electron/ipc/view';
import '../../renderer/src/i18n';
import { HomeScreen } from '../../renderer/src/screens/HomeScreen';
import { offlineCore } from './support/memory-ports';

type HomeView = ViewOf<'home'>;

afterEach(cleanup);

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
function renderHome() {
  const core = offlineCore();
  const { transport, emit } = createInProcessTransport(createDispatcher(createCoreHandlers(core)));
  core.updates.onChange((state) => emit(encodeEvent('update', state)));
  render(<HomeScreen view={home} client={createClient(transport)} />);
  return core;
}

describe('Restart to update on Home', () => {
  it('shows nothing until an update is downloaded, then the version and a button that installs it', async () => {
    const core = renderHome();
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
    const { transport } = createInProcessTransport(createDispatcher(createCoreHandlers(core)));
    render(<HomeScreen view={home} client={createClient(transport)} />);
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
