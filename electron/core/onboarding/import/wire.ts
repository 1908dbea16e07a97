import { z } from 'zod';
import { NoOutput, Text, type StepWire } from '../../../ipc/screen-kit';

/** Import on the wire (see screen-kit.ts). */

const ImportView = z.strictObject({
  screen: z.literal('import'),
  serverName: Text,
  candidates: z.array(z.strictObject({ origin: Text, serverName: Text, serverHost: Text, loginId: Text })).max(50),
});

export const importWire = {
  views: [ImportView],
  commands: {
    /** Import: carry settings over from an earlier profile (its origin), or start fresh (null). */
    chooseImport: {
      input: z.strictObject({ from: z.string().max(500).nullable() }),
      output: NoOutput,
      becomes: 'import.chosen',
    },
  },
} as const satisfies StepWire;
