import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, ELECTRON_EVENT_CHANNEL, ELECTRON_INVOKE_CHANNEL, type KeywayBridge } from '../ipc/bridge';

// Exposes exactly the raw transport of the IPC contract: one invoke path and one event stream.
// No ipcRenderer, no Node, no arbitrary channels reach the page.
const bridge: KeywayBridge = {
  request: (envelope) => ipcRenderer.invoke(ELECTRON_INVOKE_CHANNEL, envelope),
  subscribe(listener) {
    const handler = (_event: Electron.IpcRendererEvent, envelope: unknown): void => listener(envelope);
    ipcRenderer.on(ELECTRON_EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(ELECTRON_EVENT_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
