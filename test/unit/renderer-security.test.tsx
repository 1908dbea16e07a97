// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ViewOf } from '../../electron/ipc/view';
import { SecurityScreen } from '../../renderer/src/screens/SecurityScreen';
import { renderScreen } from './support/render-screen';

// Sign-in security's one password question (components/PasswordQuestion.tsx), as a user meets it: what
// each button asks, what is sent, once, and what Escape, Cancel and a refused password do. Enter in the
// field is the browser's implicit submission, which happy-dom lacks: test/e2e/recovery-codes.spec.ts
// presses it in Chromium.

const LABEL = 'Enter your password to continue';

const view: ViewOf<'security'> = {
  screen: 'security',
  serverHost: 'keyway.example.com',
  loaded: true,
  authenticators: [{ id: 'a1', name: 'Phone', createdAt: Date.UTC(2026, 0, 2) }],
  devices: [{ deviceId: 'd1', name: 'Laptop', lastUsedAt: null, trustedUntil: Date.UTC(2026, 1, 2), thisDevice: true }],
  recoveryCodes: { remaining: 4 },
  passkeys: [{ id: 'pk1', name: 'Key', createdAt: Date.UTC(2026, 0, 3), lastUsedAt: null, authenticator: null }],
  enrolling: null,
  busy: false,
  error: null,
};

/** The screen over a recording bridge (test/unit/support/render-screen.tsx): what it sent is in `calls`. */
const show = (view: ViewOf<'security'>) => renderScreen((client) => <SecurityScreen view={view} client={client} />);

const type = (password: string): void => {
  fireEvent.change(screen.getByLabelText(LABEL), { target: { value: password } });
};
const fail = (message: string): never => {
  throw new Error(message);
};
const escape = (): void => {
  fireEvent.keyDown(window, { key: 'Escape' });
};

describe('Sign-in security: the password question', () => {
  it('each action asks it in its own section, one question at a time, focused, and sends it once with that action', async () => {
    const { calls } = await show(view);
    expect(screen.queryByLabelText(LABEL)).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Remove: Phone' }));
    expect(document.activeElement).toBe(screen.getByLabelText(LABEL));
    // Another action moves the question (never two fields with the same label): now in the passkeys section.
    fireEvent.click(screen.getByRole('button', { name: 'Remove: Key' }));
    expect(screen.getAllByLabelText(LABEL)).toHaveLength(1);
    const passkeys = screen.getByRole('region', { name: 'Passkeys' });
    expect(within(passkeys).getByLabelText(LABEL)).toBeTruthy();

    // Empty: nothing to send, the button says so.
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Continue' }).disabled).toBe(true);
    type('s3cret');
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect(calls).toEqual([['removePasskey', { id: 'pk1', password: 's3cret' }]]);
    // Sent once and forgotten here: the question is gone.
    expect(screen.queryByLabelText(LABEL)).toBeNull();
  });

  it.each([
    ['Add an authenticator app', 'Continue', ['addAuthenticator', { password: 'pw' }]],
    ['Remove: Phone', 'Continue', ['removeAuthenticator', { id: 'a1', password: 'pw' }]],
    ['Add a passkey', 'Continue', ['addPasskey', { password: 'pw' }]],
    ['Get new codes', 'Get new codes', ['regenerateRecoveryCodes', { password: 'pw' }]],
  ])('"%s" asks the password, then sends its own command', async (open, submit, expected) => {
    const { calls } = await show(view);
    fireEvent.click(screen.getByRole('button', { name: open }));
    type('pw');
    fireEvent.submit(screen.getByRole('button', { name: submit }).closest('form') ?? fail('not in a form'));
    expect(calls).toEqual([expected]);
  });

  it('"Get new codes" takes the button\'s place while the question is open', async () => {
    await show(view);
    fireEvent.click(screen.getByRole('button', { name: 'Get new codes' }));
    // One "Get new codes": the question's submit button, disabled until a password is typed.
    const buttons = screen.getAllByRole('button', { name: 'Get new codes' });
    expect(buttons).toHaveLength(1);
    expect((buttons[0] as HTMLButtonElement).type).toBe('submit');
    expect((buttons[0] as HTMLButtonElement).disabled).toBe(true);
  });

  it('an empty field sends nothing, even submitted', async () => {
    const { calls } = await show(view);
    fireEvent.click(screen.getByRole('button', { name: 'Add a passkey' }));
    fireEvent.submit(screen.getByLabelText(LABEL).closest('form') ?? fail('not in a form'));
    expect(calls).toEqual([]);
    expect(screen.getByLabelText(LABEL)).toBeTruthy();
  });

  it('Escape closes the question first (sending nothing), and only then leaves the page', async () => {
    for (const open of ['Add an authenticator app', 'Remove: Key', 'Get new codes']) {
      const { calls } = await show(view);
      fireEvent.click(screen.getByRole('button', { name: open }));
      type('typed');
      escape();
      expect(screen.queryByLabelText(LABEL), open).toBeNull();
      expect(calls, open).toEqual([]);
      escape();
      expect(calls, open).toEqual([['goBack', {}]]);
      cleanup();
    }
  });

  it('Cancel closes it and sends nothing; the typed password is not kept for next time', async () => {
    const { calls } = await show(view);
    fireEvent.click(screen.getByRole('button', { name: 'Add an authenticator app' }));
    type('typed');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByLabelText(LABEL)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Add an authenticator app' }));
    expect(screen.getByLabelText<HTMLInputElement>(LABEL).value).toBe('');
    expect(calls).toEqual([]);
  });

  it('a refused password is announced, and shown under the field (tied to it) when the question opens again', async () => {
    const refused: ViewOf<'security'> = {
      ...view,
      error: { code: 'reauthentication_required', message: 'The password is not right.' },
    };
    await show(refused);
    expect(screen.getByRole('alert').textContent).toBe('The password is not right.');
    fireEvent.click(screen.getByRole('button', { name: 'Remove: Phone' }));
    // Still one alert (never the same error twice), now in the question, describing the field.
    const alert = screen.getByRole('alert');
    const field = screen.getByLabelText(LABEL);
    expect(alert.closest('form')).toBe(field.closest('form'));
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toBe(alert.id);
    expect(alert.getAttribute('data-error-code')).toBe('reauthentication_required');
  });

  it('every button of the lists is named after its item', async () => {
    await show(view);
    for (const name of ['Remove: Phone', 'Remove: Key', 'Forget: Laptop']) {
      expect(screen.getByRole('button', { name })).toBeTruthy();
    }
    expect(screen.getByText(/^Laptop \(this device\) · trusted until/)).toBeTruthy();
  });
});
