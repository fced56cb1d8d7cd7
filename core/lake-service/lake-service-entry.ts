// Entry module of the long-lived "lake" process (child_process.fork under Node hosts, Electron's
// utilityProcess in the app; the port adapter hides which). It waits for its configuration, then
// answers calls until its parent goes away.
import { isRequestError } from '../contract/request-error.ts';
import { workerPort } from '../process/worker-port.ts';
import { createLakeService, type LakeService } from './lake-service.ts';
import { isToLakeService, type FromLakeService } from './lake-service-protocol.ts';

const port = workerPort();
const send = (m: FromLakeService) => port.postMessage(m);
let service: Promise<LakeService> | null = null;

port.onDisconnect(() => {
  // Orphaned: nobody will read our answers. Close DuckDB and go.
  void (service ?? Promise.resolve(null)).then((s) => s?.close()).finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});

port.onMessage((message) => {
  if (!isToLakeService(message)) return;
  if (message.type === 'init') {
    if (!service) {
      service = createLakeService(message.config);
      void service.then(() => send({ type: 'initialized' }));
    }
    return;
  }
  const { id, method, params } = message;
  if (!service) {
    send({ type: 'reply', id, ok: false, error: { code: 'unavailable', message: 'the lake service was not initialised' } });
    return;
  }
  service
    .then((s) => s.call(method, params as never))
    .then(
      (value) => send({ type: 'reply', id, ok: true, value }),
      (err: unknown) => {
        const code = isRequestError(err) ? err.code : 'internal';
        const text = err instanceof Error ? err.message : String(err);
        send({ type: 'reply', id, ok: false, error: { code, message: text } });
      },
    );
});

send({ type: 'ready' });
