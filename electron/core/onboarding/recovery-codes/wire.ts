import { z } from 'zod';
import { RecoveryCodeList } from '../../../../protocol/mfa';
import { NoInput, NoOutput, Text, type StepWire } from '../../../ipc/screen-kit';

/** "Save your recovery codes" on the wire: the codes, once, and Continue / Save as text file / Print. */

const RecoveryCodesView = z.strictObject({
  screen: z.literal('recoveryCodes'),
  serverHost: Text,
  loginId: Text,
  /** The ten codes as the server grouped them (xxxx-xxxx-xxxx). */
  codes: RecoveryCodeList,
});

/** What "Save as text file" and "Print" did: main did it (Electron), or the page must (the harness). */
export const RecoveryCodesExported = z.discriminatedUnion('by', [
  /** Electron: main showed the save dialog and wrote the file, or printed (`done` false: the user cancelled). */
  z.strictObject({ by: z.literal('app'), done: z.boolean() }),
  /** No app around core (the harness): the page saves the file (a download) or prints (window.print). */
  z.strictObject({
    by: z.literal('page'),
    file: z.strictObject({ name: z.string().max(100), text: z.string().max(4000) }),
  }),
]);
export type RecoveryCodesExported = z.infer<typeof RecoveryCodesExported>;

export const recoveryCodesWire = {
  views: [RecoveryCodesView],
  commands: {
    /** Continue: the codes leave core's state for good. */
    continueFromRecoveryCodes: { input: NoInput, output: NoOutput, becomes: 'recoveryCodes.continued' },
    /** Save as text file / Print the codes on display (served by core; main does the Electron part). */
    exportRecoveryCodes: {
      input: z.strictObject({ action: z.enum(['save', 'print']) }),
      output: RecoveryCodesExported,
    },
  },
} as const satisfies StepWire;
