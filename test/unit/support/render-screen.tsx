import { act, cleanup, render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { onTestFinished } from 'vitest';
import { createCoreHandlers, type KeywayCore } from '../../../electron/core/keyway-core';
import { createClient, type KeywayClient } from '../../../electron/ipc/client';
import { createDispatcher, encodeEvent } from '../../../electron/ipc/dispatcher';
import { createInProcessTransport } from '../../../electron/ipc/in-process';
import type { UiLanguage } from '../../../electron/ipc/view';
import { applyLanguage } from '../../../renderer/src/i18n';

/**
 * The renderer tests' one set-up: a bridge (the `KeywayClient` a screen is given), the UI language, the
 * render, and the undoing of all three when the test ends (pass or fail), so the next test starts from an
 * empty document in English.
 */

/** Every command a screen sent through its bridge, in order, with its input. */
type Calls = [string, unknown][];

interface Bridge {
  client: KeywayClient;
  calls: Calls;
}

/** A bridge with nothing behind it: it records every command and answers `answer(command)` (null by default). */
export function recordingBridge(answer: (command: string) => unknown = () => null): Bridge {
  const calls: Calls = [];
  // A stand-in for the generic invoke: the screens under test only read what `answer` gives them.
  const client = {
    invoke: (command: string, input: unknown) => {
      calls.push([command, input]);
      return Promise.resolve(answer(command));
    },
  } as unknown as KeywayClient;
  return { client, calls };
}

/**
 * The real contract over `core`: core's handlers behind the in-process transport (the envelopes are copied
 * as structured clone would), with only the events named in `forward` sent on as main sends them
 * (electron/main/ipc-handlers.ts for views, electron/main/updater.ts for updates). A test that proves a
 * screen asks on its own forwards nothing.
 */
export function coreBridge(core: KeywayCore, ...forward: ('view' | 'update')[]): Bridge {
  const { transport, emit } = createInProcessTransport(createDispatcher(createCoreHandlers(core)));
  if (forward.includes('view')) core.onView((view) => emit(encodeEvent('view', view)));
  if (forward.includes('update')) core.updates.onChange((state) => emit(encodeEvent('update', state)));
  const real = createClient(transport);
  const calls: Calls = [];
  const client: KeywayClient = {
    invoke: (command, input) => {
      calls.push([command, input]);
      return real.invoke(command, input);
    },
    on: (event, listener) => real.on(event, listener),
  };
  return { client, calls };
}

interface ScreenOptions {
  /** What the screen talks to; a fresh `recordingBridge()` when not given. */
  bridge?: Bridge;
  /** The UI language during the render (switched back to English when the test ends). */
  language?: UiLanguage | undefined;
}

/** Renders `ui(client)` in `language` over `bridge`; the document is emptied and English restored after the test. */
export async function renderScreen(
  ui: (client: KeywayClient) => ReactElement,
  { bridge = recordingBridge(), language }: ScreenOptions = {},
): Promise<RenderResult & Bridge> {
  onTestFinished(async () => {
    cleanup();
    await act(() => applyLanguage('en'));
  });
  if (language !== undefined) await act(() => applyLanguage(language));
  return { ...render(ui(bridge.client)), ...bridge };
}
