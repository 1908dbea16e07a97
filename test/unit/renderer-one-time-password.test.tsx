// @vitest-environment happy-dom
import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ViewOf } from '../../electron/ipc/view';
import { OneTimePasswordScreen } from '../../renderer/src/screens/OneTimePasswordScreen';
import { renderScreen } from './support/render-screen';

// The one-time-password screen's password, asked by the shared PasswordQuestion (components/
// PasswordQuestion.tsx) as Sign-in security asks it: the same field (autocomplete, focus, Show password),
// the same error display, sent once. Enter in the field is the browser's implicit submission, which
// happy-dom lacks: test/e2e/one-time-password.spec.ts types and submits in Chromium.

const LABEL = 'Enter your password to get a one-time password';
const SHOW = 'Show a one-time password';

const ask: ViewOf<'oneTimePassword'> = {
  screen: 'oneTimePassword',
  serverHost: 'keyway.example.com',
  loginId: 'di@example.com',
  phase: 'ask',
  canUseAuthenticator: false,
  otp: null,
  error: null,
};
const refused: ViewOf<'oneTimePassword'> = {
  ...ask,
  error: { code: 'reauthentication_required', message: 'The password is not right.' },
};

/** The screen over a recording bridge (test/unit/support/render-screen.tsx): what it sent is in `calls`. */
const show = (view: ViewOf<'oneTimePassword'>) =>
  renderScreen((client) => <OneTimePasswordScreen view={view} client={client} />);

const field = (): HTMLInputElement => screen.getByLabelText<HTMLInputElement>(LABEL);
const type = (password: string): void => {
  fireEvent.change(field(), { target: { value: password } });
};
const form = (): HTMLFormElement => field().closest('form') ?? fail('the field is not in a form');
const fail = (message: string): never => {
  throw new Error(message);
};
const submitButton = (): HTMLButtonElement => screen.getByRole<HTMLButtonElement>('button', { name: SHOW });

describe('One-time password: the password question', () => {
  it('is the shared question: labelled, focused, a password field a password manager fills, no Cancel', async () => {
    await show(ask);
    expect(document.activeElement).toBe(field());
    expect(field().type).toBe('password');
    expect(field().autocomplete).toBe('current-password');
    expect(field().maxLength).toBeGreaterThan(0);
    // The screen's own Back leaves; the question adds no Cancel of its own.
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Back' })).toBeTruthy();
  });

  it('sends the password once, as issueOneTimePassword, and forgets it', async () => {
    const { calls } = await show(ask);
    expect(submitButton().disabled).toBe(true);
    type('s3cret');
    fireEvent.click(submitButton());
    expect(calls).toEqual([['issueOneTimePassword', { password: 's3cret' }]]);
    expect(field().value).toBe('');
    // Nothing left to send a second time.
    fireEvent.submit(form());
    expect(calls).toHaveLength(1);
  });

  it('Show password shows the typed text and hides it again, as on the sign-in password page', async () => {
    await show(ask);
    type('visible');
    const toggle = screen.getByRole('button', { name: 'Show password' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(toggle);
    expect(field().type).toBe('text');
    expect(field().value).toBe('visible');
    fireEvent.click(screen.getByRole('button', { name: 'Hide password' }));
    expect(field().type).toBe('password');
  });

  it('a refused password is announced once, under the field and tied to it', async () => {
    await show(refused);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe('The password is not right.');
    expect(alert.getAttribute('data-error-code')).toBe('reauthentication_required');
    expect(alert.closest('form')).toBe(field().closest('form'));
    expect(field().getAttribute('aria-invalid')).toBe('true');
    expect(field().getAttribute('aria-describedby')).toBe(alert.id);
  });

  it('while the password is being checked nothing can be typed or sent, even by submitting the form', async () => {
    const { client, calls, rerender } = await show(ask);
    type('pw');
    rerender(<OneTimePasswordScreen view={{ ...ask, phase: 'issuing' }} client={client} />);
    expect(field().disabled).toBe(true);
    expect(submitButton().disabled).toBe(true);
    fireEvent.submit(form());
    expect(calls).toEqual([]);
    expect(screen.getByRole('status').textContent).toMatch(/\S/);
  });

  it('Escape leaves the screen (the question has nothing of its own to cancel)', async () => {
    const { calls } = await show(ask);
    type('typed');
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(calls).toEqual([['goBack', {}]]);
  });

  it('a user with an authenticator may answer with its code instead; the error then stays on the page', async () => {
    const { client, calls, rerender } = await show({ ...ask, canUseAuthenticator: true });
    fireEvent.click(screen.getByRole('button', { name: /authenticator/i }));
    expect(screen.queryByLabelText(LABEL)).toBeNull();
    const digits = screen.getAllByRole('textbox');
    expect(digits.length).toBeGreaterThan(0);
    rerender(<OneTimePasswordScreen view={{ ...refused, canUseAuthenticator: true }} client={client} />);
    expect(screen.getByRole('alert').getAttribute('data-error-code')).toBe('reauthentication_required');
    // Back to the password: the shared question again, with the error under its field.
    fireEvent.click(screen.getByRole('button', { name: /password/i }));
    expect(screen.getByRole('alert').closest('form')).toBe(field().closest('form'));
    expect(calls).toEqual([]);
  });

  it('no authenticator, no way to choose one', async () => {
    await show(ask);
    expect(screen.queryByRole('button', { name: /authenticator/i })).toBeNull();
  });
});
