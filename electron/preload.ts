/**
 * The preload (sandboxed, bundled to CommonJS): exposes exactly the typed bridge as
 * `window.quantmini` and nothing of Node or Electron. Request names are checked against the
 * contract's allowlist here too, so a typo fails fast with a typed result instead of an IPC error.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, READY_CHANNEL, type ContractEvent, type QuantMiniBridge } from '../core/contract/bridge.ts';
import { fail } from '../core/contract/contract-result.ts';
import { ipcChannelFor, REQUEST_NAME_LIST } from '../core/contract/request-names.ts';

// The plain-string allowlist (no zod in the preload); contract.ts checks it matches the schemas.
const allowed = new Set<string>(REQUEST_NAME_LIST);

const bridge: QuantMiniBridge = {
  invoke(name, input) {
    if (!allowed.has(name)) return Promise.resolve(fail('forbidden', `unknown request "${String(name)}"`));
    return ipcRenderer.invoke(ipcChannelFor(name), input);
  },
  onEvent(listener) {
    // Only the event itself crosses; Electron's IpcRendererEvent (with `sender`) never reaches the page.
    const wrapped = (_event: IpcRendererEvent, event: ContractEvent) => listener(event.name, event.payload);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
    };
  },
  ready() {
    ipcRenderer.send(READY_CHANNEL);
  },
};

contextBridge.exposeInMainWorld('quantmini', bridge);
