/**
 * The reference deployment and login server, as tests, benchmarks and the browser harness start it. It
 * imports protocol/ only. Start it with startReferenceServer(); administer it through
 * RunningServer.admin or the CLI (cli.ts). Only what those callers use is exported (knip checks it).
 */
export { startReferenceServer, type RunningServer } from './server';
export { DEFAULT_LICENSE, DEFAULT_LIMITS, type ReferenceServerOptions } from './config';
export type { MfaPolicyChange } from './admin/admin-service';
export { MFA_KEY_FILE } from './mfa/secret-box';
