import { BRIDGE_GLOBAL, type KeywayBridge } from '../../../electron/ipc/bridge';
import type { RawTransport } from '../../../electron/ipc/client';
import { createSocketTransport } from './socket-transport';

/** Like VS Code's workbench: the same UI, the transport chosen by where it runs. */
export function pickTransport(onConnectionChange: (connected: boolean) => void): RawTransport {
  const bridge = (window as unknown as Record<string, KeywayBridge | undefined>)[BRIDGE_GLOBAL];
  if (bridge) return bridge;
  return createSocketTransport(undefined, onConnectionChange);
}
