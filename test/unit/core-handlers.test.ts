import { describe, expect, it } from 'vitest';
import { createCoreHandlers } from '../../electron/core/keyway-core';
import type { OnboardingEvent } from '../../electron/core/onboarding/machine';
import { UpdateStatus } from '../../electron/core/updates/update-status';
import { commands, type CommandName } from '../../electron/ipc/contract';
import { createDispatcher } from '../../electron/ipc/dispatcher';
import type { View } from '../../electron/ipc/view';

/**
 * The handler table is derived from the contract: a command that `becomes` an event sends exactly that
 * event, with the command's validated input as its fields, and nothing else reaches the machine.
 */

/** A valid input for each command that takes one (the others take `{}`). */
const SAMPLE: Partial<Record<CommandName, object>> = {
  setWelcomeInput: { text: 'keyway://deploy?code=x' },
  setManualLogin: { host: 'keyway.example.com', loginId: 'ana' },
  setLoginId: { loginId: 'ana' },
  chooseImport: { from: null },
  submitPassword: { password: 'secret' },
  chooseMfaChannel: { channel: 'sms' },
  submitMfaCode: { code: '123456', remember: true },
  usePasskey: { remember: true },
  removeTrustedDevice: { deviceId: 'd1' },
  removeAuthenticator: { id: 'a1', password: 'secret' },
  addAuthenticator: { password: 'secret' },
  confirmAuthenticator: { code: '123456' },
  addPasskey: { password: 'secret' },
  removePasskey: { id: 'pk1', password: 'secret' },
  submitRecoveryCode: { code: 'abcd-efgh-jkmn', remember: false },
  regenerateRecoveryCodes: { password: 'secret' },
  issueOneTimePassword: { authenticatorCode: '123456' },
};

function served() {
  const sent: OnboardingEvent[] = [];
  const core = {
    send: (event: OnboardingEvent) => void sent.push(event),
    getView: (): View => ({ screen: 'welcome', input: '', canApply: false, error: null, managed: [] }),
    getLanguage: () => ({ language: 'en', source: 'default' }) as const,
    updates: new UpdateStatus(),
    exportRecoveryCodes: () => Promise.resolve({ by: 'app', done: true } as const),
  };
  return { sent, dispatch: createDispatcher(createCoreHandlers(core)) };
}

describe('the IPC handler table, derived from the contract', () => {
  const eventCommands = Object.entries(commands).flatMap(([name, command]) =>
    'becomes' in command ? [[name as CommandName, command.becomes] as const] : [],
  );

  it('covers every command that becomes an event (37 of them)', () => {
    expect(eventCommands).toHaveLength(37);
  });

  it.each(eventCommands)('%s sends the machine exactly the event %s, with its input', async (name, becomes) => {
    const { sent, dispatch } = served();
    const input = SAMPLE[name] ?? {};
    expect(await dispatch({ command: name, input })).toEqual({ ok: true, output: null });
    expect(sent).toEqual([{ ...input, type: becomes }]);
  });

  it('never lets an input name another event: a smuggled `type` is refused before core sees it', async () => {
    const { sent, dispatch } = served();
    const answers = await Promise.all([
      dispatch({ command: 'next', input: { type: 'home.forget' } }),
      dispatch({ command: 'setLoginId', input: { loginId: 'ana', type: 'home.forget' } }),
      dispatch({ command: 'issueOneTimePassword', input: { password: 'x', type: 'home.forget' } }),
    ]);
    for (const answer of answers) expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(sent).toEqual([]);
  });

  it('serves the commands that answer something by hand, without sending an event', async () => {
    const { sent, dispatch } = served();
    expect(await dispatch({ command: 'getView', input: {} })).toMatchObject({
      ok: true,
      output: { screen: 'welcome' },
    });
    expect(await dispatch({ command: 'getLanguage', input: {} })).toMatchObject({
      ok: true,
      output: { language: 'en' },
    });
    expect(await dispatch({ command: 'getUpdate', input: {} })).toMatchObject({ ok: true, output: { ready: false } });
    expect(sent).toEqual([]);
  });
});
