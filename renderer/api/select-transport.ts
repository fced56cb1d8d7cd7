/**
 * Picks the transport for where the renderer runs: the Electron preload bridge when present,
 * otherwise the web host's WebSocket on the page's own origin with the page's token, framed by the
 * codec the host uses (core/contract/wire-codec.ts).
 */
import { contractWireCodec, webSocketUrl } from '../../core/contract/wire-codec.ts';
import { createElectronTransport, findElectronBridge } from './electron-transport.ts';
import type { Transport } from './transport.ts';
import { createWsTransport } from './ws-transport.ts';

/** The transport for this page. */
export function selectTransport(): Transport {
  const bridge = findElectronBridge();
  if (bridge) return createElectronTransport(bridge);
  return createWsTransport({ url: webSocketUrl(window.location.href), codec: contractWireCodec });
}
