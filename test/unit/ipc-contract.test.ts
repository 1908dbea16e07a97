import { describe, expect, it, vi } from 'vitest';
import { KeywayError } from '../../protocol/errors';
import { createClient, type RawTransport } from '../../electron/ipc/client';
import { createDispatcher, encodeEvent, type CommandHandlers } from '../../electron/ipc/dispatcher';
import { MAX_PASTE_LENGTH, type View } from '../../electron/ipc/view';

const welcome: View = { screen: 'welcome', input: '', canApply: false, error: null, managed: [] };

function handlers(overrides: Partial<CommandHandlers> = {}): CommandHandlers {
  const none = () => Promise.resolve(null);
  return {
    getView: () => Promise.resolve(welcome),
    getLanguage: () => Promise.resolve({ language: 'en', source: 'default' }),
    setWelcomeInput: none,
    applyWelcome: none,
    openManualLogin: none,
    setManualLogin: none,
    setLoginId: none,
    next: none,
    cancel: none,
    confirmServer: none,
    chooseImport: none,
    acceptLicense: none,
    declineLicense: none,
    submitPassword: none,
    goBack: none,
    retry: none,
    reopenBrowser: none,
    useDeviceCode: none,
    chooseMfaChannel: none,
    submitMfaCode: none,
    usePasskey: none,
    useRecoveryCode: none,
    submitRecoveryCode: none,
    regenerateRecoveryCodes: none,
    continueFromRecoveryCodes: none,
    exportRecoveryCodes: () => Promise.resolve({ by: 'app', done: true }),
    resendMfaCode: none,
    openSecurity: none,
    removeTrustedDevice: none,
    removeAuthenticator: none,
    addAuthenticator: none,
    confirmAuthenticator: none,
    addPasskey: none,
    removePasskey: none,
    signOut: none,
    forgetServer: none,
    requestPasswordReset: none,
    getUpdate: () => Promise.resolve({ ready: false, version: null }),
    restartToUpdate: none,
    openOneTimePassword: none,
    issueOneTimePassword: none,
    newOneTimePassword: none,
    ...overrides,
  };
}

describe('the dispatcher (core side of every transport)', () => {
  it('refuses an unknown command by code, without calling any handler', async () => {
    const dispatch = createDispatcher(handlers());
    expect(await dispatch({ command: 'deleteEverything', input: {} })).toMatchObject({
      ok: false,
      error: { code: 'ipc_unknown_command' },
    });
  });

  it('refuses input outside the contract before the handler runs', async () => {
    const setWelcomeInput = vi.fn(() => Promise.resolve(null));
    const dispatch = createDispatcher(handlers({ setWelcomeInput }));
    const cases: unknown[] = [
      { command: 'setWelcomeInput', input: { text: 42 } },
      { command: 'setWelcomeInput', input: { text: 'x', extra: true } },
      { command: 'setWelcomeInput', input: { text: 'x'.repeat(MAX_PASTE_LENGTH + 1) } },
      { command: 'setWelcomeInput' },
      'not an envelope',
      null,
    ];
    for (const raw of cases) {
      expect(await dispatch(raw)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect(setWelcomeInput).not.toHaveBeenCalled();
  });

  it('passes a KeywayError code through but hides the details of an unexpected crash', async () => {
    const dispatch = createDispatcher(
      handlers({
        applyWelcome: () => Promise.reject(new KeywayError('keychain_unavailable', 'No keychain.')),
        getView: () => Promise.reject(new Error('secret stack detail /home/ana/.config')),
      }),
    );
    expect(await dispatch({ command: 'applyWelcome', input: {} })).toEqual({
      ok: false,
      error: { code: 'keychain_unavailable', message: 'No keychain.' },
    });
    const crash = await dispatch({ command: 'getView', input: {} });
    expect(crash).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(crash)).not.toContain('/home/ana');
  });

  it('does not let core answer outside the contract', async () => {
    const dispatch = createDispatcher(
      handlers({ getView: () => Promise.resolve({ screen: 'admin-console' } as unknown as View) }),
    );
    expect(await dispatch({ command: 'getView', input: {} })).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('refuses to publish an event outside the contract', () => {
    expect(() => encodeEvent('view', { screen: 'welcome' } as unknown as View)).toThrow(KeywayError);
  });
});

describe('the client (renderer side of every transport)', () => {
  it('rejects bad input locally: nothing is sent', async () => {
    const request = vi.fn();
    const client = createClient({ request, subscribe: () => () => undefined });
    await expect(client.invoke('setWelcomeInput', { text: 'x'.repeat(MAX_PASTE_LENGTH + 1) })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect(request).not.toHaveBeenCalled();
  });

  it('turns a failure envelope into a KeywayError with its code', async () => {
    const client = createClient({
      request: () => Promise.resolve({ ok: false, error: { code: 'ipc_untrusted_sender', message: 'No.' } }),
      subscribe: () => () => undefined,
    });
    await expect(client.invoke('applyWelcome', {})).rejects.toMatchObject({ code: 'ipc_untrusted_sender' });
  });

  it('never hands the UI a view outside the contract, from an answer or an event', async () => {
    let push: (raw: unknown) => void = () => undefined;
    const transport: RawTransport = {
      request: () => Promise.resolve({ ok: true, output: { screen: 'welcome', input: 1 } }),
      subscribe: (listener) => {
        push = listener;
        return () => undefined;
      },
    };
    const client = createClient(transport);
    await expect(client.invoke('getView', {})).rejects.toMatchObject({ code: 'internal' });
    const seen: View[] = [];
    client.on('view', (view) => seen.push(view));
    push({ event: 'view', payload: { screen: 'welcome', input: '<script>', canApply: 'yes', error: null } });
    push({ event: 'other', payload: welcome });
    push('garbage');
    push({ event: 'view', payload: welcome });
    expect(seen).toEqual([welcome]);
  });
});
