/**
 * The one place a worker learns how it talks to its parent. Under Electron's utilityProcess the
 * channel is `process.parentPort` (messages arrive wrapped as `{ data }`); under child_process.fork
 * it is `process.send` / `process.on('message')`. Everything else in a worker is host-agnostic.
 */

/** The worker side of the channel to the supervisor. */
export interface WorkerPort {
  postMessage(message: unknown): void;
  onMessage(cb: (message: unknown) => void): void;
  /** Called if the parent goes away (it crashed or was killed): the worker should stop and exit. */
  onDisconnect(cb: () => void): void;
  /** Resolves once messages posted so far have been handed to the OS, so exiting loses none. */
  flush(): Promise<void>;
  readonly kind: 'electron' | 'node';
}

// Structural type of Electron's ParentPort, so core/ needs no `electron` import (not even types).
interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/** The port for the current process; throws when the process was not started as a worker. */
export function workerPort(proc: NodeJS.Process = process): WorkerPort {
  const parentPort = (proc as unknown as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) {
    return {
      kind: 'electron',
      postMessage: (m) => parentPort.postMessage(m),
      onMessage: (cb) => void parentPort.on('message', (e) => cb(e.data)),
      // Electron kills utility processes with their parent, so there is nothing to watch.
      onDisconnect: () => undefined,
      flush: () => new Promise((resolve) => setImmediate(resolve)),
    };
  }
  if (typeof proc.send !== 'function') {
    throw new Error('this module is a job worker: start it through a process launcher, not directly');
  }
  let pending: Promise<void> = Promise.resolve();
  return {
    kind: 'node',
    postMessage(m) {
      if (!proc.connected) return;
      pending = new Promise((resolve) => {
        proc.send!(m, undefined, undefined, () => resolve());
      });
    },
    onMessage: (cb) => void proc.on('message', (m) => cb(m)),
    onDisconnect: (cb) => void proc.on('disconnect', cb),
    // IPC sends complete in order, so waiting for the last one's callback waits for all.
    flush: () => pending,
  };
}
