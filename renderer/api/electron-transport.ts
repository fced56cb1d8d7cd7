/**
 * Transport over the Electron preload bridge (`window.quantmini`, typed in core/contract/bridge.ts),
 * which forwards to ipcMain and queues main-to-renderer events until `ready()` is called.
 */
import type { QuantMiniBridge } from '../../core/contract/bridge.ts';
import type { RequestName } from '../../core/contract/contract.ts';
import type { ConnectionStatus, RawEventListener, Transport } from './transport.ts';

/** The preload bridge, if this renderer runs inside Electron. */
export function findElectronBridge(): QuantMiniBridge | null {
  const candidate = (globalThis as { quantmini?: Partial<QuantMiniBridge> }).quantmini;
  if (candidate && typeof candidate.invoke === 'function' && typeof candidate.onEvent === 'function' && typeof candidate.ready === 'function') {
    return candidate as QuantMiniBridge;
  }
  return null;
}

/** Wraps the preload bridge as a Transport. */
export function createElectronTransport(bridge: QuantMiniBridge): Transport {
  return {
    kind: 'electron',
    // The client above is typed per request; at this layer names and inputs are opaque.
    invoke: (name, input) => bridge.invoke(name as RequestName, input as never),
    onEvent: (listener: RawEventListener) => bridge.onEvent((name, payload) => listener(name, payload)),
    ready: () => bridge.ready(),
    onStatus: (listener: (status: ConnectionStatus) => void) => {
      listener('open');
      return () => {};
    },
  };
}
