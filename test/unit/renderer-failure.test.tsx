// @vitest-environment happy-dom
import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MAX_PASTE_LENGTH } from '../../electron/ipc/view';
import { App } from '../../renderer/src/App';
import { offlineCore } from './support/memory-ports';
import { coreBridge, renderScreen } from './support/render-screen';

describe('the failure screen, when core cannot build a view', () => {
  it('shows why (an alert) instead of staying on loading, and Start again brings Welcome back', async () => {
    const reports: string[] = [];
    const core = offlineCore({ report: (problem) => reports.push(problem) });
    await core.start();
    await renderScreen((client) => <App client={client} connected={true} />, { bridge: coreBridge(core, 'view') });
    await screen.findByLabelText('Deployment link or authentication code');

    // A state whose view the contract cannot carry (every gate bypassed on purpose).
    act(() => core.send({ type: 'welcome.inputChanged', text: 'x'.repeat(MAX_PASTE_LENGTH + 1) }));
    await screen.findByRole('heading', { name: 'Keyway could not show this screen' });
    expect(screen.getByRole('alert').getAttribute('data-error-code')).toBe('internal');
    expect(reports).toHaveLength(1);

    fireEvent.click(screen.getByRole('button', { name: 'Start again' }));
    await screen.findByLabelText('Deployment link or authentication code');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('a paste over the link limit on Welcome', () => {
  it('is refused before core with link_too_long, and core keeps what it had', async () => {
    const core = offlineCore();
    await core.start();
    await renderScreen((client) => <App client={client} connected={true} />, { bridge: coreBridge(core, 'view') });
    const field = await screen.findByLabelText('Deployment link or authentication code');
    fireEvent.change(field, { target: { value: 'K7' } });
    await expect.poll(() => core.getView()).toMatchObject({ input: 'K7' });

    fireEvent.change(field, { target: { value: `keyway://deploy?code=${'A'.repeat(MAX_PASTE_LENGTH)}` } });
    const alert = await screen.findByRole('alert');
    expect(alert.getAttribute('data-error-code')).toBe('link_too_long');
    expect(alert.textContent).toContain('far too long');
    expect(core.getView()).toMatchObject({ screen: 'welcome', input: 'K7' });
  });
});
