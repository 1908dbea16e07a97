// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeywayClient } from '../../electron/ipc/client';
import type { ViewOf } from '../../electron/ipc/view';
import { applyLanguage } from '../../renderer/src/i18n';
import { OneTimePasswordScreen } from '../../renderer/src/screens/OneTimePasswordScreen';

// The one-time-password screen's password, asked by the shared PasswordQuestion (components/
// PasswordQuestion.tsx) as Sign-in security asks it: the same field (autocomplete, focus, Show password),
// the same error display, sent once. Enter in the field is the browser's implicit submission, which
// happy-dom lacks: test/e2e/one-time-password.spec.ts types and submits in Chromium.
afterEach(async () => {
  cleanup();
  await act(() => applyLanguage('en'));
});

const LABEL = 'Enter your password to get a one-time password';
const SHOW = 'Show a one-time password';

/** A client that records every command and answers nothing. */
function fakeClient(): { client: KeywayClient; calls: [string, unknown][] } {
  const calls: [string, unknown][] = [];
  const client = {
    invoke: (command: string, input: unknown) => {
      calls.push([command, input]);
      return Promise.resolve(null);
    },
  } as unknown as KeywayClient;
  return { client, calls };
}

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
  it('is the shared question: labelled, focused, a password field a password manager fills, no Cancel', () => {
    render(<OneTimePasswordScreen view={ask} client={fakeClient().client} />);
    expect(document.activeElement).toBe(field());
    expect(field().type).toBe('password');
    expect(field().autocomplete).toBe('current-password');
    expect(field().maxLength).toBeGreaterThan(0);
    // The screen's own Back leaves; the question adds no Cancel of its own.
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Back' })).toBeTruthy();
  });

  it('sends the password once, as issueOneTimePassword, and forgets it', () => {
    const { client, calls } = fakeClient();
    render(<OneTimePasswordScreen view={ask} client={client} />);
    expect(submitButton().disabled).toBe(true);
    type('s3cret');
    fireEvent.click(submitButton());
    expect(calls).toEqual([['issueOneTimePassword', { password: 's3cret' }]]);
    expect(field().value).toBe('');
    // Nothing left to send a second time.
    fireEvent.submit(form());
    expect(calls).toHaveLength(1);
  });

  it('Show password shows the typed text and hides it again, as on the sign-in password page', () => {
    render(<OneTimePasswordScreen view={ask} client={fakeClient().client} />);
    type('visible');
    const toggle = screen.getByRole('button', { name: 'Show password' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(toggle);
    expect(field().type).toBe('text');
    expect(field().value).toBe('visible');
    fireEvent.click(screen.getByRole('button', { name: 'Hide password' }));
    expect(field().type).toBe('password');
  });

  it('a refused password is announced once, under the field and tied to it', () => {
    render(<OneTimePasswordScreen view={refused} client={fakeClient().client} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe('The password is not right.');
    expect(alert.getAttribute('data-error-code')).toBe('reauthentication_required');
    expect(alert.closest('form')).toBe(field().closest('form'));
    expect(field().getAttribute('aria-invalid')).toBe('true');
    expect(field().getAttribute('aria-describedby')).toBe(alert.id);
  });

  it('while the password is being checked nothing can be typed or sent, even by submitting the form', () => {
    const { client, calls } = fakeClient();
    const { rerender } = render(<OneTimePasswordScreen view={ask} client={client} />);
    type('pw');
    rerender(<OneTimePasswordScreen view={{ ...ask, phase: 'issuing' }} client={client} />);
    expect(field().disabled).toBe(true);
    expect(submitButton().disabled).toBe(true);
    fireEvent.submit(form());
    expect(calls).toEqual([]);
    expect(screen.getByRole('status').textContent).toMatch(/\S/);
  });

  it('Escape leaves the screen (the question has nothing of its own to cancel)', () => {
    const { client, calls } = fakeClient();
    render(<OneTimePasswordScreen view={ask} client={client} />);
    type('typed');
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(calls).toEqual([['goBack', {}]]);
  });

  it('a user with an authenticator may answer with its code instead; the error then stays on the page', () => {
    const { client, calls } = fakeClient();
    const { rerender } = render(<OneTimePasswordScreen view={{ ...ask, canUseAuthenticator: true }} client={client} />);
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

  it('no authenticator, no way to choose one', () => {
    render(<OneTimePasswordScreen view={ask} client={fakeClient().client} />);
    expect(screen.queryByRole('button', { name: /authenticator/i })).toBeNull();
  });
});
