// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createCoreHandlers, KeywayCore } from '../../electron/core/keyway-core';
import { createClient } from '../../electron/ipc/client';
import { createDispatcher, encodeEvent } from '../../electron/ipc/dispatcher';
import { createInProcessTransport } from '../../electron/ipc/in-process';
import { App } from '../../renderer/src/App';
import { memorySecretStore, memorySettingsStore } from './support/memory-ports';

afterEach(cleanup);

async function renderAgainstRealCore() {
  const core = new KeywayCore({
    plainHttpLoopback: true,
    secrets: memorySecretStore(),
    settings: memorySettingsStore(),
    fetch: () => Promise.reject(new TypeError('fetch failed')),
    clock: { now: () => 0 },
    policy: {},
    browser: { open: () => Promise.reject(new Error('no browser in unit tests')) },
  });
  await core.start();
  const { transport, emit } = createInProcessTransport(createDispatcher(createCoreHandlers(core)));
  core.onView((view) => emit(encodeEvent('view', view)));
  render(<App client={createClient(transport)} connected={true} />);
  return core;
}

describe('the renderer renders what core publishes', () => {
  it('shows Welcome, sends keystrokes to core and enables Apply only on core’s say-so', async () => {
    const core = await renderAgainstRealCore();
    const field = await screen.findByLabelText('Deployment link or authentication code');
    const apply = screen.getByRole('button', { name: 'Apply' });
    expect(apply).toHaveProperty('disabled', true);
    fireEvent.change(field, { target: { value: 'ABCDE' } });
    await screen.findByRole('button', { name: 'Apply' });
    await expect.poll(() => core.getView()).toMatchObject({ input: 'ABCDE', canApply: true });
    await expect.poll(() => screen.getByRole<HTMLButtonElement>('button', { name: 'Apply' }).disabled).toBe(false);
  });

  it('shows core’s error with its code when a link fails, and replaces the field when core changes it', async () => {
    const core = await renderAgainstRealCore();
    await screen.findByLabelText('Deployment link or authentication code');
    act(() => core.openDeepLink('keyway://deploy?code=ABCDE'));
    await expect
      .poll(() => screen.getByLabelText<HTMLInputElement>('Deployment link or authentication code').value)
      .toBe('keyway://deploy?code=ABCDE');
    const alert = await screen.findByRole('alert');
    expect(alert.dataset.errorCode).toBe('code_malformed');
  });
});
