import type { RawTransport } from './client';

/**
 * What the Electron preload exposes on `window.keyway`: the raw transport only. Validation happens in
 * the renderer's client and again in main, so the bridge stays a few lines that are easy to audit.
 */
export type KeywayBridge = RawTransport;

export const BRIDGE_GLOBAL = 'keyway';

/** Electron channel names, shared by main and preload (kept here so the preload bundle pulls no zod). */
export const ELECTRON_INVOKE_CHANNEL = 'keyway:invoke';
export const ELECTRON_EVENT_CHANNEL = 'keyway:event';
