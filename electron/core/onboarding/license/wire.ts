import { z } from 'zod';
import { NoInput, NoOutput, Text, type StepWire } from '../../../ipc/screen-kit';

/** License (and License update, the same view) on the wire (see screen-kit.ts). */

const LicenseView = z.strictObject({
  screen: z.literal('license'),
  serverName: Text,
  version: Text,
  text: z.string().max(200_000),
  /** True when an already signed-in user is shown a changed license. */
  isUpdate: z.boolean(),
});

export const licenseWire = {
  views: [LicenseView],
  commands: {
    acceptLicense: { input: NoInput, output: NoOutput, becomes: 'license.accepted' },
    declineLicense: { input: NoInput, output: NoOutput, becomes: 'license.declined' },
  },
} as const satisfies StepWire;
