import { z } from 'zod';
import { KeywayErrorShape, Text, type StepWire } from '../../../ipc/screen-kit';

/** Resume failed on the wire (see screen-kit.ts); its Retry and Back are the shared commands. */

const ResumeFailedView = z.strictObject({
  screen: z.literal('resumeFailed'),
  serverName: Text,
  serverHost: Text,
  loginId: Text,
  error: KeywayErrorShape,
});

export const startWire = { views: [ResumeFailedView], commands: {} } as const satisfies StepWire;
