import { z } from 'zod';
import { STEP_WIRES } from '../core/onboarding/wire';
import { NoInput, NoOutput, type CommandSpec } from './screen-kit';
import { UiLanguage, View } from './view';

/**
 * The IPC contract: every command (renderer → core) and event (core → renderer), each with a zod schema.
 * All three transports (Electron IPC, the harness WebSocket, in-process) serve exactly this object, and
 * both ends validate against it.
 *
 * A step's commands are declared in its folder's `wire.ts` (electron/core/onboarding/wire.ts lists
 * them); the commands no one step owns are declared here. A command that only tells core what the user
 * did names the onboarding event it `becomes`: core's handler table is derived from this
 * (keyway-core.ts `createCoreHandlers`), the event being the command's validated input with that type.
 * The machine's user events are exactly these (`CommandEvent`, core's states.ts `UserEvent`).
 * Commands without `becomes` answer something (a view, the language, the update state) and are served
 * by hand.
 */

/** Automatic updates: nothing to show, or a downloaded version that installs on "Restart to update". */
export const UpdateState = z.strictObject({ ready: z.boolean(), version: z.string().max(64).nullable() });
export type UpdateState = z.infer<typeof UpdateState>;

/** The commands several screens send, or none: the shell's. */
const sharedCommands = {
  /** The view to render now; the renderer asks once at start, then follows `view` events. */
  getView: { input: NoInput, output: View },
  /**
   * The language to speak, as core chose it (machine policy, then the organisation's pushed profile, then
   * the OS, then English); asked once at start. Home's view also carries a pushed language (home/wire.ts).
   */
  getLanguage: {
    input: NoInput,
    output: z.strictObject({
      language: UiLanguage,
      source: z.enum(['policy', 'organisation', 'system', 'default']),
    }),
  },
  /** Cancel on Confirm server, Manual Login, the login-ID page and the browser sign-in. */
  cancel: { input: NoInput, output: NoOutput, becomes: 'cancel.pressed' },
  /** Back on Password (and "Sign in again" when a silent sign-in could not reach the server). */
  goBack: { input: NoInput, output: NoOutput, becomes: 'back.pressed' },
  /** Try again: a silent sign-in or a browser sign-in that failed, a refused session save, "Start again". */
  retry: { input: NoInput, output: NoOutput, becomes: 'retry.pressed' },
  /** Whether an update is downloaded (asked once at start; then the `update` event). */
  getUpdate: { input: NoInput, output: UpdateState },
  /** "Restart to update": quits and installs the downloaded update; refused while none is ready. */
  restartToUpdate: { input: NoInput, output: NoOutput },
} as const satisfies Record<string, CommandSpec>;

type StepWires = typeof STEP_WIRES;
/** Every step's commands as one object type (the intersection of each folder's `commands`). */
type StepCommands = UnionToIntersection<StepWires[keyof StepWires]['commands']>;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/**
 * Every step's commands, composed. A name declared by two folders (or by a folder and the shared
 * commands) would silently shadow the other, so the unit test ipc-contract.test.ts refuses it.
 */
const stepCommands = Object.assign(
  {},
  ...Object.values(STEP_WIRES).map((wire): Record<string, CommandSpec> => wire.commands),
) as StepCommands;

export const commands: typeof sharedCommands & StepCommands = { ...stepCommands, ...sharedCommands };

export const events = {
  /** Core published a new view. */
  view: View,
  /**
   * Harness only: open this URL in a new browser tab (the harness's stand-in for the system browser).
   * In Electron, main opens the system browser itself and never sends this.
   */
  openExternal: z.strictObject({ url: z.url({ protocol: /^https?$/ }).max(8192) }),
  /** An update was downloaded (Electron only: main's updater publishes it). */
  update: UpdateState,
} as const satisfies Record<string, z.ZodType>;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandInput<C extends CommandName> = z.input<Commands[C]['input']>;
export type CommandOutput<C extends CommandName> = z.output<Commands[C]['output']>;
type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

/** The commands that become an onboarding event, and the event each becomes. */
export type EventCommandName = {
  [C in CommandName]: Commands[C] extends { readonly becomes: string } ? C : never;
}[CommandName];
type EventOfCommand<C extends EventCommandName> = Commands[C] extends { readonly becomes: infer E } ? E : never;

/**
 * The onboarding event a command becomes: its `becomes` as the type, with the command's validated input
 * as the fields (core's OnboardingEvent is made of these for everything the user does).
 */
export type CommandEvent<C extends EventCommandName> = { readonly type: EventOfCommand<C> } & Fields<
  z.output<Commands[C]['input']>
>;
/** An input's named fields (zod types an empty strict object with an index signature), per union member. */
type Fields<T> = T extends unknown ? { readonly [K in keyof T as string extends K ? never : K]: T[K] } : never;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}
