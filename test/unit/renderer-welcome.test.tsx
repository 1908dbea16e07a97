// @vitest-environment happy-dom
import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { KeywayCore } from '../../electron/core/keyway-core';
import { App } from '../../renderer/src/App';
import { memorySecretStore, memorySettingsStore } from './support/memory-ports';
import { coreBridge, renderScreen } from './support/render-screen';

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
  await renderScreen((client) => <App client={client} connected={true} />, { bridge: coreBridge(core, 'view') });
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
