/**
 * Registers the contract on Electron's IPC: one `ipcMain.handle` per request name, all taken from
 * the contract's single allowlist (REQUEST_NAMES), each checking that the sender is our own page
 * before the request is validated and dispatched. Nothing else is registered, so a channel outside
 * the allowlist has no handler and its invoke is rejected by Electron itself.
 */
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { READY_CHANNEL } from '../core/contract/bridge.ts';
import type { ContractBackend } from '../core/contract/contract-backend.ts';
import { ipcChannel, REQUEST_NAMES } from '../core/contract/contract.ts';
import { fail, type Result } from '../core/contract/contract-result.ts';
import { createRequestContext, dispatchRequest, type RequestContext } from '../core/contract/dispatch.ts';

/** Options for registerContractChannels. */
export interface IpcBridgeOptions {
  backend: ContractBackend;
  /** True for URLs of our own renderer (the app:// page, or the dev server in development). */
  isTrustedUrl: (url: string) => boolean;
  /** The renderer asked for events (after a trusted-sender check). */
  onReady: (event: IpcMainEvent) => void;
  onInternalError?: (name: string, err: unknown) => void;
}

/** The URL of the frame that sent an IPC message, or null when the frame is gone. */
export function senderUrl(event: IpcMainInvokeEvent | IpcMainEvent): string | null {
  try {
    return event.senderFrame?.url ?? null;
  } catch {
    // Accessing a destroyed frame throws.
    return null;
  }
}

// One request context per page (webContents), closed when the page is destroyed, reloaded or navigates away (not for in-page navigation).
const contexts = new WeakMap<object, RequestContext>();

/** The request context of the page that sent an IPC message. */
export function contextFor(event: IpcMainInvokeEvent): RequestContext {
  const sender = event.sender as IpcMainInvokeEvent['sender'] | undefined;
  if (!sender) return createRequestContext();
  let ctx = contexts.get(sender);
  if (!ctx) {
    const created = createRequestContext();
    const close = () => {
      contexts.delete(sender);
      created.close();
    };
    sender.once?.('destroyed', close);
    sender.once?.('did-navigate', close);
    sender.once?.('render-process-gone', close);
    contexts.set(sender, created);
    ctx = created;
  }
  return ctx;
}

/** Handles one invoke: sender check, then the contract's allowlist + schema + typed result. */
export async function handleInvoke(options: IpcBridgeOptions, name: string, event: IpcMainInvokeEvent, input: unknown): Promise<Result<unknown>> {
  const url = senderUrl(event);
  if (!url || !options.isTrustedUrl(url)) return fail('forbidden', 'request from a page that is not QuantMini');
  return dispatchRequest(options.backend.handlers, name, input, {
    secrets: options.backend.secrets,
    onInternalError: options.onInternalError,
    context: contextFor(event),
  });
}

/** Registers every request channel and the ready channel; returns a function that removes them. */
export function registerContractChannels(ipcMain: IpcMain, options: IpcBridgeOptions): () => void {
  for (const name of REQUEST_NAMES) {
    ipcMain.handle(ipcChannel(name), (event, input: unknown) => handleInvoke(options, name, event, input));
  }
  const onReady = (event: IpcMainEvent) => {
    const url = senderUrl(event);
    if (url && options.isTrustedUrl(url)) options.onReady(event);
  };
  ipcMain.on(READY_CHANNEL, onReady);
  return () => {
    for (const name of REQUEST_NAMES) ipcMain.removeHandler(ipcChannel(name));
    ipcMain.removeListener(READY_CHANNEL, onReady);
  };
}

/** A trusted-URL check for the packaged page (app://quantmini/...) and an optional dev server origin. */
export function trustedUrlCheck(appOrigin: string, devServerUrl?: string): (url: string) => boolean {
  const devOrigin = devServerUrl ? new URL(devServerUrl).origin : null;
  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    // Custom schemes report origin "null"; compare protocol and host instead.
    if (`${parsed.protocol}//${parsed.host}` === appOrigin) return true;
    return devOrigin !== null && parsed.origin === devOrigin;
  };
}
