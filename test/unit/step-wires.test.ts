import { describe, expect, it } from 'vitest';
import { initialState, transition, type OnboardingEvent } from '../../electron/core/onboarding/machine';
import type { OnboardingState, ProfileSummary } from '../../electron/core/onboarding/states';
import { toView } from '../../electron/core/onboarding/view';
import { STEP_WIRES } from '../../electron/core/onboarding/wire';
import { createClient, type RawTransport } from '../../electron/ipc/client';
import { commands, events } from '../../electron/ipc/contract';
import { createDispatcher, type CommandHandlers } from '../../electron/ipc/dispatcher';
import { FailureView, ProgressView, View } from '../../electron/ipc/view';
import type { MfaRequired } from '../../protocol/mfa';
import { screens } from '../../renderer/src/screens/registry';
import { codeFor, configFor, ORIGIN } from './support/fixtures';

/**
 * Each step folder declares its screens' views and commands in its `wire.ts`; electron/ipc composes the
 * contract from electron/core/onboarding/wire.ts. These tests hold the composition to what each folder
 * declares, and what core publishes for every screen to what the renderer's client accepts.
 */

interface ViewSchema {
  readonly shape: { readonly screen: { readonly value: unknown } };
  safeParse(value: unknown): { success: boolean };
}
const wires = Object.entries(STEP_WIRES);
const tagOf = (schema: ViewSchema): unknown => schema.shape.screen.value;
/** Every view schema a folder declares, and the two the contract declares itself. */
const declared: readonly ViewSchema[] = [
  FailureView,
  ProgressView,
  ...wires.flatMap(([, wire]): readonly ViewSchema[] => wire.views),
];

describe("the contract composed from the steps' wire files", () => {
  it('carries every view a step folder declares, as that very schema, plus the shared progress and failure views', () => {
    expect(View.options).toEqual(declared);
    for (const schema of declared) expect(View.options).toContain(schema);
    // One declaration per screen tag: two folders cannot both claim a screen.
    const tags = declared.map(tagOf);
    expect(new Set(tags).size).toBe(tags.length);
  });

  it('carries every command a step folder declares, as declared (no name shadowed by another folder or the shell)', () => {
    const names = wires.flatMap(([, wire]) => Object.keys(wire.commands));
    expect(new Set(names).size).toBe(names.length);
    for (const [folder, wire] of wires) {
      for (const [name, spec] of Object.entries(wire.commands)) {
        expect({ folder, name, same: (commands as Record<string, unknown>)[name] === spec }).toEqual({
          folder,
          name,
          same: true,
        });
      }
    }
  });

  it('gives the renderer a component for exactly the screens of the contract', () => {
    expect(Object.keys(screens).sort()).toEqual(View.options.map(tagOf).sort());
  });
});

const ana: ProfileSummary = {
  origin: ORIGIN,
  serverName: 'Example Corp',
  loginId: 'ana',
  displayName: 'Ana Example',
  method: 'password',
  acceptedLicenseVersion: '1',
};
const home = { origin: ORIGIN, serverName: 'Example Corp', loginId: 'ana', displayName: 'Ana', email: 'a@example.com' };
const challenge: MfaRequired = {
  status: 'mfa_required',
  challengeId: 'c'.repeat(32),
  expiresIn: 600,
  channels: [{ channel: 'totp', hint: '', available: true }],
  enrollmentRequired: false,
  trustDays: 30,
};
const oidc = { method: 'oidc', issuer: `${ORIGIN}/oidc`, clientId: 'keyway-desktop' } as const;

/** Journeys that together reach every screen kind the machine has; each visited state is kept. */
function walk(events: OnboardingEvent[], profiles: ProfileSummary[] = []): OnboardingState[] {
  return from(initialState({ policy: {}, profiles: [] }), [{ type: 'started', profiles, resume: null }, ...events]);
}
function from(start: OnboardingState, events: OnboardingEvent[]): OnboardingState[] {
  let state = start;
  const seen = [state];
  for (const event of events) {
    state = transition(state, event).state;
    seen.push(state);
  }
  return seen;
}
const atHome: OnboardingState = {
  context: { policy: {}, profiles: [ana] },
  screen: { kind: 'home', home, notice: null },
};
const visited = [
  ...walk([
    { type: 'welcome.inputChanged', text: codeFor() },
    { type: 'welcome.applied' },
    { type: 'server.confirmed' },
    { type: 'redeem.succeeded', config: configFor() },
    { type: 'license.accepted' },
    { type: 'password.submitted', password: 'pw' },
    { type: 'mfa.required', challenge },
    {
      type: 'signIn.succeeded',
      home,
      profiles: [ana],
      notice: null,
      licenseUpdate: { version: '2', text: 'New terms.' },
    },
    { type: 'license.accepted' },
    { type: 'security.opened' },
  ]),
  ...from(atHome, [{ type: 'oneTimePassword.opened' }]),
  ...from(atHome, [{ type: 'signOut.requested' }]),
  ...walk(
    [
      { type: 'welcome.inputChanged', text: codeFor() },
      { type: 'welcome.applied' },
      { type: 'redeem.succeeded', config: { ...configFor(), signIn: oidc } },
      { type: 'import.chosen', from: null },
      { type: 'license.accepted' },
    ],
    [ana],
  ),
  ...walk([
    { type: 'manualLogin.opened' },
    { type: 'manualLogin.changed', host: 'keyway.example.com', loginId: 'ana' },
    { type: 'next.pressed' },
  ]),
  [
    {
      context: { policy: {}, profiles: [ana] },
      screen: { kind: 'resumeFailed', target: ana, error: { code: 'server_unreachable', message: 'Down.' } },
    } as OnboardingState,
  ],
].flat();

describe('what core publishes for each screen', () => {
  const kinds = [...new Set(visited.map((state) => state.screen.kind))].sort();

  it('reaches the screens under test (the walk above is not empty-handed)', () => {
    expect(kinds).toEqual(
      expect.arrayContaining(['welcome', 'confirmServer', 'importProfile', 'license', 'licenseUpdate', 'password']),
    );
    expect(kinds).toEqual(expect.arrayContaining(['mfa', 'home', 'security', 'oneTimePassword', 'browserSignIn']));
    expect(kinds).toEqual(expect.arrayContaining(['manualLogin', 'discovering', 'resumeFailed', 'signingOut']));
  });

  it.each(kinds)(
    '%s: parses with the schema its step folder declares, and reaches the renderer unchanged',
    async (kind) => {
      for (const state of visited.filter((s) => s.screen.kind === kind)) {
        const view = toView(state);
        const own = declared.find((schema) => tagOf(schema) === view.screen);
        expect(own?.safeParse(view).success).toBe(true);
        // Through a transport: the dispatcher checks core's answer and the client checks it on receipt.
        const transport = loopback({ getView: () => Promise.resolve(view) });
        await expect(createClient(transport).invoke('getView', {})).resolves.toEqual(view);
        expect(events.view.parse(view)).toEqual(view);
      }
    },
  );
});

function loopback(overrides: Partial<CommandHandlers>): RawTransport {
  const none = (): Promise<null> => Promise.resolve(null);
  const handlers = Object.fromEntries(Object.keys(commands).map((name) => [name, none])) as unknown as CommandHandlers;
  const dispatch = createDispatcher({ ...handlers, ...overrides });
  return { request: (envelope) => dispatch(envelope), subscribe: () => () => undefined };
}
